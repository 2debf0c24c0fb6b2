/**
 * The node catalog: what the designer and the validators know about node and connection types.
 * Generated from `flow-nodes/*` definitions (metadata and JSON Schemas only, never run code), so
 * it is safe to ship to the browser. Only JSON: it is written to `flow-nodes/catalog.json`.
 */

export type JsonSchema = Readonly<Record<string, unknown>>;

export type NodeCategory = 'trigger' | 'connector' | 'business' | 'transform' | 'routing' | 'resilience' | 'waiting';

export interface CatalogPort {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  /** Payload contract: a canonical reference (`canonical:Name@1`) or an inline JSON Schema. */
  readonly schema?: string | JsonSchema;
}

/** Output ports named by the node's own config, e.g. the routes of a `route` node. */
export interface DynamicPorts {
  /** JSON pointer into the node's config to an array of objects. */
  readonly configPointer: string;
  /** Field of each item that names the port. */
  readonly portField: string;
}

export interface CatalogError {
  readonly code: string;
  readonly category: string;
  readonly description: string;
}

export interface CatalogNodeType {
  readonly type: string;
  readonly version: number;
  readonly title: string;
  readonly description: string;
  readonly category: NodeCategory;
  readonly inputs: readonly CatalogPort[];
  readonly outputs: readonly CatalogPort[];
  readonly dynamicOutputs?: DynamicPorts;
  /** True when the node can send its errors out of an `error` port (`onError: "route"`). */
  readonly errorPort: boolean;
  /** True for nodes that start paths without an incoming edge (triggers, `catch`). */
  readonly entry: boolean;
  readonly connection?: { readonly types: readonly string[]; readonly required: boolean };
  /** The node changes something outside Millrace; it gets a stable idempotency key per step. */
  readonly sideEffect: boolean;
  /** Deterministic, no effect outside the run: may be chained without a commit between steps. */
  readonly pure: boolean;
  readonly config: JsonSchema;
  readonly input: JsonSchema;
  readonly errors: readonly CatalogError[];
}

export interface CatalogConnectionType {
  readonly type: string;
  readonly title: string;
  readonly description: string;
  /** Schema of a binding in a plant profile (without `type`). Secret fields are `x-secret`. */
  readonly schema: JsonSchema;
  /** JSON pointers (into a binding) of the fields that must be secret references. */
  readonly secretFields: readonly string[];
}

export interface Catalog {
  readonly catalogVersion: 1;
  readonly nodes: readonly CatalogNodeType[];
  readonly connectionTypes: readonly CatalogConnectionType[];
}

/** The port id every node with `errorPort` has, used when `onError` is `"route"`. */
export const ERROR_PORT = 'error';

export function findNodeType(catalog: Catalog, type: string, version: number): CatalogNodeType | undefined {
  return catalog.nodes.find((n) => n.type === type && n.version === version);
}

export function nodeTypeVersions(catalog: Catalog, type: string): number[] {
  return catalog.nodes
    .filter((n) => n.type === type)
    .map((n) => n.version)
    .sort((a, b) => a - b);
}

export function findConnectionType(catalog: Catalog, type: string): CatalogConnectionType | undefined {
  return catalog.connectionTypes.find((c) => c.type === type);
}
