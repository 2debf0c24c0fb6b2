// A large, valid flow for the designer benchmark: a webhook trigger fanning out into chains of
// map / route / validate nodes, plus cross edges between chains, with a saved layout. Seeded, so
// every run (and the 100-node baseline) draws the same graph.
import type { Flow, FlowEdge, FlowNode } from '@millrace/flow-model';

export interface GeneratedFlowOptions {
  readonly id: string;
  readonly nodes: number;
  readonly edges: number;
  readonly seed?: number;
  /** Store positions in the flow's `layout` (as the editor saves them); else the canvas lays it out. */
  readonly withLayout?: boolean;
  /**
   * The node types to draw from (default all three). Only `map` means no edge leaves a port other
   * than `out`: the canvases label such edges with their port, so this shows what labels cost.
   */
  readonly kinds?: readonly Kind[];
}

/** The layout grid: the designer's own auto-layout spacing, so both look alike. */
const COLUMN = 260;
const ROW = 110;

/** mulberry32: a tiny, well-distributed 32-bit PRNG; ample for picking node types and edges. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Kind = 'map' | 'route' | 'validate';
export const KINDS: readonly Kind[] = ['map', 'route', 'validate'];
const PORTS: Record<Kind, readonly string[]> = {
  map: ['out'],
  route: ['high', 'default'],
  validate: ['valid', 'invalid'],
};

function nodeOf(kind: Kind, id: string, n: number): FlowNode {
  const name = `${kind[0]!.toUpperCase()}${kind.slice(1)} ${n}`;
  switch (kind) {
    case 'map':
      return {
        id,
        type: 'map',
        version: 1,
        name,
        config: { mode: 'code', source: `return { ...msg.payload, step: ${n} };` },
      };
    case 'route':
      return {
        id,
        type: 'route',
        version: 1,
        name,
        config: { routes: [{ port: 'high', when: `msg.payload.step > ${n % 97}` }] },
      };
    case 'validate':
      return { id, type: 'validate', version: 1, name, config: { schema: { type: 'object', required: ['step'] } } };
  }
}

/**
 * `nodes` nodes (one `trigger.webhook`, the rest map/route/validate in about √n chains it feeds)
 * and exactly `edges` edges: one into every non-trigger node from its predecessor in the chain,
 * then distinct cross edges from a node to a node further right in another chain. Every edge
 * goes one column or more to the right, so the graph has no cycle and every node is reachable
 * from the trigger: the flow passes publishable validation.
 */
export function generateFlow(o: GeneratedFlowOptions): Flow {
  if (o.nodes < 3) throw new Error('a generated flow needs at least 3 nodes');
  if (o.edges < o.nodes - 1) throw new Error(`${o.nodes} nodes need at least ${o.nodes - 1} edges to be connected`);
  const random = prng(o.seed ?? 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const chains = Math.max(1, Math.round(Math.sqrt(o.nodes - 1)));

  const nodes: FlowNode[] = [
    { id: 'hook', type: 'trigger.webhook', version: 1, name: 'Bench webhook', config: { mode: 'async' } },
  ];
  const kindOf = new Map<string, Kind>();
  const column = new Map<string, number>([['hook', 0]]);
  const layout: Record<string, { x: number; y: number }> = { hook: { x: 0, y: ((chains - 1) * ROW) / 2 } };
  const edges: FlowEdge[] = [];
  const seen = new Set<string>();
  const addEdge = (from: string, port: string, to: string): boolean => {
    const key = `${from}:${port}>${to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    edges.push({ id: `e${edges.length + 1}`, from: { node: from, port }, to: { node: to, port: 'in' } });
    return true;
  };
  const portOf = (id: string) => (id === 'hook' ? 'out' : pick(PORTS[kindOf.get(id)!]));

  // Deal the nodes round-robin over the chains: chain c, column k holds node number (k-1)*chains+c.
  const byColumn: string[][] = [];
  for (let i = 1; i < o.nodes; i++) {
    const chain = (i - 1) % chains;
    const col = Math.floor((i - 1) / chains) + 1;
    const kind = pick(o.kinds ?? KINDS);
    const id = `n${i}`;
    nodes.push(nodeOf(kind, id, i));
    kindOf.set(id, kind);
    column.set(id, col);
    (byColumn[col] ??= []).push(id);
    layout[id] = { x: col * COLUMN, y: chain * ROW };
    addEdge(col === 1 ? 'hook' : `n${i - chains}`, col === 1 ? 'out' : portOf(`n${i - chains}`), id);
  }

  // Cross edges: from a random node to a random node in a later column (so never a cycle).
  const lastColumn = byColumn.length - 1;
  let attempts = 0;
  while (edges.length < o.edges) {
    if (++attempts > o.edges * 100) throw new Error(`could not place ${o.edges} distinct edges`);
    const from = `n${1 + Math.floor(random() * (o.nodes - 1))}`;
    const fromColumn = column.get(from)!;
    if (fromColumn >= lastColumn) continue;
    const toColumn = fromColumn + 1 + Math.floor(random() * Math.min(3, lastColumn - fromColumn));
    addEdge(from, portOf(from), pick(byColumn[toColumn]!));
  }

  return {
    schemaVersion: 1,
    id: o.id,
    name: `Designer benchmark (${o.nodes} nodes)`,
    version: '1.0.0',
    description: `Generated by bench/lib/designer-flow.ts: ${o.nodes} nodes, ${o.edges} edges, seed ${o.seed ?? 7}.`,
    nodes,
    edges,
    ...(o.withLayout === false ? {} : { layout }),
  } as Flow;
}
