import { Type, type Static } from '@sinclair/typebox';
import { LocalId, Slug } from './common-schemas.ts';

/**
 * `<flow-id>.tests.json` (DESIGN §3): a flow's test cases — an input event, canned answers per
 * connection slot, and the effects the run must have. docs/flow-tests.md describes every field.
 */
export const FLOW_TESTS_SCHEMA_VERSION = 1;

const Json = Type.Unknown();

const PathText = Type.String({
  minLength: 1,
  'x-hint': 'the request path as the system sees it (/sap/opu/odata/sap/…), or "re:<regular expression>"',
});

export const TestRequestMatcher = Type.Object(
  {
    method: Type.String({ pattern: '^[A-Za-z]+$', 'x-hint': 'GET, POST, PUT, PATCH, DELETE, HEAD' }),
    path: PathText,
    query: Type.Optional(Type.Record(Type.String(), Type.String())),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    json: Type.Optional(Json),
    bodyIncludes: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const TestResponse = Type.Object(
  {
    status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    json: Type.Optional(Json),
    text: Type.Optional(Type.String()),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
  },
  { additionalProperties: false },
);

const Times = Type.Integer({ minimum: 1, maximum: 1000 });

export const TestMock = Type.Object(
  {
    request: TestRequestMatcher,
    response: TestResponse,
    times: Type.Optional(Times),
  },
  { additionalProperties: false },
);

const RequestExpectation = Type.Object(
  {
    method: TestRequestMatcher.properties.method,
    path: PathText,
    query: TestRequestMatcher.properties.query,
    headers: TestRequestMatcher.properties.headers,
    json: TestRequestMatcher.properties.json,
    bodyIncludes: TestRequestMatcher.properties.bodyIncludes,
    times: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export const TestExpect = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('succeeded'), Type.Literal('dead_lettered')])),
    visits: Type.Optional(Type.Array(LocalId, { uniqueItems: true })),
    skips: Type.Optional(Type.Array(LocalId, { uniqueItems: true })),
    deadLetter: Type.Optional(
      Type.Object(
        {
          node: LocalId,
          code: Type.Optional(Type.String({ minLength: 1 })),
          reasonIncludes: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    requests: Type.Optional(Type.Record(Type.String(), Type.Array(RequestExpectation))),
    noOtherRequests: Type.Optional(Type.Boolean()),
    published: Type.Optional(
      Type.Array(
        Type.Object(
          {
            slot: Type.String({ minLength: 1 }),
            topic: Type.String({ minLength: 1 }),
            json: Type.Optional(Json),
            retain: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    outputs: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Object(
          { port: Type.Optional(Type.String({ minLength: 1 })), payload: Type.Optional(Json) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

export const TestCase = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 300 }),
    trigger: Type.Optional(LocalId),
    event: Type.Optional(Json),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    signals: Type.Optional(
      Type.Array(
        Type.Object(
          { channel: Type.String({ minLength: 1 }), key: Type.String({ minLength: 1 }), payload: Type.Optional(Json) },
          { additionalProperties: false },
        ),
      ),
    ),
    mocks: Type.Optional(Type.Record(Type.String(), Type.Array(TestMock))),
    expect: TestExpect,
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  },
  { additionalProperties: false },
);

export const FlowTestsSchema = Type.Object(
  {
    schemaVersion: Type.Literal(FLOW_TESTS_SCHEMA_VERSION),
    flow: Slug,
    profile: Type.Optional(
      Type.String({
        pattern: '^(?!/)[A-Za-z0-9._/-]+\\.json$',
        'x-hint': 'the plant profile whose params the cases use, relative to this file (../profiles/P100.json)',
      }),
    ),
    cases: Type.Array(TestCase, { minItems: 1 }),
  },
  {
    additionalProperties: false,
    title: 'Millrace flow tests',
    description: "<flow-id>.tests.json: a flow's test cases (input event, canned answers, expected effects).",
  },
);

export type FlowTests = Static<typeof FlowTestsSchema>;
export type FlowTestCase = Static<typeof TestCase>;
export type FlowTestMock = Static<typeof TestMock>;
export type FlowTestExpect = Static<typeof TestExpect>;
