import { Type, type TSchema } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { LITERAL_TYPES } from '../connections/sap-odata-v2/query.ts';
import { Expression, TimeoutMs } from '../shared/schemas.ts';

const NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const PATH = '^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$';

const Service = Type.String({
  pattern: '^[A-Za-z0-9_]+(;v=\\d{1,4})?$',
  description: "OData service under the connection's base URL, such as API_PRODUCTION_ORDER_2_SRV.",
  'x-hint': 'a service name such as API_PRODUCTION_ORDER_2_SRV',
});

const EntitySet = Type.String({
  pattern: NAME,
  description: 'Entity set, such as A_ProductionOrder_2.',
  'x-hint': 'an entity set name such as A_ProductionOrder_2',
});

const LiteralType = Type.Union(
  LITERAL_TYPES.map((t) => Type.Literal(t)),
  {
    description:
      'How the value is written in the URL: auto follows its JSON type; string, int, decimal, boolean, datetime, datetimeoffset or guid force the OData type.',
  },
);

/** An expression, or an expression with the OData type its value must be written as. */
const Value = (description: string) =>
  Type.Union([
    Expression(description),
    Type.Object({ value: Expression(description), type: LiteralType }, { additionalProperties: false }),
  ]);

/** Field → value, with field names checked; additionalProperties so each expression is syntax-checked. */
const ValueMap = (description: string, valueDescription: string) =>
  Type.Object(
    {},
    {
      additionalProperties: Value(valueDescription),
      propertyNames: { pattern: NAME },
      minProperties: 1,
      description,
    },
  );

const Key = Type.Union(
  [
    Expression(
      'An expression giving the key value (or an object of key fields). Key values are sent as Edm.String unless typed.',
    ),
    ValueMap(
      'Key field → expression, for a composite key such as Material, BatchIdentifyingPlant, Batch.',
      'Key value.',
    ),
  ],
  { description: 'The entity key, evaluated with the other expressions of the step.' },
);

const Paths = (description: string) =>
  Type.Array(Type.String({ pattern: PATH, 'x-hint': 'a property path such as Material or to_Item/Batch' }), {
    minItems: 1,
    uniqueItems: true,
    description,
  });

const Select = Paths('Properties to return ($select).');
const Expand = Paths('Navigation properties to return inline ($expand), such as to_ProductionOrderItem.');

const Condition = Type.Object(
  {
    field: Type.String({ pattern: PATH, 'x-hint': 'a property path such as Material' }),
    op: Type.Optional(
      Type.Union(
        ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'startswith', 'substringof', 'in'].map((op) => Type.Literal(op)),
        { default: 'eq', description: '"in" takes an array and matches any of its values.' },
      ),
    ),
    value: Expression('The value to compare with; written as an escaped OData literal.'),
    type: Type.Optional(LiteralType),
  },
  { additionalProperties: false },
);

const Query = Type.Object(
  {
    filter: Type.Optional(
      Type.Array(Condition, { minItems: 1, description: 'Conditions, all of which must hold ($filter … and …).' }),
    ),
    select: Type.Optional(Select),
    expand: Type.Optional(Expand),
    orderby: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z_][A-Za-z0-9_/]*( (asc|desc))?(, ?[A-Za-z_][A-Za-z0-9_/]*( (asc|desc))?)*$',
        description: 'Sort order ($orderby), such as "MfgOrderPlannedStartDate desc".',
        'x-hint': 'fields with optional asc or desc, such as "Material, Batch desc"',
      }),
    ),
    top: Type.Optional(Type.Integer({ minimum: 0, description: 'At most this many results ($top).' })),
    skip: Type.Optional(Type.Integer({ minimum: 0, description: 'Skip this many results first ($skip).' })),
    count: Type.Optional(
      Type.Boolean({ default: false, description: 'Also return the total number of matches ($inlinecount).' }),
    ),
  },
  { additionalProperties: false },
);

const Body = Type.Union([Type.Literal('payload'), Expression('An expression whose value (an object) is sent.')], {
  default: 'payload',
  description:
    '"payload" sends the message payload. RFC 3339 date-times are sent as /Date()/, fractional numbers as decimal strings.',
});

const Timeout = Type.Optional(TimeoutMs(30000));

const MergeAs = Type.Optional(
  Type.String({
    pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
    maxLength: 64,
    description:
      'Keep the message and put the result under this field ({ ...msg.payload, <field>: result }) instead of replacing the payload.',
    'x-hint': 'a field name such as erpLots',
  }),
);

function operation<N extends string, P extends Record<string, TSchema>>(name: N, title: string, properties: P) {
  return Type.Object(
    { operation: Type.Literal(name), service: Service, ...properties, timeoutMs: Timeout, mergeAs: MergeAs },
    { additionalProperties: false, title },
  );
}

