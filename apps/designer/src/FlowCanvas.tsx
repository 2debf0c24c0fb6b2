import { useEffect, useMemo, useRef } from 'react';
import {
  Background,
  Controls,
  Position,
  ReactFlow,
  useReactFlow,
  useStore,
  type Edge,
  type Node,
  type ReactFlowInstance,
  type ReactFlowState,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { Flow } from '@millrace/flow-model';
import { FlowMiniMap } from './canvas/FlowMiniMap.tsx';
import { toneOf, type OverviewNode, type Tone } from './canvas/overview.ts';
import { OverviewLayer } from './canvas/OverviewLayer.tsx';
import { EDGE_TYPES, PORT_EDGE } from './canvas/PortEdge.tsx';
import './canvas/canvas.css';
import { positions } from './layout.ts';
import './lifecycle/canvas-diff.css';

/** How a node or edge differs from another version of the flow (the visual diff). */
export type DiffMark = 'added' | 'removed' | 'changed';

/**
 * A node to centre the canvas on (with `also`: the view that shows all of them); a new `seq`
 * centres it again (after the user panned away).
 */
export interface CanvasFocus {
  readonly node: string;
  readonly seq: number;
  readonly also?: readonly string[];
}

const focusIds = (f: CanvasFocus) => [f.node, ...(f.also ?? [])].map((id) => ({ id }));

/** What one run did at one node: shown as a badge, and the node highlighted (or marked failed). */
export interface NodeOverlay {
  readonly status: string;
  readonly attempts: number;
  readonly durationMs: number | null;
  /** The node where the run failed or parked. */
  readonly failed: boolean;
}

/** A run's path over the canvas: per node id, what happened there; `key` names the run. */
export interface CanvasOverlay {
  readonly key: string;
  readonly nodes: ReadonlyMap<string, NodeOverlay>;
}

export const formatMs = (ms: number | null) =>
  ms === null ? '' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

function badgeText(o: NodeOverlay): string {
  const parts = [o.status, `${o.attempts} ${o.attempts === 1 ? 'attempt' : 'attempts'}`];
  if (o.durationMs !== null) parts.push(formatMs(o.durationMs));
  return parts.join(' · ');
}

/** The key of a highlight map, so the (uncontrolled) canvas redraws when it changes. */
const marksKey = (m: ReadonlyMap<string, DiffMark> | undefined) =>
  m ? [...m].map(([id, k]) => `${id}=${k[0]}`).join(',') : '';

/**
 * One flow version, read-only: nodes labelled with name and type, edges with their port. With an
 * overlay, the nodes a run went through are highlighted, the failed or parked one marked, and each
 * carries its status, attempts and duration; `onNodeSelect` reports a clicked node. With
 * `highlight` (and `edgeHighlight`), nodes and edges added, removed or changed against another
 * version are marked (class `diff-<mark>`, a tag, and the mark in their accessible name);
 * `focus` centres the canvas on a node.
 */
export function FlowCanvas({
  flow,
  overlay,
  onNodeSelect,
  highlight,
  edgeHighlight,
  focus,
}: {
  flow: Flow;
  overlay?: CanvasOverlay;
  onNodeSelect?: (nodeId: string) => void;
  highlight?: ReadonlyMap<string, DiffMark>;
  edgeHighlight?: ReadonlyMap<string, DiffMark>;
  focus?: CanvasFocus;
}) {
  // The instance of the canvas drawn under `key`: a canvas drawn anew has not reported yet.
  const instance = useRef<{ key: string; rf: ReactFlowInstance } | null>(null);
  const key = `${flow.id}@${flow.version}${overlay ? `#${overlay.key}` : ''}${marksKey(highlight)}|${marksKey(edgeHighlight)}`;
  useEffect(() => {
    const rf = instance.current?.key === key ? instance.current.rf : undefined;
    if (!focus || !rf) return;
    rf.setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === focus.node })));
    void rf.fitView({ nodes: focusIds(focus), duration: 300, maxZoom: 1.2, padding: focus.also ? 0.1 : 0.6 });
    // Only a new focus moves the view; a canvas drawn anew starts at its focus (fitViewOptions).
  }, [focus]);

  const { nodes, edges } = useMemo(() => {
    const at = positions(flow);
    const nodes: Node[] = flow.nodes.map((n) => {
      const o = overlay?.nodes.get(n.id);
      const classes = ['node'];
      if (n.disabled) classes.push('disabled');
      if (overlay) classes.push(o ? 'on-path' : 'off-path');
      if (o?.failed) classes.push('failed');
      const mark = highlight?.get(n.id);
      if (mark) classes.push(`diff-${mark}`);
      const tone = toneOf({ failed: o?.failed, offPath: overlay !== undefined && !o, disabled: n.disabled, mark });
      return {
        id: n.id,
        position: at.get(n.id) ?? { x: 0, y: 0 },
        sourcePosition: Position.Right,
        targetPosition: Position.Left,
        ariaLabel: `${n.name ?? n.id} (${n.type})${mark ? `, ${mark}` : ''}${o ? `: ${o.failed ? 'failed here, ' : ''}${badgeText(o)}` : ''}`,
        className: classes.join(' '),
        data: {
          tone,
          label: (
            <div className="node-label">
              <strong>{n.name ?? n.id}</strong>
              <span className="node-type">{n.type}</span>
              {mark && (
                <span className={`diff-tag diff-tag-${mark}`} data-testid={`diff-${n.id}`}>
                  {mark}
                </span>
              )}
              {o && (
                <span className={o.failed ? 'node-badge failed' : 'node-badge'} data-testid={`badge-${n.id}`}>
                  {o.failed ? '⚠ ' : ''}
                  {badgeText(o)}
                </span>
              )}
            </div>
          ),
        },
      };
    });
    const edges: Edge[] = flow.edges.map((e) => {
      const walked = overlay !== undefined && overlay.nodes.has(e.from.node) && overlay.nodes.has(e.to.node);
      const mark = edgeHighlight?.get(e.id);
      const classes = [...(walked ? ['on-path'] : []), ...(mark ? [`diff-${mark}`] : [])];
      return {
        id: e.id,
        source: e.from.node,
        target: e.to.node,
        ...(walked ? { animated: true } : {}),
        ...(classes.length > 0 ? { className: classes.join(' ') } : {}),
        ...(mark ? { ariaLabel: `Edge from ${e.from.node} to ${e.to.node}, ${mark}` } : {}),
        ...(e.from.port !== 'out' ? { label: e.from.port, type: PORT_EDGE } : {}),
      };
    });
    return { nodes, edges };
  }, [flow, overlay, highlight, edgeHighlight]);

  return (
    <div className="canvas" data-testid="flow-canvas">
      {/* Uncontrolled, so React Flow keeps the measured sizes (fit view and minimap need them). */}
      <ReactFlow
        key={key}
        onInit={(rf) => {
          instance.current = { key, rf };
        }}
        defaultNodes={nodes}
        defaultEdges={edges}
        edgeTypes={EDGE_TYPES}
        fitView
        // A canvas drawn anew (a new overlay) with a focus shows the focus from the start.
        fitViewOptions={focus ? { padding: 0.1, maxZoom: 1.2, nodes: focusIds(focus) } : { padding: 0.05 }}
        minZoom={0.1}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable
        nodesFocusable
        {...(onNodeSelect ? { onNodeClick: (_e: unknown, node: Node) => onNodeSelect(node.id) } : {})}
        aria-label={`Canvas of ${flow.name} ${flow.version}`}
      >
        <ReadOnlyOverview {...(onNodeSelect ? { onNodeSelect } : {})} />
        <FlowMiniMap label="Minimap of the flow" />
        <Controls showInteractive={false} />
        <Background />
      </ReactFlow>
    </div>
  );
}

