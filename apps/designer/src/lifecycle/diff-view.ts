// The semantic diff as people read it: a highlight per node for the canvas, the newer flow with
// the older one's removed nodes put back (so they can be shown, struck out), and a list of
// changes in words. Pure, so it is tested without a browser.
import type { Flow, FlowDiff, FlowEdge, ValueChange } from '@millrace/flow-model';

export type Highlight = 'added' | 'removed' | 'changed';

/** Per node id, how it differs; nodes that only moved on the canvas are not highlighted. */
export function highlightOf(diff: FlowDiff): Map<string, Highlight> {
  const out = new Map<string, Highlight>();
  for (const id of diff.nodes.added) out.set(id, 'added');
  for (const id of diff.nodes.removed) out.set(id, 'removed');
  for (const c of diff.nodes.changed) out.set(c.id, 'changed');
  return out;
}

/** Per edge id of the merged flow, whether it was added or removed. */
export function edgeHighlightOf(diff: FlowDiff, merged: Pick<Flow, 'edges'>): Map<string, Highlight> {
  const out = new Map<string, Highlight>();
  const ends = (e: FlowEdge) => `${e.from.node}:${e.from.port}>${e.to.node}:${e.to.port}`;
  const added = new Set(diff.edges.added.map((r) => `${r.from}>${r.to}`));
  const removed = new Set(diff.edges.removed.map((r) => `${r.from}>${r.to}`));
  for (const e of merged.edges) {
    if (added.has(ends(e))) out.set(e.id, 'added');
    else if (removed.has(ends(e))) out.set(e.id, 'removed');
  }
  return out;
}

/**
 * The newer flow plus the older one's removed nodes and edges, so one canvas shows both: what
 * is new, what changed, and (struck out) what is gone. A removed edge whose id the newer flow
 * reuses gets a prefixed id, as the canvas needs unique ids.
 */
export function mergedFlow(older: Flow, newer: Flow, diff: FlowDiff): Flow {
  const removedNodes = new Set(diff.nodes.removed);
  const removedEnds = new Set(diff.edges.removed.map((r) => `${r.from}>${r.to}`));
  const ids = new Set(newer.edges.map((e) => e.id));
  const goneEdges = older.edges
    .filter((e) => removedEnds.has(`${e.from.node}:${e.from.port}>${e.to.node}:${e.to.port}`))
    .map((e) => (ids.has(e.id) ? { ...e, id: `removed:${e.id}` } : e));
  const layout = { ...(older.layout ?? {}), ...(newer.layout ?? {}) };
  return {
    ...newer,
    nodes: [...newer.nodes, ...older.nodes.filter((n) => removedNodes.has(n.id))],
    edges: [...newer.edges, ...goneEdges],
    ...(Object.keys(layout).length > 0 ? { layout } : {}),
  };
}

/** A value in one line: JSON, shortened; absent reads as such. */
export function shortValue(v: unknown, max = 80): string {
  if (v === undefined) return '(none)';
  const text = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A JSON pointer as a field path: /config/routes/0/when → config.routes[0].when. */
export function fieldOf(pointer: string): string {
  if (pointer === '') return '(whole value)';
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** One value change in words: `config.topic: "a" → "b"`. */
export function valueChangeText(c: ValueChange): string {
  const field = fieldOf(c.pointer);
  if (c.kind === 'added') return `${field} added: ${shortValue(c.after)}`;
  if (c.kind === 'removed') return `${field} removed (was ${shortValue(c.before)})`;
  return `${field}: ${shortValue(c.before)} → ${shortValue(c.after)}`;
}

export interface ChangeEntry {
  /** A key unique in the list. */
  readonly key: string;
  readonly kind: Highlight | 'renamed' | 'moved';
  readonly what: 'flow' | 'node' | 'edge' | 'layout';
  /** The node it is about (clicking the entry centres it on the canvas). */
  readonly node?: string;
  readonly title: string;
  readonly details: readonly string[];
}

/** The diff as a list of changes: flow settings first, then nodes, edges and layout. */
export function changeList(diff: FlowDiff, names: ReadonlyMap<string, string> = new Map()): ChangeEntry[] {
  const name = (id: string) => (names.get(id) && names.get(id) !== id ? `${names.get(id)} (${id})` : id);
  const out: ChangeEntry[] = [];
  diff.meta.forEach((c, i) =>
    out.push({ key: `meta:${i}`, kind: c.kind, what: 'flow', title: `Flow ${valueChangeText(c)}`, details: [] }),
  );
  for (const id of diff.nodes.added)
    out.push({
      key: `node:${id}`,
      kind: 'added',
      what: 'node',
      node: id,
      title: `Node ${name(id)} added`,
      details: [],
    });
  for (const id of diff.nodes.removed)
    out.push({
      key: `node:${id}`,
      kind: 'removed',
      what: 'node',
      node: id,
      title: `Node ${name(id)} removed`,
      details: [],
    });
  for (const c of diff.nodes.changed)
    out.push({
      key: `node:${c.id}`,
      kind: 'changed',
      what: 'node',
      node: c.id,
      title: `Node ${name(c.id)} changed`,
      details: c.changes.map(valueChangeText),
    });
  for (const e of diff.edges.added)
    out.push({
      key: `edge+:${e.id}`,
      kind: 'added',
      what: 'edge',
      title: `Edge ${e.from} → ${e.to} added`,
      details: [],
    });
  for (const e of diff.edges.removed)
    out.push({
      key: `edge-:${e.id}`,
      kind: 'removed',
      what: 'edge',
      title: `Edge ${e.from} → ${e.to} removed`,
      details: [],
    });
  for (const e of diff.edges.renamed)
    out.push({
      key: `edge~:${e.after}`,
      kind: 'renamed',
      what: 'edge',
      title: `Edge ${e.from} → ${e.to} renamed ${e.before} → ${e.after}`,
      details: [],
    });
  if (diff.layout.moved.length > 0)
    out.push({
      key: 'layout',
      kind: 'moved',
      what: 'layout',
      title: `${diff.layout.moved.length} node(s) moved on the canvas`,
      details: [diff.layout.moved.map(name).join(', ')],
    });
  return out;
}

/** A one-line summary: "2 nodes added, 1 changed, 1 edge added". */
export function diffSummary(diff: FlowDiff): string {
  if (diff.empty) return 'no changes';
  if (diff.layoutOnly) return 'only the layout changed';
  const parts: string[] = [];
  const n = (count: number, what: string) => count > 0 && parts.push(`${count} ${what}`);
  n(diff.nodes.added.length, `node${diff.nodes.added.length === 1 ? '' : 's'} added`);
  n(diff.nodes.removed.length, `node${diff.nodes.removed.length === 1 ? '' : 's'} removed`);
  n(diff.nodes.changed.length, `node${diff.nodes.changed.length === 1 ? '' : 's'} changed`);
  n(diff.edges.added.length, `edge${diff.edges.added.length === 1 ? '' : 's'} added`);
  n(diff.edges.removed.length, `edge${diff.edges.removed.length === 1 ? '' : 's'} removed`);
  n(diff.edges.renamed.length, `edge${diff.edges.renamed.length === 1 ? '' : 's'} renamed`);
  n(diff.meta.length, `flow setting${diff.meta.length === 1 ? '' : 's'} changed`);
  return parts.join(', ');
}
