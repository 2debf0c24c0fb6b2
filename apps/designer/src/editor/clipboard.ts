// Copy, paste and duplicate: the selected nodes with the edges between them. Pasted nodes get new
// ids (readable ones, from their type) and their internal edges follow them.
import type { Flow, FlowEdge, FlowNode } from '@millrace/flow-model';
import { newEdgeId, newNodeId } from './graph.ts';

export interface Clipboard {
  readonly nodes: readonly FlowNode[];
  /** Only edges with both ends among the nodes. */
  readonly edges: readonly FlowEdge[];
  readonly layout: Readonly<Record<string, { x: number; y: number }>>;
}

/** The selected nodes and the edges between them; undefined when nothing is selected. */
export function copyNodes(flow: Flow, ids: Iterable<string>): Clipboard | undefined {
  const chosen = new Set(ids);
  const nodes = flow.nodes.filter((n) => chosen.has(n.id));
  if (nodes.length === 0) return undefined;
  const edges = flow.edges.filter((e) => chosen.has(e.from.node) && chosen.has(e.to.node));
  const layout: Record<string, { x: number; y: number }> = {};
  for (const n of nodes) {
    const p = flow.layout?.[n.id];
    if (p) layout[n.id] = { x: p.x, y: p.y };
  }
  return structuredClone({ nodes, edges, layout });
}

/** A paste lands below and right of its original, far enough not to hide its ports. */
export const PASTE_OFFSET = { x: 40, y: 100 } as const;

/**
 * Adds the clipboard's nodes and edges to the flow under new ids, shifted by `offset` (so a paste
 * does not hide its original). Returns the new flow and the new node ids (to select them).
 */
export function pasteNodes(
  flow: Flow,
  clip: Clipboard,
  offset: { x: number; y: number } = PASTE_OFFSET,
): { flow: Flow; ids: string[] } {
  const takenNodes = new Set(flow.nodes.map((n) => n.id));
  const takenEdges = new Set(flow.edges.map((e) => e.id));
  const idOf = new Map<string, string>();
  const nodes: FlowNode[] = [];
  const layout = { ...flow.layout };
  clip.nodes.forEach((n, i) => {
    const id = newNodeId(takenNodes, n.type);
    takenNodes.add(id);
    idOf.set(n.id, id);
    nodes.push({ ...structuredClone(n), id });
    const p = clip.layout[n.id] ?? { x: i * PASTE_OFFSET.x, y: i * PASTE_OFFSET.y };
    layout[id] = { x: Math.round(p.x + offset.x), y: Math.round(p.y + offset.y) };
  });
  const edges: FlowEdge[] = [];
  for (const e of clip.edges) {
    const from = idOf.get(e.from.node);
    const to = idOf.get(e.to.node);
    if (!from || !to) continue;
    const id = newEdgeId(takenEdges);
    takenEdges.add(id);
    edges.push({ id, from: { node: from, port: e.from.port }, to: { node: to, port: e.to.port } });
  }
  return {
    flow: { ...flow, nodes: [...flow.nodes, ...nodes], edges: [...flow.edges, ...edges], layout },
    ids: nodes.map((n) => n.id),
  };
}
