import { findNodeType, type Catalog, type Flow, type JsonSchema } from '@millrace/flow-model';

/**
 * What lies upstream of a node: the nodes with a path to it (for `upstream-node` fields such as
 * a dead letter's `replayFrom`) and the payload contracts of what feeds it (for the types of
 * `msg.payload` in code and expressions).
 */

/** Ids of the nodes with a path to `nodeId`, nearest first (breadth first over reversed edges). */
export function upstreamNodeIds(flow: Flow, nodeId: string): string[] {
  const seen = new Set<string>([nodeId]);
  const out: string[] = [];
  let frontier = [nodeId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of flow.edges) {
        if (e.to.node !== id || seen.has(e.from.node)) continue;
        seen.add(e.from.node);
        out.push(e.from.node);
        next.push(e.from.node);
      }
    }
    frontier = next;
  }
  return out;
}

/** A payload contract: a canonical reference (`canonical:Name@1`) or an inline JSON Schema. */
export type PayloadSchema = string | JsonSchema;

// Nodes that send on the message they got, payload untouched, on these ports.
const PASS_THROUGH: Readonly<Record<string, readonly string[]>> = {
  route: ['*'],
  dedupe: ['out', 'duplicate'],
  retry: ['out', 'exhausted'],
  validate: ['invalid'],
  signal: ['out'],
};

const isSchema = (v: unknown): v is PayloadSchema =>
  typeof v === 'string' || (typeof v === 'object' && v !== null && !Array.isArray(v));

/**
 * The payload contract of what leaves `nodeId` on `port`: the catalog port's own schema, else
 * what the node's config says it emits (a trigger's or validate's `schema`, a map's
 * `outputSchema`), else, for nodes that pass their input on, the contract of their input.
 * Undefined when nothing is known (the payload is then `unknown`).
 */
export function portPayloadSchema(
  flow: Flow,
  catalog: Catalog,
  nodeId: string,
  port: string,
  seen: ReadonlySet<string> = new Set(),
): PayloadSchema | undefined {
  const node = flow.nodes.find((n) => n.id === nodeId);
  if (!node || seen.has(nodeId)) return undefined;
  const type = findNodeType(catalog, node.type, node.version);
  const declared = type?.outputs.find((p) => p.id === port)?.schema;
  if (declared !== undefined) return declared;
  const config = node.config as Record<string, unknown>;
  if (node.type.startsWith('trigger.') && isSchema(config.schema)) return config.schema;
  if (node.type === 'validate' && port === 'valid' && isSchema(config.schema)) return config.schema;
  if (node.type === 'map' && isSchema(config.outputSchema)) return config.outputSchema;
  const passes = PASS_THROUGH[node.type];
  if (passes && (passes.includes('*') || passes.includes(port))) {
    const inputs = inputPayloadSchemas(flow, catalog, nodeId, new Set([...seen, nodeId]));
    return inputs.length === 1 ? inputs[0] : undefined;
  }
  return undefined;
}

/**
 * The distinct payload contracts arriving at `nodeId`, one per kind of incoming message. An
 * input whose contract is unknown makes the whole answer unknown (an empty list): typing
 * `msg.payload` as the known ones only would be a lie.
 */
export function inputPayloadSchemas(
  flow: Flow,
  catalog: Catalog,
  nodeId: string,
  seen: ReadonlySet<string> = new Set(),
): PayloadSchema[] {
  const incoming = flow.edges.filter((e) => e.to.node === nodeId);
  const out: PayloadSchema[] = [];
  const keys = new Set<string>();
  for (const e of incoming) {
    const s = portPayloadSchema(flow, catalog, e.from.node, e.from.port, seen);
    if (s === undefined) return [];
    const key = JSON.stringify(s);
    if (!keys.has(key)) {
      keys.add(key);
      out.push(s);
    }
  }
  return out;
}
