// Edits of a flow as pure functions: each takes a flow and returns a new one (old nodes, edges
// and layout entries are shared, so the canvas re-renders only what changed and undo is cheap).
import type { CatalogNodeType, Flow, FlowEdge, FlowNode, JsonSchema } from '@millrace/flow-model';
import { ERROR_PORT } from '@millrace/flow-model';
import { positions, type Point } from '../layout.ts';
import type { PortRef } from './compat.ts';

type Layout = NonNullable<Flow['layout']>;

/** An empty flow, as a new draft starts. */
export function emptyFlow(id: string): Flow {
  return { schemaVersion: 1, id, name: id, version: '0.1.0', nodes: [], edges: [], layout: {} };
}

/**
 * A config with the defaults its JSON Schema declares: each property's `default`, and the
 * defaults inside required objects. Of alternatives (anyOf/oneOf) the first one counts.
 */
export function configDefaults(schema: JsonSchema): Record<string, unknown> {
  const branch = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(branch) && branch.length > 0 && !schema.properties) return configDefaults(branch[0]!);
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(props)) {
    if ('default' in sub) out[key] = structuredClone(sub.default);
    else if (required.has(key) && (sub.type === 'object' || sub.properties)) {
      const inner = configDefaults(sub);
      if (Object.keys(inner).length > 0) out[key] = inner;
    }
  }
  return out;
}

/** A readable id for a new node of a type, not used in the flow: `map-1`, `trigger-webhook-2`. */
export function newNodeId(taken: ReadonlySet<string>, type: string): string {
  const base = type.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z]+/, '') || 'node';
  for (let i = 1; ; i++) {
    const id = `${base}-${i}`;
    if (!taken.has(id)) return id;
  }
}

/** An edge id not used in the flow: `e1`, `e2`, … */
export function newEdgeId(taken: ReadonlySet<string>): string {
  for (let i = taken.size + 1; ; i++) if (!taken.has(`e${i}`)) return `e${i}`;
}

const round = (p: Point): { x: number; y: number } => ({ x: Math.round(p.x), y: Math.round(p.y) });

/** Adds a node of a catalog type at a place, configured with its defaults. */
export function addNode(flow: Flow, type: CatalogNodeType, at: Point): { flow: Flow; id: string } {
  const id = newNodeId(new Set(flow.nodes.map((n) => n.id)), type.type);
  const node: FlowNode = { id, type: type.type, version: type.version, config: configDefaults(type.config) };
  return {
    id,
    flow: { ...flow, nodes: [...flow.nodes, node], layout: { ...flow.layout, [id]: round(at) } },
  };
}

/** Connects two ports; a wire out of the error port also sets the node's onError to "route". */
export function connect(flow: Flow, from: PortRef, to: PortRef): Flow {
  const edge: FlowEdge = {
    id: newEdgeId(new Set(flow.edges.map((e) => e.id))),
    from: { node: from.node, port: from.port },
    to: { node: to.node, port: to.port },
  };
  const nodes =
    from.port === ERROR_PORT
      ? flow.nodes.map((n) => (n.id === from.node && n.onError !== 'route' ? { ...n, onError: 'route' as const } : n))
      : flow.nodes;
  return { ...flow, nodes, edges: [...flow.edges, edge] };
}

/** Removes nodes (with every edge touching them and their layout) and edges. */
export function removeElements(flow: Flow, nodeIds: Iterable<string>, edgeIds: Iterable<string> = []): Flow {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && edges.size === 0) return flow;
  const layout: Layout = {};
  for (const [id, p] of Object.entries(flow.layout ?? {})) if (!nodes.has(id)) layout[id] = p;
  return {
    ...flow,
    nodes: flow.nodes.filter((n) => !nodes.has(n.id)),
    edges: flow.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.from.node) && !nodes.has(e.to.node)),
    layout,
  };
}

/** Places nodes; unchanged places leave the flow as it is (a click is not a move). */
export function moveNodes(flow: Flow, moves: ReadonlyMap<string, Point>): Flow {
  let changed = false;
  const layout: Layout = { ...flow.layout };
  for (const [id, p] of moves) {
    const next = round(p);
    const before = layout[id];
    if (before && before.x === next.x && before.y === next.y) continue;
    layout[id] = before ? { ...before, ...next } : next;
    changed = true;
  }
  return changed ? { ...flow, layout } : flow;
}

/** Every node placed: the flow's layout where it has one, computed layers elsewhere. */
export function withFullLayout(flow: Flow): Flow {
  const missing = flow.nodes.some((n) => !flow.layout?.[n.id]);
  if (!missing && flow.layout) return flow;
  const at = positions(flow);
  return { ...flow, layout: Object.fromEntries(flow.nodes.map((n) => [n.id, flow.layout?.[n.id] ?? at.get(n.id)!])) };
}

/** Lays every node out again in layers, ignoring where they were placed. */
export function autoLayout(flow: Flow): Flow {
  const at = positions({ nodes: flow.nodes, edges: flow.edges });
  return { ...flow, layout: Object.fromEntries(flow.nodes.map((n) => [n.id, round(at.get(n.id)!)])) };
}

/** Replaces one node (the inspector's edit); a renamed id carries its edges and place along. */
export function replaceNode(flow: Flow, id: string, next: FlowNode): Flow {
  const i = flow.nodes.findIndex((n) => n.id === id);
  if (i < 0 || flow.nodes[i] === next) return flow;
  const nodes = [...flow.nodes];
  nodes[i] = next;
  if (next.id === id) return { ...flow, nodes };
  const rename = (r: FlowEdge['from']) => (r.node === id ? { ...r, node: next.id } : r);
  const layout: Layout = {};
  for (const [k, p] of Object.entries(flow.layout ?? {})) layout[k === id ? next.id : k] = p;
  return {
    ...flow,
    nodes,
    edges: flow.edges.map((e) =>
      e.from.node === id || e.to.node === id ? { ...e, from: rename(e.from), to: rename(e.to) } : e,
    ),
    layout,
  };
}
