import { memo, useMemo, useRef, useState, type MouseEvent, type PointerEvent } from 'react';
import { useReactFlow, ViewportPortal } from '@xyflow/react';
import type { Point } from '../layout.ts';
import { dragSet, nodeAt, overviewPaths, TONES, type OverviewEdge, type OverviewNode, type Shift } from './overview.ts';

export interface OverviewLayerProps {
  readonly shapes: readonly OverviewNode[];
  readonly edges: readonly OverviewEdge[];
  /** A click on a node: select it alone, or toggle it with Shift, Ctrl or Cmd. */
  onPick(nodeId: string, additive: boolean): void;
  /** Nodes dragged in the overview, at their new places; without it, nodes do not move. */
  onMove?(moves: ReadonlyMap<string, Point>): void;
}

/** A press counts as a drag once the pointer went this far (screen pixels). */
const DRAG_THRESHOLD = 4;

/**
 * A big flow zoomed far out, drawn as a few paths (see canvas/overview.ts for why) while React
 * Flow's own nodes and edges are hidden (editor.css `.overview`, canvas.css). Click a box to
 * select its node, drag it to move it (the selection moves with it; not on a read-only canvas),
 * double-click to zoom in on it; drag the empty pane to pan, as anywhere else.
 */
function OverviewLayerView({ shapes, edges, onPick, onMove }: OverviewLayerProps) {
  const rf = useReactFlow();
  const [shift, setShift] = useState<Shift | undefined>(undefined);
  const paths = useMemo(() => overviewPaths(shapes, edges, shift), [shapes, edges, shift]);
  const press = useRef<
    | { hit: string; screen: Point; start: Point; additive: boolean; moving?: ReadonlySet<string>; panned?: boolean }
    | undefined
  >(undefined);

  const flowAt = (e: { clientX: number; clientY: number }) => rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });

  const onPointerDown = (e: PointerEvent<SVGGElement>) => {
    if (e.button !== 0) return;
    const start = flowAt(e);
    const hit = nodeAt(shapes, start);
    if (!hit) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    press.current = {
      hit,
      start,
      screen: { x: e.clientX, y: e.clientY },
      additive: e.shiftKey || e.ctrlKey || e.metaKey,
    };
  };
  const onPointerMove = (e: PointerEvent<SVGGElement>) => {
    const p = press.current;
    if (!p) return;
    if (!onMove) {
      // Read-only: a drag from a box pans (React Flow does it), and is then no click.
      p.panned ||= Math.hypot(e.clientX - p.screen.x, e.clientY - p.screen.y) >= DRAG_THRESHOLD;
      return;
    }
    if (!p.moving) {
      if (Math.hypot(e.clientX - p.screen.x, e.clientY - p.screen.y) < DRAG_THRESHOLD) return;
      p.moving = dragSet(shapes, p.hit);
    }
    const at = flowAt(e);
    setShift({ ids: p.moving, dx: at.x - p.start.x, dy: at.y - p.start.y });
  };
  const onPointerUp = (e: PointerEvent<SVGGElement>) => {
    const p = press.current;
    press.current = undefined;
    if (!p) return;
    if (p.panned) return;
    if (!p.moving || !onMove) {
      onPick(p.hit, p.additive);
      return;
    }
    const at = flowAt(e);
    const dx = at.x - p.start.x;
    const dy = at.y - p.start.y;
    const moves = new Map<string, Point>();
    for (const s of shapes) if (p.moving.has(s.id)) moves.set(s.id, { x: s.x + dx, y: s.y + dy });
    // Dragging an unselected node selects it, as a drag up close does.
    if (shapes.find((s) => s.id === p.hit)?.tone !== 'selected') onPick(p.hit, false);
    setShift(undefined);
    onMove(moves);
  };
  const onCancel = () => {
    press.current = undefined;
    setShift(undefined);
  };
  const onDoubleClick = (e: MouseEvent<SVGGElement>) => {
    const hit = nodeAt(shapes, flowAt(e));
    const s = hit === undefined ? undefined : shapes.find((x) => x.id === hit);
    if (s) void rf.setCenter(s.x + s.width / 2, s.y + s.height / 2, { zoom: 1, duration: 250 });
  };

  return (
    <ViewportPortal>
      <svg
        className="flow-overview"
        width={1}
        height={1}
        role="img"
        aria-label={`Overview of ${shapes.length} nodes: zoom in to read them`}
        data-nodes={shapes.length}
      >
        <path className="overview-edges" d={paths.edges} />
        <path className="overview-edges selected" d={paths.selectedEdges} />
        <g
          // Where boxes do not move, a drag from one pans, as from a read-only node up close.
          className={onMove ? 'overview-nodes nopan' : 'overview-nodes'}
          data-testid="overview-nodes"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onCancel}
          onLostPointerCapture={() => press.current && onCancel()}
          onDoubleClick={onDoubleClick}
        >
          {TONES.map((t) => (paths.nodes[t] ? <path key={t} className={t} d={paths.nodes[t]} /> : null))}
        </g>
      </svg>
    </ViewportPortal>
  );
}

export const OverviewLayer = memo(OverviewLayerView);
