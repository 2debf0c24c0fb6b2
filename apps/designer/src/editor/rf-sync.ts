// The flow as React Flow nodes and edges, rebuilt after each change while keeping every object
// whose input did not change: React Flow then re-renders only those nodes (1,000-node flows).
import type { Edge, Node } from '@xyflow/react';
import type { CatalogNodeType, Flow, FlowEdge, FlowNode, Problem } from '@millrace/flow-model';
import type { CanvasOverlay, NodeOverlay } from '../FlowCanvas.tsx';
import { toneOf, type OverviewNode } from '../canvas/overview.ts';
import { PORT_EDGE } from '../canvas/PortEdge.tsx';
import { positions } from '../layout.ts';
import { estimateNode, NODE_WIDTH } from './estimate.ts';

export const NODE_TYPE = 'millrace';

export interface EditorNodeData extends Record<string, unknown> {
  readonly node: FlowNode;
  readonly nodeType: CatalogNodeType | undefined;
  /** The node's problems, one message a line; undefined when it has none. */
  readonly problems: string | undefined;
  readonly overlay: NodeOverlay | undefined;
  readonly overlayOn: boolean;
  readonly readOnly: boolean;
}

export type EditorNode = Node<EditorNodeData, typeof NODE_TYPE>;

export interface EditorEdgeData extends Record<string, unknown> {
  readonly edge: FlowEdge;
}
export type EditorEdge = Edge<EditorEdgeData>;

export interface SyncInput {
  readonly flow: Flow;
  readonly typeOf: (node: FlowNode) => CatalogNodeType | undefined;
  readonly problems: ReadonlyMap<string, readonly Problem[]>;
  readonly overlay: CanvasOverlay | undefined;
  readonly readOnly: boolean;
  /** Select exactly these nodes (after an add or a paste); else each node keeps its selection. */
  readonly select?: ReadonlySet<string>;
}

export const problemsId = (nodeId: string) => `node-problems-${nodeId}`;

function classOf(node: FlowNode, o: NodeOverlay | undefined, overlayOn: boolean, problems: string | undefined) {
  const classes = ['node'];
  if (node.disabled) classes.push('disabled');
  if (problems !== undefined) classes.push('has-problems');
  if (overlayOn) classes.push(o ? 'on-path' : 'off-path');
  if (o?.failed) classes.push('failed');
  return classes.join(' ');
}

/** The React Flow nodes of a flow, reusing `prev`'s objects wherever nothing changed. */
export function syncNodes(prev: readonly EditorNode[], input: SyncInput): EditorNode[] {
  const { flow, overlay, readOnly, select } = input;
  const before = new Map(prev.map((n) => [n.id, n]));
  let fallback: Map<string, { x: number; y: number }> | undefined;
  const overlayOn = overlay !== undefined;
  return sameOr(
    prev,
    flow.nodes.map((node) => {
      const p = before.get(node.id);
      const placed = flow.layout?.[node.id] ?? (fallback ??= positions(flow)).get(node.id) ?? { x: 0, y: 0 };
      // A node being dragged stays where the pointer has it until the drag ends.
      const position = p?.dragging ? p.position : placed;
      const nodeType = input.typeOf(node);
      const list = input.problems.get(node.id);
      const problems = list && list.length > 0 ? list.map((x) => x.message).join('\n') : undefined;
      const o = overlay?.nodes.get(node.id);
      const selected = select ? select.has(node.id) : (p?.selected ?? false);
      const d = p?.data;
      if (
        p &&
        d &&
        d.node === node &&
        d.nodeType === nodeType &&
        d.problems === problems &&
        d.overlay === o &&
        d.overlayOn === overlayOn &&
        d.readOnly === readOnly &&
        p.position.x === position.x &&
        p.position.y === position.y &&
        (p.selected ?? false) === selected
      )
        return p;
      const label = `${node.name || node.id} (${node.type})`;
      // React Flow takes a node's size and handles from here until the browser has measured it,
      // so it need not render a node that is out of view (the measurements stay in React Flow:
      // EditorCanvas keeps no 'dimensions' change; a changed node is measured again).
      const estimate = estimateNode(node, nodeType);
      return {
        ...(p ?? {}),
        initialWidth: estimate.width,
        initialHeight: estimate.height,
        handles: estimate.handles,
        id: node.id,
        type: NODE_TYPE,
        position: { x: position.x, y: position.y },
        selected,
        className: classOf(node, o, overlayOn, problems),
        ariaLabel: problems ? `${label}, ${list!.length} problem${list!.length === 1 ? '' : 's'}` : label,
        ...(problems ? { domAttributes: { 'aria-describedby': problemsId(node.id) } } : { domAttributes: undefined }),
        data: { node, nodeType, problems, overlay: o, overlayOn, readOnly },
      };
    }),
  );
}

