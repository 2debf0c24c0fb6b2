import {
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type Ref,
} from 'react';
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  ControlButton,
  Controls,
  ReactFlow,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type ReactFlowState,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { Catalog, CatalogNodeType, Flow, FlowNode, Problem } from '@millrace/flow-model';
import { FlowMiniMap } from '../canvas/FlowMiniMap.tsx';
import { OverviewLayer } from '../canvas/OverviewLayer.tsx';
import { boundsOf } from '../canvas/minimap.ts';
import { EDGE_TYPES } from '../canvas/PortEdge.tsx';
import '../canvas/canvas.css';
import type { CanvasOverlay } from '../FlowCanvas.tsx';
import type { Point } from '../layout.ts';
import { checkConnection, type PortRef } from './compat.ts';
import { NODE_TYPES } from './EditorNode.tsx';
import { BIG_FLOW, FIT_MAX_ZOOM, openingViewport, viewportFor, type Viewport } from './estimate.ts';
import { overviewShapes, selectionKey, syncEdges, syncNodes, type EditorEdge, type EditorNode } from './rf-sync.ts';

/** What the editor asks of the canvas. */
export interface CanvasHandle {
  /** Selects exactly these nodes and edges now. */
  select(nodeIds: readonly string[], edgeIds?: readonly string[]): void;
  /** Selects these nodes once the flow change being committed reaches the canvas. */
  selectAfterChange(nodeIds: readonly string[]): void;
  selectAll(): void;
  /** Pans (and zooms in if needed) so the node is in the middle. */
  centreOn(nodeId: string): void;
  /** The flow position at the middle of what is visible: where the keyboard adds a node. */
  viewportCentre(): Point;
  fitView(): void;
}

/** A drag from the palette carries the node type as `type@version` under this MIME type. */
export const DRAG_MIME = 'application/x-millrace-node-type';
/** A new node's size, roughly: a node is dropped centred on the pointer. */
export const NODE_SIZE = { width: 180, height: 60 };

export interface EditorCanvasProps {
  ref?: Ref<CanvasHandle>;
  flow: Flow;
  catalog: Catalog;
  problems: ReadonlyMap<string, readonly Problem[]>;
  overlay: CanvasOverlay | undefined;
  readOnly: boolean;
  /** The nodes were moved (a drag ended, or arrow keys): commit the new places. */
  onMove(moves: ReadonlyMap<string, Point>, by: 'drag' | 'keys'): void;
  onConnect(from: PortRef, to: PortRef): void;
  /** A connection was refused, and why. */
  onRefused(reason: string): void;
  onDropType(type: CatalogNodeType, at: Point): void;
  onSelectionChange(nodeIds: readonly string[], edgeIds: readonly string[]): void;
}

