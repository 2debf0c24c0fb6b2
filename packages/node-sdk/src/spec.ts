import type { TObject, TSchema } from '@sinclair/typebox';
import type { CatalogError, DynamicPorts, NodeCategory } from '@millrace/flow-model';

/** A port as a node author declares it. `schema` is a canonical reference or a TypeBox schema. */
export interface PortSpec {
  readonly id: string;
  readonly label: string;
  readonly description?: string;
  readonly schema?: string | TSchema;
}

/**
 * Everything about a node type except its run code: browser-safe, it feeds the catalog, the
 * designer's forms and the validators. Lives in `flow-nodes/<type>/definition.ts`.
 */
export interface NodeSpec<C extends TSchema = TSchema, I extends TSchema = TSchema> {
  /** `namespace.verb` or one word: `map`, `sap.odata`, `erp.set-stock-status`. */
  readonly type: string;
  /** Bumped on a breaking change of config or ports; flows pin the version they were built for. */
  readonly version: number;
  readonly title: string;
  readonly description: string;
  readonly category: NodeCategory;
  readonly config: C;
  /** Contract of the incoming message's payload. */
  readonly input: I;
  /** @default [{ id: 'in', label: 'In' }] for every category but triggers, which have none. */
  readonly inputs?: readonly PortSpec[];
  readonly outputs: readonly PortSpec[];
  readonly dynamicOutputs?: DynamicPorts;
  /** @default true except for triggers */
  readonly errorPort?: boolean;
  /** @default true for triggers */
  readonly entry?: boolean;
  readonly connection?: { readonly types: readonly string[]; readonly required?: boolean };
  /** @default false */
  readonly sideEffect?: boolean;
  /**
   * Deterministic and without effects outside the run (validate, map, route): the engine may run
   * it before the step that created it is committed and journal a chain of such steps in one
   * transaction; after a crash it simply runs again. @default false
   */
  readonly pure?: boolean;
  /** The error codes this node raises, for the node reference. */
  readonly errors?: readonly CatalogError[];
}

/** A connection type as its author declares it (`flow-nodes/connections/<type>/definition.ts`). */
export interface ConnectionSpec<S extends TObject = TObject> {
  readonly type: string;
  readonly title: string;
  readonly description: string;
  /** Fields of a binding in a plant profile, `type` excluded. Mark secret fields with SecretRef. */
  readonly schema: S;
}

const TYPE_ID = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
const PORT_ID = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Declares a node type's metadata. Checks the declaration itself so a bad one fails at load. */
export function nodeSpec<C extends TSchema, I extends TSchema>(spec: NodeSpec<C, I>): NodeSpec<C, I> {
  const where = `node type "${spec.type}"`;
  if (!TYPE_ID.test(spec.type)) throw new Error(`${where}: the type id must look like "map" or "sap.odata"`);
  if (!Number.isInteger(spec.version) || spec.version < 1) throw new Error(`${where}: version must be an integer ≥ 1`);
  const ports = [...(spec.inputs ?? []), ...spec.outputs];
  const seen = new Set<string>();
  for (const port of spec.outputs) {
    if (!PORT_ID.test(port.id)) throw new Error(`${where}: port id "${port.id}" is not an identifier`);
    if (port.id === 'error') throw new Error(`${where}: "error" is reserved for the error port; set errorPort instead`);
    if (seen.has(port.id)) throw new Error(`${where}: output port "${port.id}" is declared twice`);
    seen.add(port.id);
  }
  for (const port of ports) if (!port.label) throw new Error(`${where}: port "${port.id}" needs a label`);
  if ((spec.config as { type?: unknown }).type !== 'object')
    throw new Error(`${where}: config must be an object schema (set type: "object" on a union)`);
  return spec;
}

export function connectionSpec<S extends TObject>(spec: ConnectionSpec<S>): ConnectionSpec<S> {
  if (!TYPE_ID.test(spec.type))
    throw new Error(`connection type "${spec.type}": the id must look like "http" or "sap-odata-v2"`);
  if ('type' in spec.schema.properties)
    throw new Error(`connection type "${spec.type}": "type" is implied, do not declare it`);
  return spec;
}
