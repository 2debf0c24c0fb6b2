import type { TSchema } from '@sinclair/typebox';
import type { Catalog, CatalogConnectionType, CatalogNodeType, CatalogPort, JsonSchema } from '@millrace/flow-model';
import { joinPointer, stableStringify } from '@millrace/schema';
import type { ConnectionSpec, NodeSpec, PortSpec } from './spec.ts';

/** Plain JSON of a TypeBox schema: symbols dropped, nothing else changed. */
function plain(schema: TSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

function port(p: PortSpec): CatalogPort {
  return {
    id: p.id,
    label: p.label,
    ...(p.description ? { description: p.description } : {}),
    ...(p.schema === undefined ? {} : { schema: typeof p.schema === 'string' ? p.schema : plain(p.schema) }),
  };
}

const DEFAULT_INPUT: PortSpec = { id: 'in', label: 'In' };

export function catalogEntry(spec: NodeSpec): CatalogNodeType {
  const trigger = spec.category === 'trigger';
  return {
    type: spec.type,
    version: spec.version,
    title: spec.title,
    description: spec.description,
    category: spec.category,
    inputs: (spec.inputs ?? (trigger ? [] : [DEFAULT_INPUT])).map(port),
    outputs: spec.outputs.map(port),
    ...(spec.dynamicOutputs ? { dynamicOutputs: spec.dynamicOutputs } : {}),
    errorPort: spec.errorPort ?? !trigger,
    entry: spec.entry ?? trigger,
    ...(spec.connection
      ? { connection: { types: [...spec.connection.types], required: spec.connection.required ?? true } }
      : {}),
    sideEffect: spec.sideEffect ?? false,
    pure: spec.pure ?? false,
    config: plain(spec.config),
    input: plain(spec.input),
    errors: [...(spec.errors ?? [])].sort((a, b) => a.code.localeCompare(b.code)),
  };
}

/** Pointers (into a binding) of every field the schema marks `x-secret`. */
export function secretPointers(schema: JsonSchema, base = ''): string[] {
  if (schema['x-secret'] === true) return [base];
  const out: string[] = [];
  const props = schema.properties as Record<string, JsonSchema> | undefined;
  for (const [key, sub] of Object.entries(props ?? {})) out.push(...secretPointers(sub, joinPointer(base, key)));
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    for (const sub of (schema[keyword] as JsonSchema[] | undefined) ?? []) out.push(...secretPointers(sub, base));
  }
  return [...new Set(out)].sort();
}

export function connectionEntry(spec: ConnectionSpec): CatalogConnectionType {
  const schema = plain(spec.schema);
  return {
    type: spec.type,
    title: spec.title,
    description: spec.description,
    schema,
    secretFields: secretPointers(schema),
  };
}

/**
 * Builds the catalog from node and connection specs, sorted so the generated file is stable.
 * Throws on a type declared twice or a node that names an unknown connection type.
 */
export function buildCatalog(nodes: readonly NodeSpec[], connections: readonly ConnectionSpec[]): Catalog {
  const seen = new Set<string>();
  for (const n of nodes) {
    const key = `${n.type}@${n.version}`;
    if (seen.has(key)) throw new Error(`node type ${key} is declared twice`);
    seen.add(key);
  }
  const connectionTypes = new Set<string>();
  for (const c of connections) {
    if (connectionTypes.has(c.type)) throw new Error(`connection type "${c.type}" is declared twice`);
    connectionTypes.add(c.type);
  }
  for (const n of nodes) {
    for (const t of n.connection?.types ?? []) {
      if (!connectionTypes.has(t))
        throw new Error(`node type ${n.type}@${n.version} names unknown connection type "${t}"`);
    }
  }
  return {
    catalogVersion: 1,
    nodes: nodes.map(catalogEntry).sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version),
    connectionTypes: connections.map(connectionEntry).sort((a, b) => a.type.localeCompare(b.type)),
  };
}

/** The catalog as the committed file holds it. */
export function serializeCatalog(catalog: Catalog): string {
  return stableStringify(catalog, (path) => {
    if (path.length === 0) return ['catalogVersion', 'nodes', 'connectionTypes'];
    if (path.length === 2 && path[0] === 'nodes') {
      return [
        'type',
        'version',
        'title',
        'description',
        'category',
        'entry',
        'errorPort',
        'sideEffect',
        'pure',
        'connection',
        'inputs',
        'outputs',
        'dynamicOutputs',
        'config',
        'input',
        'errors',
      ];
    }
    if (path.length === 2 && path[0] === 'connectionTypes')
      return ['type', 'title', 'description', 'secretFields', 'schema'];
    return undefined;
  });
}
