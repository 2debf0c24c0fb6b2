import { Type, type Static } from '@sinclair/typebox';
import { JsonSchemaObject, LocalId, NodeTypeId, RetryPolicy, Semver, Slug } from './common-schemas.ts';

/** The flow file format version this code writes. Loaders migrate older files up to it. */
export const FLOW_SCHEMA_VERSION = 1;

const Expression = (description: string) => Type.String({ minLength: 1, description, 'x-expression': true });

export const PortRef = Type.Object({ node: LocalId, port: LocalId }, { additionalProperties: false });

export const FlowEdge = Type.Object(
  {
    id: LocalId,
    from: PortRef,
    to: PortRef,
  },
  { additionalProperties: false },
);
export type FlowEdge = Static<typeof FlowEdge>;

export const FlowNode = Type.Object(
  {
    id: LocalId,
    type: NodeTypeId,
    version: Type.Integer({ minimum: 1, description: 'Version of the node type this node was configured for.' }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Type.String()),
    connection: Type.Optional(LocalId),
    config: Type.Object({}, { additionalProperties: true }),
    retry: Type.Optional(RetryPolicy),
    onError: Type.Optional(Type.Union([Type.Literal('fail'), Type.Literal('route')], { default: 'fail' })),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type FlowNode = Static<typeof FlowNode>;

export const ConnectionSlot = Type.Object(
  {
    type: NodeTypeId,
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const FlowSettings = Type.Object(
  {
    idempotencyKey: Type.Optional(Expression('A repeated value of this expression does not start a second run.')),
    businessKeys: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$' }), Expression('A searchable business key.'), {
        description: 'Named expressions whose values make runs searchable and feed the KPIs.',
      }),
    ),
    retry: Type.Optional(RetryPolicy),
    orderBy: Type.Optional(Expression('Runs with the same value execute one after another, in order of arrival.')),
    concurrency: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10000,
        description: 'Steps of this flow running at once in one worker; more wait their turn.',
      }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'A step that would start after the run has lasted this long parks the run instead (RUN_TIMEOUT).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type FlowSettings = Static<typeof FlowSettings>;

export const NodeLayout = Type.Object(
  {
    x: Type.Number(),
    y: Type.Number(),
    width: Type.Optional(Type.Number({ minimum: 0 })),
    height: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const FlowSchema = Type.Object(
  {
    schemaVersion: Type.Literal(FLOW_SCHEMA_VERSION),
    id: Slug,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    version: Semver,
    description: Type.Optional(Type.String()),
    owner: Type.Optional(
      Type.Object(
        { team: Type.Optional(Type.String()), contact: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    params: Type.Optional(JsonSchemaObject),
    connections: Type.Optional(Type.Record(LocalId, ConnectionSlot)),
    settings: Type.Optional(FlowSettings),
    nodes: Type.Array(FlowNode),
    edges: Type.Array(FlowEdge),
    layout: Type.Optional(Type.Record(LocalId, NodeLayout)),
  },
  {
    additionalProperties: false,
    title: 'Millrace flow',
    description: 'One flow: a graph of nodes and edges, with its layout kept apart.',
  },
);
export type Flow = Static<typeof FlowSchema>;
