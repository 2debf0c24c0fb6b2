import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression, Headers, TimeoutMs } from '../shared/schemas.ts';

export const definition = nodeSpec({
  type: 'http.request',
  version: 1,
  title: 'HTTP request',
  description:
    'Calls an HTTP endpoint of the bound connection. Sends a stable Idempotency-Key per step, classifies failures (429/5xx and network errors are transient and retried, honouring Retry-After; other 4xx are remote errors).',
  category: 'connector',
  connection: { types: ['http'], required: true },
  sideEffect: true,
  config: Type.Object(
    {
      method: Type.Optional(
        Type.Union(
          ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m)),
          { default: 'POST' },
        ),
      ),
      path: Type.String({
        minLength: 1,
        description: "Path relative to the connection's base URL; {{expr}} parts are filled from the message.",
      }),
      query: Type.Optional(Type.Record(Type.String(), Expression('Query parameter value.'))),
      headers: Type.Optional(Headers),
      body: Type.Optional(
        Type.Union(
          [Type.Literal('payload'), Type.Literal('none'), Expression('An expression whose value is sent as JSON.')],
          {
            default: 'payload',
            description: '"payload" sends the message payload as JSON; "none" sends no body.',
          },
        ),
      ),
      idempotencyHeader: Type.Optional(
        Type.String({
          // Empty is allowed and meaningful: some APIs refuse unknown headers.
          pattern: "^([!#$%&'*+.^_`|~0-9A-Za-z-]+)?$",
          default: 'Idempotency-Key',
          description: "Header carrying the step's idempotency key; empty to send none.",
          'x-hint': 'a header name such as Idempotency-Key, or empty for none',
        }),
      ),
      timeoutMs: Type.Optional(TimeoutMs(30000)),
      responseType: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('text')], { default: 'json' })),
      output: Type.Optional(
        Type.Union([Type.Literal('response'), Type.Literal('merge')], {
          default: 'response',
          description:
            '"response" emits the response body as the payload; "merge" keeps the message and adds the body under "response" (a payload that is not an object is kept under "input").',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Response',
      description:
        'payload = the response body (or { ...msg.payload, response } with output "merge"); headers = status and response headers.',
    },
  ],
  errors: [
    {
      code: 'HTTP_TRANSIENT',
      category: 'transient',
      description: '429, 502, 503, 504 or a network error; retried with backoff.',
    },
    {
      code: 'HTTP_IN_PROGRESS',
      category: 'transient',
      description: '409 with Retry-After: the same idempotent request is still being processed; retried.',
    },
    { code: 'HTTP_REJECTED', category: 'remote', description: 'Any other 4xx or 5xx answer.' },
    { code: 'HTTP_UNAUTHORIZED', category: 'auth', description: '401 or 403.' },
  ],
});
