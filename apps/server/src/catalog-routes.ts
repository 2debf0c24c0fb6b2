import { Type } from '@sinclair/typebox';
import { CANONICAL_SCHEMAS } from '@millrace/canonical';
import type { Catalog } from '@millrace/flow-model';
import type { RouteDef } from './api.ts';
import { notFound } from './problem.ts';
import { JsonObject } from './schemas.ts';

const JsonSchema = JsonObject('a JSON Schema');

const Port = Type.Object({
  id: Type.String(),
  label: Type.String(),
  description: Type.Optional(Type.String()),
  schema: Type.Optional(Type.Union([Type.String({ description: 'a canonical reference' }), JsonSchema])),
});

const NodeType = Type.Object({
  type: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  title: Type.String(),
  description: Type.String(),
  category: Type.Union(
    ['trigger', 'connector', 'business', 'transform', 'routing', 'resilience', 'waiting'].map((c) => Type.Literal(c)),
  ),
  inputs: Type.Array(Port),
  outputs: Type.Array(Port),
  dynamicOutputs: Type.Optional(Type.Object({ configPointer: Type.String(), portField: Type.String() })),
  errorPort: Type.Boolean(),
  entry: Type.Boolean(),
  connection: Type.Optional(Type.Object({ types: Type.Array(Type.String()), required: Type.Boolean() })),
  sideEffect: Type.Boolean(),
  pure: Type.Boolean(),
  config: JsonSchema,
  input: JsonSchema,
  errors: Type.Array(Type.Object({ code: Type.String(), category: Type.String(), description: Type.String() })),
});

const NodeCatalog = Type.Object({
  catalogVersion: Type.Literal(1),
  nodes: Type.Array(NodeType),
  connectionTypes: Type.Array(
    Type.Object({
      type: Type.String(),
      title: Type.String(),
      description: Type.String(),
      schema: JsonSchema,
      secretFields: Type.Array(Type.String()),
    }),
  ),
});

const CanonicalEntry = Type.Object({
  name: Type.String(),
  major: Type.Integer({ minimum: 1 }),
  ref: Type.String({ pattern: '^canonical:[A-Za-z][A-Za-z0-9]*@[0-9]+$' }),
  kind: Type.Union([Type.Literal('entity'), Type.Literal('event-data'), Type.Literal('envelope')]),
  title: Type.String(),
  description: Type.String(),
  schema: JsonSchema,
});

/** What the designer builds with: the node catalog and the canonical schemas. */
export function catalogRoutes(catalog: Catalog): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/node-types',
      response: NodeCatalog,
      access: 'viewer',
      tag: 'catalog',
      summary: 'The node catalog: every node and connection type with its config schema and ports',
      handler: () => ({ body: catalog }),
    },
    {
      method: 'get',
      path: '/api/canonical',
      response: Type.Object({ schemas: Type.Array(CanonicalEntry) }),
      access: 'viewer',
      tag: 'catalog',
      summary: 'The canonical manufacturing schemas (name, major version, JSON Schema)',
      handler: () => ({ body: { schemas: CANONICAL_SCHEMAS } }),
    },
    {
      method: 'get',
      path: '/api/canonical/:ref',
      response: CanonicalEntry,
      access: 'viewer',
      tag: 'catalog',
      summary: 'One canonical schema, by reference such as canonical:BatchCompletion@1',
      responses: { 404: 'no such schema' },
      handler({ params }) {
        const entry = CANONICAL_SCHEMAS.find((e) => e.ref === params.ref);
        if (!entry) throw notFound(`${String(params.ref)} is not a canonical schema`);
        return { body: entry };
      },
    },
  ];
}