/** Above this many nodes, a flow zoomed below FAR_ZOOM is drawn as an overview (as in the editor). */
const BIG_FLOW = 150;
const FAR_ZOOM = 0.3;
const isFar = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;
const selectNodes = (s: ReactFlowState) => s.nodes;
const selectEdges = (s: ReactFlowState) => s.edges;

/**
 * A big flow zoomed far out, read-only: the overview of canvas/OverviewLayer instead of 1,000
 * node boxes (see canvas/overview.ts for why). A click selects a node, as a click on it does.
 */
function ReadOnlyOverview({ onNodeSelect }: { onNodeSelect?: (nodeId: string) => void }) {
  const far = useStore(isFar);
  const nodes = useStore(selectNodes);
  const edges = useStore(selectEdges);
  const rf = useReactFlow();
  const shapes = useMemo((): OverviewNode[] => {
    if (!far || nodes.length <= BIG_FLOW) return [];
    return nodes.map((n) => {
      const m = rf.getInternalNode(n.id)?.measured;
      return {
        id: n.id,
        x: n.position.x,
        y: n.position.y,
        width: m?.width ?? 150,
        height: m?.height ?? 40,
        tone: n.selected ? 'selected' : ((n.data as { tone?: Tone }).tone ?? 'plain'),
      };
    });
  }, [far, nodes, rf]);
  if (shapes.length === 0) return null;
  return (
    <OverviewLayer
      shapes={shapes}
      edges={edges}
      onPick={(id) => {
        rf.setNodes((ns) => ns.map((n) => (n.selected === (n.id === id) ? n : { ...n, selected: n.id === id })));
        onNodeSelect?.(id);
      }}
    />
  );
}
