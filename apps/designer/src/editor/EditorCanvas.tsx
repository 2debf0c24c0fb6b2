import {
  useCallback,
  useEffect,
  useImperativeHandle,
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
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { Catalog, CatalogNodeType, Flow, FlowNode, Problem } from '@millrace/flow-model';
import type { CanvasOverlay } from '../FlowCanvas.tsx';
import type { Point } from '../layout.ts';
import { checkConnection, type PortRef } from './compat.ts';
import { NODE_TYPES } from './EditorNode.tsx';
import { selectionKey, syncEdges, syncNodes, type EditorEdge, type EditorNode } from './rf-sync.ts';

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
  const initiallyEmpty = useRef(flow.nodes.length === 0);
  // A big flow opens on its start, readable, not on all of it at a tenth of the size: only what is
  // in view is rendered, so the canvas stays smooth (Fit view shows everything on demand).
  const [initialView] = useState(() =>
    flow.nodes.length > BIG_FLOW ? { ...FIT_VIEW, minZoom: 0.6, nodes: startNodes(flow, catalog) } : FIT_VIEW,
  );
  const pendingSelect = useRef<ReadonlySet<string> | undefined>(undefined);

  const [nodes, setNodes] = useState<EditorNode[]>(() => syncNodes([], { flow, typeOf, problems, overlay, readOnly }));
  const [edges, setEdges] = useState<EditorEdge[]>(() => syncEdges([], flow, overlay));

  useEffect(() => {
    const select = pendingSelect.current;
    pendingSelect.current = undefined;
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
    // Removing is the editor's (one undoable step); React Flow only moves, measures and selects.
    const kept = changes.filter((c) => c.type === 'position' || c.type === 'dimensions' || c.type === 'select');
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
      fitView() {
        void rf.fitView({ ...FIT_VIEW, duration: 250 });
      },
    }),
    [rf],
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

  return (
    <div className="canvas editor-canvas" data-testid="editor-canvas" ref={wrapper}>
      <ReactFlow<EditorNode, EditorEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
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
        // An empty flow keeps the default viewport: fitting to the first dropped node would jump.
        fitView={initiallyEmpty.current === false}
        fitViewOptions={initialView}
        minZoom={0.05}
        maxZoom={2}
        aria-label={`Editable canvas of ${flow.name}`}
      >
        <MiniMap pannable zoomable ariaLabel="Minimap of the flow" nodeColor="#64748b" nodeStrokeWidth={3} />
        <Controls showInteractive={false} />
        <Background />
      </ReactFlow>
    </div>
  );
}

/** More nodes than this and the first view shows the flow's start only. */
export const BIG_FLOW = 150;

/** The entry nodes (triggers) or, without any, the first nodes: where a big flow opens. */
function startNodes(flow: Flow, catalog: Catalog): Array<{ id: string }> {
  const entries = new Set(catalog.nodes.filter((t) => t.entry).map((t) => t.type));
  const starts = flow.nodes.filter((n) => entries.has(n.type)).slice(0, 3);
  return (starts.length > 0 ? starts : flow.nodes.slice(0, 1)).map((n) => ({ id: n.id }));
}

const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control'];
const FIT_VIEW = { padding: 0.1, maxZoom: 1 };
