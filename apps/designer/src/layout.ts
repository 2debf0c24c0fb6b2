// Node positions for the canvas: the flow's own layout where it has one, else left-to-right layers.
import type { Flow } from '@millrace/flow-model';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export const COLUMN_WIDTH = 260;
export const ROW_HEIGHT = 110;

/**
 * Layers by longest path from the sources (nodes without incoming edges), so every edge points
 * right; nodes on a cycle that no source reaches start a layer of their own. Within a layer,
 * nodes keep their order in the flow. Nodes the flow's `layout` places keep that place.
 */
export function positions(flow: Pick<Flow, 'nodes' | 'edges' | 'layout'>): Map<string, Point> {
  const ids = flow.nodes.map((n) => n.id);
  const known = new Set(ids);
  const incoming = new Map<string, number>(ids.map((id) => [id, 0]));
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of flow.edges) {
    if (!known.has(e.from.node) || !known.has(e.to.node) || e.from.node === e.to.node) continue;
    next.get(e.from.node)!.push(e.to.node);
    incoming.set(e.to.node, incoming.get(e.to.node)! + 1);
  }
  const layer = new Map<string, number>();
  const remaining = new Map(incoming);
  const queue = ids.filter((id) => remaining.get(id) === 0);
  const placed = new Set(queue);
  for (const id of queue) layer.set(id, 0);
  let done = 0;
  for (;;) {
    while (done < queue.length) {
      const id = queue[done++]!;
      for (const to of next.get(id)!) {
        if (placed.has(to)) continue; // an edge back along a cycle
        layer.set(to, Math.max(layer.get(to) ?? 0, layer.get(id)! + 1));
        const left = remaining.get(to)! - 1;
        remaining.set(to, left);
        if (left === 0) {
          placed.add(to);
          queue.push(to);
        }
      }
    }
    // A cycle: start from its first node not placed yet, one layer right of what it has seen.
    const stuck = ids.find((id) => !placed.has(id));
    if (stuck === undefined) break;
    layer.set(stuck, layer.get(stuck) ?? 0);
    placed.add(stuck);
    queue.push(stuck);
  }
  const rows = new Map<number, number>();
  const out = new Map<string, Point>();
  for (const id of ids) {
    const col = layer.get(id) ?? 0;
    const row = rows.get(col) ?? 0;
    rows.set(col, row + 1);
    const given = flow.layout?.[id];
    out.set(id, given ? { x: given.x, y: given.y } : { x: col * COLUMN_WIDTH, y: row * ROW_HEIGHT });
  }
  return out;
}
