import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { PUBLISH_TOPIC_PATTERN } from '../connections/mqtt/topic.ts';
import { Expression } from '../shared/schemas.ts';

export const DEFAULTS = {
  lotId: 'msg.payload?.lotId ?? msg.payload?.producedLot?.lotId ?? msg.payload?.inspection?.lotId',
  path: '/mes/api/v1/batches/{lotId}/holds',
  holdType: 'quality',
} as const;

export const definition = nodeSpec({
  type: 'mes.send-hold',
  version: 1,
  title: 'MES: send hold',
  description:
    "Tells the MES to put a lot on hold. The bound connection decides how: an http connection POSTs to the MES REST API (/mes/api/v1/batches/{lotId}/holds, with the step's Idempotency-Key), an mqtt connection publishes a CloudEvents hold command with QoS 1 on a UNS topic. Emits the hold request under payload.hold.",
  category: 'business',
  connection: { types: ['http', 'mqtt'], required: true },
  sideEffect: true,
  config: Type.Object(
    {
      lotId: Type.Optional(Expression('The lot to hold.', { default: DEFAULTS.lotId })),
      reason: Expression(
        'Why, in words the shop floor reads, such as `Inspection ${msg.payload.inspection.qmsInspectionId} rejected`.',
      ),
      holdType: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 64,
          pattern: '^[a-z][a-z0-9_]*$',
          default: DEFAULTS.holdType,
          description: 'The kind of hold, as the MES names it: quality, deviation, investigation…',
          'x-hint': 'a lower-case code such as quality or deviation',
        }),
      ),
      path: Type.Optional(
        Type.String({
          minLength: 1,
          pattern: '^/',
          default: DEFAULTS.path,
          description:
            "http: the path under the connection's base URL; {lotId} is replaced by the lot id, URL-encoded.",
          'x-hint': 'a path starting with "/", such as /mes/api/v1/batches/{lotId}/holds',
        }),
      ),
      topic: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 65535,
          pattern: PUBLISH_TOPIC_PATTERN,
          description:
            'mqtt (required there): the UNS topic of hold commands; {{expr}} parts are filled from the message, such as acme/{{params.site}}/{{msg.payload.area}}/{{msg.payload.line}}/mes/commands/hold.',
          'x-hint':
            'a topic such as acme/p100/granulation/line3/mes/commands/hold, without "+" or "#" outside {{ }} parts',
        }),
      ),
      timeoutMs: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 600000,
          description: "Give up on one attempt after this long (ms). Default: the connection's timeout.",
        }),
      ),
      output: Type.Optional(
        Type.Union([Type.Literal('merge'), Type.Literal('hold')], {
          default: 'merge',
          description: '"merge": { ...msg.payload, hold }. "hold": the hold object alone.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Hold requested',
      description:
        "payload = { ...msg.payload, hold: { lotId, status: 'requested', via: 'http' | 'mqtt', holdType, reason, requestedAt, … } } (or the hold alone).",
    },
  ],
  errors: [
    {
      code: 'MES_INPUT_INVALID',
      category: 'data',
      description: 'No usable lot id or reason in the message; nothing was sent.',
    },
    {
      code: 'MES_PAYLOAD_NOT_OBJECT',
      category: 'data',
      description: 'output is "merge" but the payload is not an object; nothing was sent.',
    },
    { code: 'MQTT_TOPIC_INVALID', category: 'data', description: 'A topic part gave no usable value, or a wildcard.' },
    {
      code: 'MES_ILLEGAL_TRANSITION',
      category: 'remote',
      description:
        'http 409: the lot cannot be held in its state (shipped, say); details.currentState and details.allowedNextStates.',
    },
    {
      code: 'MES_REQUIRED_FIELD_MISSING',
      category: 'remote',
      description: 'http 422: the MES requires fields the request lacks.',
    },
    {
      code: 'MES_IDEMPOTENCY_KEY_REUSED',
      category: 'remote',
      description: 'http 422: this step sent a different hold under the same Idempotency-Key before.',
    },
    {
      code: 'MES_REQUEST_IN_PROGRESS',
      category: 'transient',
      description: 'http 409: an earlier attempt is still being processed; retried.',
    },
    {
      code: 'HTTP_TRANSIENT',
      category: 'transient',
      description:
        'http: 408, 429, 502, 503, 504 (retryAfterMs from Retry-After), a timeout or network error; retried.',
    },
    { code: 'HTTP_UNAUTHORIZED', category: 'auth', description: 'http: 401 or 403.' },
    {
      code: 'HTTP_REJECTED',
      category: 'remote',
      description: 'http: any other refusal, such as 404 for a lot the MES does not know.',
    },
    {
      code: 'MQTT_NOT_CONNECTED',
      category: 'transient',
      description: 'mqtt: no connection to the broker in time; retried.',
    },
    {
      code: 'MQTT_PUBLISH_TIMEOUT',
      category: 'transient',
      description: 'mqtt: no PUBACK in time; retried (the command carries the same id, so the MES can drop a repeat).',
    },
    { code: 'MQTT_AUTH_REFUSED', category: 'auth', description: 'mqtt: the broker refused the credentials.' },
    { code: 'MQTT_PUBLISH_REFUSED', category: 'remote', description: 'mqtt (MQTT 5): the broker refused the message.' },
    {
      code: 'MES_NO_TOPIC',
      category: 'config',
      description: 'An mqtt connection is bound but no topic is configured.',
    },
    { code: 'MES_NO_CONNECTION', category: 'config', description: 'No http or mqtt connection is bound.' },
  ],
});
