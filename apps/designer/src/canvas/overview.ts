// The overview of a big flow zoomed far out, pure: every node as a rectangle and every edge as a
// curve, a few SVG paths in all. With 1,000 nodes in view the browser spent most of each pan
// frame walking and painting 1,000 node boxes and 1,200 edge elements (≈ 40 ms of a frame in
// the designer bench); a handful of paths paint in a few. Node boxes are grouped by how they
// are drawn (selected, failed, with problems…), one path per group.

export interface OverviewHandle {
  readonly id?: string | null;
  readonly type: 'source' | 'target';
  readonly x: number;
  readonly y: number;
  readonly width?: number;
  readonly height?: number;
}

export interface OverviewNode {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly tone: Tone;
  /** Handle boxes relative to the node's top left, as React Flow keeps them. */
  readonly handles?: readonly OverviewHandle[];
}

export interface OverviewEdge {
  readonly source: string;
  readonly sourceHandle?: string | null;
  readonly target: string;
  readonly targetHandle?: string | null;
  readonly selected?: boolean;
}

/** How a node box is drawn, in the order a node's state decides it (the first that holds). */
export const TONES = [
  'selected',
  'failed',
  'added',
  'removed',
  'changed',
  'problem',
  'off-path',
  'disabled',
  'plain',
] as const;
export type Tone = (typeof TONES)[number];

export function toneOf(n: {
  readonly selected?: boolean;
  readonly failed?: boolean;
  /** How the node differs from another version (the visual diff of the history). */
  readonly mark?: 'added' | 'removed' | 'changed';
  readonly problems?: boolean;
  readonly offPath?: boolean;
  readonly disabled?: boolean;
}): Tone {
  if (n.selected) return 'selected';
  if (n.failed) return 'failed';
  if (n.mark) return n.mark;
  if (n.problems) return 'problem';
  if (n.offPath) return 'off-path';
  if (n.disabled) return 'disabled';
  return 'plain';
}

/** Nodes being dragged in the overview, drawn moved by (dx, dy) until the drag ends. */
export interface Shift {
  readonly ids: ReadonlySet<string>;
  readonly dx: number;
  readonly dy: number;
}

export interface OverviewPaths {
  readonly nodes: Readonly<Record<Tone, string>>;
  readonly edges: string;
  readonly selectedEdges: string;
}

const r = (v: number) => Math.round(v * 10) / 10;

function placed(n: OverviewNode, shift: Shift | undefined): { x: number; y: number } {
  return shift?.ids.has(n.id) ? { x: n.x + shift.dx, y: n.y + shift.dy } : { x: n.x, y: n.y };
}

/** Where an edge leaves or enters a node: its handle's centre, else the middle of that side. */
function endPoint(n: OverviewNode, at: { x: number; y: number }, type: 'source' | 'target', id?: string | null) {
  const h = n.handles?.find((x) => x.type === type && (id == null || x.id === id));
  if (h) return { x: at.x + h.x + (h.width ?? 0) / 2, y: at.y + h.y + (h.height ?? 0) / 2 };
  return { x: type === 'source' ? at.x + n.width : at.x, y: at.y + n.height / 2 };
}

export function overviewPaths(
  nodes: readonly OverviewNode[],
  edges: readonly OverviewEdge[],
  shift?: Shift,
): OverviewPaths {
  const out = Object.fromEntries(TONES.map((t) => [t, ''])) as Record<Tone, string>;
  const byId = new Map<string, OverviewNode>();
  for (const n of nodes) {
    byId.set(n.id, n);
    const p = placed(n, shift);
    out[n.tone] += `M${r(p.x)},${r(p.y)}h${r(n.width)}v${r(n.height)}h${r(-n.width)}z`;
  }
  let plain = '';
  let selected = '';
  for (const e of edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t) continue;
    const a = endPoint(s, placed(s, shift), 'source', e.sourceHandle);
    const b = endPoint(t, placed(t, shift), 'target', e.targetHandle);
    // A curve leaving rightwards and arriving from the left, like the edges drawn up close.
    const c = Math.max(Math.abs(b.x - a.x) / 2, 25);
    const d = `M${r(a.x)},${r(a.y)}C${r(a.x + c)},${r(a.y)} ${r(b.x - c)},${r(b.y)} ${r(b.x)},${r(b.y)}`;
    if (e.selected) selected += d;
    else plain += d;
  }
  return { nodes: out, edges: plain, selectedEdges: selected };
}

/** The node drawn on top at a flow position (the last one drawn there), if any. */
export function nodeAt(nodes: readonly OverviewNode[], p: { x: number; y: number }): string | undefined {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (p.x >= n.x && p.x <= n.x + n.width && p.y >= n.y && p.y <= n.y + n.height) return n.id;
  }
  return undefined;
}

/** Which nodes a drag that starts on `hit` moves: the whole selection when `hit` is in it. */
export function dragSet(nodes: readonly OverviewNode[], hit: string): ReadonlySet<string> {
  const hitNode = nodes.find((n) => n.id === hit);
  if (hitNode?.tone !== 'selected') return new Set([hit]);
  return new Set(nodes.filter((n) => n.tone === 'selected').map((n) => n.id));
}
