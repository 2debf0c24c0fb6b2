import { joinPointer } from '@millrace/schema';
import type { Flow, FlowEdge, FlowNode } from './flow-schema.ts';

export interface ValueChange {
  readonly kind: 'added' | 'removed' | 'changed';
  /** Relative to the thing that changed: the flow for `meta`, the node for node changes. */
  readonly pointer: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface EdgeRef {
  readonly id: string;
  readonly from: string;
  readonly to: string;
}

export interface FlowDiff {
  /** Changes outside nodes, edges and layout: name, version, settings, params, connections… */
  readonly meta: readonly ValueChange[];
  readonly nodes: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly changed: ReadonlyArray<{ readonly id: string; readonly changes: readonly ValueChange[] }>;
  };
  /** Edges are the same edge when they join the same ports, whatever their ids. */
  readonly edges: {
    readonly added: readonly EdgeRef[];
    readonly removed: readonly EdgeRef[];
    readonly renamed: ReadonlyArray<{
      readonly before: string;
      readonly after: string;
      readonly from: string;
      readonly to: string;
    }>;
  };
  /** Nodes in both versions whose position or size changed. */
  readonly layout: { readonly moved: readonly string[] };
  /** Nothing but layout changed: the graph and its behaviour are the same. */
  readonly layoutOnly: boolean;
  readonly empty: boolean;
}

/** A semantic diff of two versions of a flow: what a reviewer needs, not a text diff. */
export function diffFlows(a: Flow, b: Flow): FlowDiff {
  const meta: ValueChange[] = [];
  const skip = new Set(['nodes', 'edges', 'layout']);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !skip.has(k)).sort();
  for (const k of keys)
    diffValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], joinPointer('', k), meta);

  const nodesA = new Map(a.nodes.map((n) => [n.id, n]));
  const nodesB = new Map(b.nodes.map((n) => [n.id, n]));
  const added = b.nodes.filter((n) => !nodesA.has(n.id)).map((n) => n.id);
  const removed = a.nodes.filter((n) => !nodesB.has(n.id)).map((n) => n.id);
  const changed: Array<{ id: string; changes: ValueChange[] }> = [];
  for (const node of b.nodes) {
    const before = nodesA.get(node.id);
    if (!before) continue;
    const changes: ValueChange[] = [];
    diffValue(withoutId(before), withoutId(node), '', changes);
    if (changes.length > 0) changed.push({ id: node.id, changes });
  }

  const edgeKey = (e: FlowEdge) => `${e.from.node}:${e.from.port}`;
  const ref = (e: FlowEdge): EdgeRef => ({ id: e.id, from: edgeKey(e), to: `${e.to.node}:${e.to.port}` });
  const ends = (e: FlowEdge) => `${edgeKey(e)}>${e.to.node}:${e.to.port}`;
  const edgesA = new Map(a.edges.map((e) => [ends(e), e]));
  const edgesB = new Map(b.edges.map((e) => [ends(e), e]));
  const edges = {
    added: b.edges.filter((e) => !edgesA.has(ends(e))).map(ref),
    removed: a.edges.filter((e) => !edgesB.has(ends(e))).map(ref),
    renamed: b.edges
      .filter((e) => edgesA.has(ends(e)) && edgesA.get(ends(e))!.id !== e.id)
      .map((e) => ({ before: edgesA.get(ends(e))!.id, after: e.id, ...pick(ref(e)) })),
  };

  const moved = b.nodes
    .filter((n) => nodesA.has(n.id) && !sameJson(a.layout?.[n.id], b.layout?.[n.id]))
    .map((n) => n.id);

  const graphChanged =
    meta.length +
      added.length +
      removed.length +
      changed.length +
      edges.added.length +
      edges.removed.length +
      edges.renamed.length >
    0;
  return {
    meta,
    nodes: { added, removed, changed },
    edges,
    layout: { moved },
    layoutOnly: !graphChanged && moved.length > 0,
    empty: !graphChanged && moved.length === 0,
  };
}

function pick(r: EdgeRef): { from: string; to: string } {
  return { from: r.from, to: r.to };
}

function withoutId(n: FlowNode): Record<string, unknown> {
  const { id: _id, ...rest } = n;
  return rest;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameJson(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => sameJson(v, y[i]));
  if (isPlainObject(x) && isPlainObject(y)) {
    const kx = Object.keys(x).filter((k) => x[k] !== undefined);
    const ky = Object.keys(y).filter((k) => y[k] !== undefined);
    return kx.length === ky.length && kx.every((k) => sameJson(x[k], y[k]));
  }
  return false;
}

/** Leaf-level differences: objects by key; arrays by index when equally long, else whole. */
function diffValue(x: unknown, y: unknown, pointer: string, out: ValueChange[]): void {
  if (sameJson(x, y)) return;
  if (x === undefined) {
    out.push({ kind: 'added', pointer, after: y });
    return;
  }
  if (y === undefined) {
    out.push({ kind: 'removed', pointer, before: x });
    return;
  }
  if (isPlainObject(x) && isPlainObject(y)) {
    for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort())
      diffValue(x[k], y[k], joinPointer(pointer, k), out);
    return;
  }
  if (Array.isArray(x) && Array.isArray(y) && x.length === y.length) {
    x.forEach((v, i) => diffValue(v, y[i], joinPointer(pointer, i), out));
    return;
  }
  out.push({ kind: 'changed', pointer, before: x, after: y });
}