/**
 * `prev` itself when `next` holds the same objects in the same order: React Flow rebuilds its
 * lookups (every node, every edge's connections) whenever it is handed a new array, so an
 * unchanged flow (a validation that found the same problems) must not hand it one.
 */
function sameOr<T>(prev: readonly T[], next: T[]): T[] {
  if (prev.length !== next.length) return next;
  for (let i = 0; i < next.length; i++) if (prev[i] !== next[i]) return next;
  return prev as T[];
}

/** The React Flow edges of a flow, reusing `prev`'s objects wherever nothing changed. */
export function syncEdges(
  prev: readonly EditorEdge[],
  flow: Flow,
  overlay: CanvasOverlay | undefined,
  select?: ReadonlySet<string>,
): EditorEdge[] {
  const before = new Map(prev.map((e) => [e.id, e]));
  return sameOr(
    prev,
    flow.edges.map((edge) => {
      const p = before.get(edge.id);
      const walked = overlay !== undefined && overlay.nodes.has(edge.from.node) && overlay.nodes.has(edge.to.node);
      const selected = select ? select.has(edge.id) : (p?.selected ?? false);
      const className = walked ? 'on-path' : '';
      if (p && p.data?.edge === edge && (p.selected ?? false) === selected && (p.className ?? '') === className)
        return p;
      return {
        id: edge.id,
        source: edge.from.node,
        sourceHandle: edge.from.port,
        target: edge.to.node,
        targetHandle: edge.to.port,
        selected,
        className,
        animated: walked,
        ariaLabel: `Edge ${edge.id} from ${edge.from.node} ${edge.from.port} to ${edge.to.node} ${edge.to.port}`,
        ...(edge.from.port !== 'out' ? { label: edge.from.port, type: PORT_EDGE } : {}),
        data: { edge },
      };
    }),
  );
}

/** The ids of the selected elements, in a stable string (to notice a change of selection cheaply). */
export function selectionKey(items: ReadonlyArray<{ id: string; selected?: boolean }>): string {
  let key = '';
  for (const n of items) if (n.selected) key += `${n.id}\n`;
  return key;
}

/** The editor's nodes as overview boxes (canvas/overview.ts), sized as React Flow measured them where it did. */
export function overviewShapes(
  nodes: readonly EditorNode[],
  measured: (id: string) => { width?: number; height?: number } | undefined,
): OverviewNode[] {
  return nodes.map((n) => {
    const m = measured(n.id);
    const o = n.data.overlay;
    return {
      id: n.id,
      x: n.position.x,
      y: n.position.y,
      width: m?.width ?? n.initialWidth ?? NODE_WIDTH,
      height: m?.height ?? n.initialHeight ?? 60,
      handles: n.handles,
      tone: toneOf({
        selected: n.selected,
        failed: o?.failed,
        problems: n.data.problems !== undefined,
        offPath: n.data.overlayOn && !o,
        disabled: n.data.node.disabled,
      }),
    };
  });
}