/** The editable canvas: React Flow, controlled from the flow, with drops from the palette. */
export function EditorCanvas(props: EditorCanvasProps) {
  const { flow, catalog, problems, overlay, readOnly } = props;
  const rf = useReactFlow<EditorNode, EditorEdge>();
  const wrapper = useRef<HTMLDivElement>(null);
  const typeIndex = useMemo(() => new Map(catalog.nodes.map((t) => [`${t.type}@${t.version}`, t])), [catalog]);
  const typeOf = useCallback((n: FlowNode) => typeIndex.get(`${n.type}@${n.version}`), [typeIndex]);
  const pendingSelect = useRef<ReadonlySet<string> | undefined>(undefined);
  // Zoomed far out, text is too small to read: the canvas stops painting it (editor.css).
  const far = useStore(isFar);

  const [nodes, setNodes] = useState<EditorNode[]>(() => syncNodes([], { flow, typeOf, problems, overlay, readOnly }));
  const [edges, setEdges] = useState<EditorEdge[]>(() => syncEdges([], flow, overlay));

  // The opening viewport, computed from the layout and the estimated node sizes once the pane's
  // size is known, before React Flow mounts: its own fitView waits for every node to be measured,
  // which means rendering all of them. A big flow opens on its start, readable, not on all of it
  // at a tenth of the size (Fit view shows everything on demand).
  const [opening, setOpening] = useState<{ viewport: Viewport | undefined } | undefined>(undefined);
  useLayoutEffect(() => {
    const box = wrapper.current?.getBoundingClientRect();
    const pane = box && box.width > 0 && box.height > 0 ? box : { width: 800, height: 600 };
    const sizes = new Map(nodes.map((n) => [n.id, { width: n.initialWidth ?? 0, height: n.initialHeight ?? 0 }]));
    setOpening({
      viewport: openingViewport(
        nodes.map((n) => ({ id: n.id, type: n.data.node.type, position: n.position })),
        (id) => sizes.get(id)!,
        catalog,
        pane,
        MIN_ZOOM,
      ),
    });
    // Once, on mount: later changes of the flow never move the view.
  }, []);

  useEffect(() => {
    // The selection waits for the flow that has its nodes: a validation result committed
    // between the request and the change would otherwise take it, select nothing, and leave the
    // new (or renamed) node unselected.
    const pending = pendingSelect.current;
    const has = pending && new Set(flow.nodes.map((n) => n.id));
    const select = pending && [...pending].every((id) => has!.has(id)) ? pending : undefined;
    if (select) pendingSelect.current = undefined;
    setNodes((prev) => syncNodes(prev, { flow, typeOf, problems, overlay, readOnly, ...(select ? { select } : {}) }));
    setEdges((prev) => syncEdges(prev, flow, overlay, select ? new Set() : undefined));
  }, [flow, typeOf, problems, overlay, readOnly]);

  // Report the selection when it changes (not on every drag frame).
  const reported = useRef('');
  const onSelectionChange = props.onSelectionChange;
  useEffect(() => {
    // Not mid-drag: the inspector the selection opens would interrupt the drag; it opens at the end.
    if (nodes.some((n) => n.dragging)) return;
    const key = `${selectionKey(nodes)}|${selectionKey(edges)}`;
    if (key === reported.current) return;
    reported.current = key;
    onSelectionChange(
      nodes.filter((n) => n.selected).map((n) => n.id),
      edges.filter((e) => e.selected).map((e) => e.id),
    );
  }, [nodes, edges, onSelectionChange]);

  const latest = useRef(props);
  latest.current = props;
  const nodesRef = useRef(nodes);
  const dragging = useRef(false);
  nodesRef.current = nodes;

  const onNodesChange = useCallback((changes: NodeChange<EditorNode>[]) => {
    // Removing is the editor's (one undoable step); React Flow only moves and selects. Its
    // measurements stay in React Flow: copied into these nodes, each node scrolled into view for
    // the first time would hand React Flow all 1,000 nodes anew (a frame's budget, every time).
    const kept = changes.filter((c) => c.type === 'position' || c.type === 'select');
    if (kept.length === 0) return;
    const moves = new Map<string, Point>();
    let dragged = false;
    for (const c of kept) {
      if (c.type !== 'position') continue;
      if (c.dragging) dragging.current = true;
      else {
        const at = c.position ?? nodesRef.current.find((n) => n.id === c.id)?.position;
        if (at) moves.set(c.id, at);
        dragged = dragging.current;
      }
    }
    setNodes((prev) => applyNodeChanges(kept, prev));
    if (moves.size > 0) {
      dragging.current = false;
      latest.current.onMove(moves, dragged ? 'drag' : 'keys');
    }
  }, []);

  // The overview (a big flow zoomed far out) selects and moves nodes as a click or drag would.
  const pick = useCallback((id: string, additive: boolean) => {
    setNodes((prev) =>
      prev.map((x) => {
        const selected = additive ? (x.id === id ? !x.selected : (x.selected ?? false)) : x.id === id;
        return (x.selected ?? false) === selected ? x : { ...x, selected };
      }),
    );
    if (!additive) setEdges((prev) => prev.map((x) => (x.selected ? { ...x, selected: false } : x)));
  }, []);
  const moveInOverview = useCallback((moves: ReadonlyMap<string, Point>) => latest.current.onMove(moves, 'drag'), []);

  const onEdgesChange = useCallback((changes: EdgeChange<EditorEdge>[]) => {
    const kept = changes.filter((c) => c.type === 'select');
    if (kept.length > 0) setEdges((prev) => applyEdgeChanges(kept, prev));
  }, []);

  const nodeById = useMemo(() => new Map(flow.nodes.map((n) => [n.id, n])), [flow.nodes]);
  const lastRefusal = useRef<string | undefined>(undefined);
  const isValidConnection = useCallback(
    (c: Connection | Edge) => {
      const verdict = checkConnection(flow, catalog, c, nodeById);
      lastRefusal.current = verdict.ok ? undefined : verdict.reason;
      return verdict.ok;
    },
    [flow, catalog, nodeById],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      const verdict = checkConnection(flow, catalog, c, nodeById);
      if (verdict.ok) latest.current.onConnect(verdict.from, verdict.to);
      else latest.current.onRefused(verdict.reason);
    },
    [flow, catalog, nodeById],
  );
  const onConnectEnd = useCallback(
    (_e: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid) return;
      if (state.toHandle && state.fromHandle) {
        const from = state.fromHandle.type === 'source' ? state.fromHandle : state.toHandle;
        const to = state.fromHandle.type === 'source' ? state.toHandle : state.fromHandle;
        const verdict = checkConnection(
          flow,
          catalog,
          { source: from.nodeId, sourceHandle: from.id ?? null, target: to.nodeId, targetHandle: to.id ?? null },
          nodeById,
        );
        latest.current.onRefused(verdict.ok ? (lastRefusal.current ?? 'not connected') : verdict.reason);
      } else if (state.toNode && state.fromNode && state.toNode.id === state.fromNode.id) {
        latest.current.onRefused('a node cannot be connected to itself');
      }
    },
    [flow, catalog, nodeById],
  );

  // React Flow's fitView counts only the nodes it has measured, that is rendered; off-screen
  // nodes of a big flow never are, so the bounds come from every node's (estimated) size.
  const fitAll = useCallback(() => {
    const box = wrapper.current?.getBoundingClientRect();
    const bounds = boundsOf(rf.getNodes());
    if (!box || !bounds) return;
    void rf.setViewport(viewportFor(bounds, box.width, box.height, MIN_ZOOM, FIT_MAX_ZOOM), { duration: 250 });
  }, [rf]);

  useImperativeHandle(
    props.ref,
    () => ({
      select(nodeIds, edgeIds = []) {
        const n = new Set(nodeIds);
        const e = new Set(edgeIds);
        setNodes((prev) =>
          prev.map((x) => ((x.selected ?? false) === n.has(x.id) ? x : { ...x, selected: n.has(x.id) })),
        );
        setEdges((prev) =>
          prev.map((x) => ((x.selected ?? false) === e.has(x.id) ? x : { ...x, selected: e.has(x.id) })),
        );
      },
      selectAfterChange(nodeIds) {
        pendingSelect.current = new Set(nodeIds);
      },
      selectAll() {
        setNodes((prev) => prev.map((x) => (x.selected ? x : { ...x, selected: true })));
        setEdges((prev) => prev.map((x) => (x.selected ? x : { ...x, selected: true })));
      },
      centreOn(nodeId) {
        const n = rf.getInternalNode(nodeId);
        if (!n) return;
        const w = n.measured.width ?? NODE_SIZE.width;
        const h = n.measured.height ?? NODE_SIZE.height;
        const p = n.internals.positionAbsolute;
        void rf.setCenter(p.x + w / 2, p.y + h / 2, { zoom: Math.max(rf.getZoom(), 0.8), duration: 250 });
      },
      viewportCentre() {
        const box = wrapper.current?.getBoundingClientRect();
        if (!box) return { x: 0, y: 0 };
        const c = rf.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
        return { x: c.x - NODE_SIZE.width / 2, y: c.y - NODE_SIZE.height / 2 };
      },
      fitView: fitAll,
    }),
    [rf, fitAll],
  );

  const onDragOver = useCallback(
    (e: DragEvent) => {
      if (readOnly || !e.dataTransfer.types.includes(DRAG_MIME)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    [readOnly],
  );
  const onDrop = useCallback(
    (e: DragEvent) => {
      const ref = e.dataTransfer.getData(DRAG_MIME);
      if (readOnly || !ref) return;
      e.preventDefault();
      const type = typeIndex.get(ref);
      if (!type) return;
      const at = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      latest.current.onDropType(type, { x: at.x - NODE_SIZE.width / 2, y: at.y - NODE_SIZE.height / 2 });
    },
    [readOnly, typeIndex, rf],
  );

  // Only a big flow: a small one paints fast enough as it is, and its nodes stay in the
  // accessibility tree and the tab order at any zoom.
  const overview = far && nodes.length > BIG_FLOW;
  const shapes = useMemo(
    () => (overview ? overviewShapes(nodes, (id) => rf.getInternalNode(id)?.measured) : []),
    [overview, nodes, rf],
  );
  return (
    <div
      className={far ? 'canvas editor-canvas far' : 'canvas editor-canvas'}
      data-testid="editor-canvas"
      ref={wrapper}
    >
      {opening && (
        <ReactFlow<EditorNode, EditorEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          edgeTypes={EDGE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onDragOver={onDragOver}
          onDrop={onDrop}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          elementsSelectable
          nodesFocusable
          edgesFocusable
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          onlyRenderVisibleElements
          {...(opening.viewport ? { defaultViewport: opening.viewport } : {})}
          minZoom={MIN_ZOOM}
          maxZoom={2}
          aria-label={`Editable canvas of ${flow.name}`}
        >
          {overview && (
            <OverviewLayer
              shapes={shapes}
              edges={edges}
              onPick={pick}
              {...(readOnly ? {} : { onMove: moveInOverview })}
            />
          )}
          <FlowMiniMap label="Minimap of the flow" />
          <Controls showInteractive={false} showFitView={false}>
            <ControlButton
              className="react-flow__controls-fitview"
              onClick={fitAll}
              aria-label="Fit View"
              title="Fit View"
            >
              <svg viewBox="0 0 32 30" aria-hidden="true">
                <path d="M3.7 11.1v-5.8a1.6 1.6 0 0 1 1.6-1.6h5.8V0H5.3A5.3 5.3 0 0 0 0 5.3v5.8h3.7Zm7.4 15.2H5.3a1.6 1.6 0 0 1-1.6-1.6v-5.8H0v5.8A5.3 5.3 0 0 0 5.3 30h5.8v-3.7ZM26.7 0h-5.8v3.7h5.8a1.6 1.6 0 0 1 1.6 1.6v5.8H32V5.3A5.3 5.3 0 0 0 26.7 0Zm1.6 24.7a1.6 1.6 0 0 1-1.6 1.6h-5.8V30h5.8a5.3 5.3 0 0 0 5.3-5.3v-5.8h-3.7v5.8Z" />
              </svg>
            </ControlButton>
          </Controls>
          <Background />
        </ReactFlow>
      )}
    </div>
  );
}

const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
/** Below this zoom a node's text is under 4 px high. */
const FAR_ZOOM = 0.3;
const isFar = (s: ReactFlowState) => s.transform[2] < FAR_ZOOM;
const MIN_ZOOM = 0.05;