export const definition = nodeSpec({
  type: 'sap.odata',
  version: 1,
  title: 'SAP OData (V2)',
  description:
    'Reads, creates and changes entities of an SAP S/4HANA OData V2 service, or calls a function import. Handles sap-client, the CSRF token, ETags (If-Match), __next paging, /Date()/ dates and decimal strings; SAP error messages become remote errors with the SAP message code.',
  category: 'connector',
  connection: { types: ['sap-odata-v2'], required: true },
  // Per type, not per operation: the reads have no effect, but create, patch and function
  // imports do, so the engine treats every sap.odata step as one that may have changed SAP.
  sideEffect: true,
  config: Type.Union(
    [
      operation('read-entity', 'Read one entity', {
        entitySet: EntitySet,
        key: Key,
        query: Type.Optional(
          Type.Object(
            { select: Type.Optional(Select), expand: Type.Optional(Expand) },
            { additionalProperties: false },
          ),
        ),
      }),
      operation('read-collection', 'Read a collection', {
        entitySet: EntitySet,
        query: Type.Optional(Query),
        maxPages: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: 1000,
            default: 10,
            description: 'Follow __next for at most this many pages; more fails the step with SAP_PAGE_LIMIT.',
          }),
        ),
      }),
      operation('create', 'Create an entity', { entitySet: EntitySet, body: Type.Optional(Body) }),
      operation('patch', 'Change an entity', {
        entitySet: EntitySet,
        key: Key,
        body: Type.Optional(Body),
        etag: Type.Optional(
          Expression('The ETag read earlier, such as msg.payload.__metadata.etag; sent as If-Match.'),
        ),
        onConflict: Type.Optional(
          Type.Union([Type.Literal('fail'), Type.Literal('overwrite')], {
            default: 'fail',
            description:
              'When the entity changed since `etag` was read (412): "fail" with SAP_PRECONDITION_FAILED, or "overwrite": read it again once and send the change once more.',
          }),
        ),
        method: Type.Optional(
          Type.Union([Type.Literal('PATCH'), Type.Literal('MERGE')], {
            default: 'PATCH',
            description: 'MERGE for services that refuse PATCH.',
          }),
        ),
      }),
      operation('function-import', 'Call a function import', {
        function: Type.String({
          pattern: NAME,
          description: 'Function import, such as ReleaseOrder.',
          'x-hint': 'a function import name such as ReleaseOrder',
        }),
        method: Type.Optional(
          Type.Union([Type.Literal('POST'), Type.Literal('GET')], {
            default: 'POST',
            description: 'As the function import declares it in $metadata.',
          }),
        ),
        parameters: Type.Optional(
          ValueMap('Parameter → expression; null leaves the parameter out.', 'Parameter value.'),
        ),
      }),
    ],
    { type: 'object' },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Result',
      description:
        'read-entity and create: the entity; read-collection: { results, count? }; patch: { entitySet, key, etag? }; function-import: its result. Dates as RFC 3339, decimals as strings; header etag when known.',
    },
  ],
  errors: [
    {
      code: 'SAP_TRANSIENT',
      category: 'transient',
      description: '429, 502, 503, 504, a timeout or a network error; retried, honouring Retry-After.',
    },
    {
      code: 'SAP_CSRF_REFUSED',
      category: 'transient',
      description: 'SAP refused the CSRF token even after a fresh one was fetched.',
    },
    { code: 'SAP_UNAUTHORIZED', category: 'auth', description: '401, or a 403 that is not about the CSRF token.' },
    {
      code: 'SAP_REJECTED',
      category: 'remote',
      description: 'Any other 4xx or 5xx; vendorCode is the SAP message code (such as CO/016), the message its text.',
    },
    {
      code: 'SAP_PRECONDITION_FAILED',
      category: 'remote',
      description: '412: the entity changed since its ETag was read, and onConflict is "fail".',
    },
    {
      code: 'SAP_PRECONDITION_REQUIRED',
      category: 'remote',
      description: '428 that reading the ETag could not satisfy.',
    },
    {
      code: 'SAP_INVALID_RESPONSE',
      category: 'remote',
      description: 'An answer that is not OData V2 JSON, or a __next link to another host.',
    },
    {
      code: 'SAP_KEY_VALUE',
      category: 'data',
      description: 'A key expression gave null, an empty string, an object or another unusable value.',
    },
    {
      code: 'SAP_FILTER_VALUE',
      category: 'data',
      description: 'A filter value expression gave a value with no OData literal.',
    },
    {
      code: 'SAP_PARAMETER_VALUE',
      category: 'data',
      description: 'A function import parameter gave a value with no OData literal.',
    },
    { code: 'SAP_BODY_VALUE', category: 'data', description: 'The body is not a JSON object.' },
    { code: 'SAP_ETAG_VALUE', category: 'data', description: 'The etag expression gave no non-empty string.' },
    { code: 'SAP_PAGE_LIMIT', category: 'data', description: 'The collection has more pages than maxPages allows.' },
    { code: 'SAP_NO_CONNECTION', category: 'config', description: 'No sap-odata-v2 connection is bound.' },
    { code: 'SAP_INVALID_SERVICE', category: 'config', description: 'The service name is not valid.' },
  ],
});
