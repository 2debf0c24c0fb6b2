import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { PUBLISH_TOPIC_PATTERN } from '../connections/mqtt/topic.ts';
import { Expression } from '../shared/schemas.ts';

export const definition = nodeSpec({
  type: 'mqtt.publish',
  version: 1,
  title: 'MQTT publish',
  description:
    'Publishes a message to the bound MQTT broker. QoS 1 and 2 wait for the broker to acknowledge; not connected and no acknowledgement in time are transient errors (retried).',
  category: 'connector',
  connection: { types: ['mqtt'], required: true },
  sideEffect: true,
  config: Type.Object(
    {
      topic: Type.String({
        minLength: 1,
        maxLength: 65535,
        pattern: PUBLISH_TOPIC_PATTERN,
        description:
          'Topic to publish to; {{expr}} parts are filled from the message, such as acme/p100/{{msg.payload.line}}/mes/commands/hold.',
        'x-hint': 'a topic such as plant/line4/mes/commands/hold, without "+" or "#" outside {{ }} parts',
      }),
      qos: Type.Optional(
        Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)], {
          default: 1,
          description: '0: fire and forget. 1: at least once, waits for PUBACK. 2: exactly once to the broker.',
        }),
      ),
      retain: Type.Optional(
        Type.Boolean({
          default: false,
          description: 'The broker keeps the message as the current state of the topic for later subscribers.',
        }),
      ),
      payload: Type.Optional(
        Type.Union([Type.Literal('payload'), Expression('An expression whose value is published.')], {
          default: 'payload',
          description: '"payload" publishes the message payload; otherwise an expression.',
        }),
      ),
      format: Type.Optional(
        Type.Union([Type.Literal('json'), Type.Literal('text')], {
          default: 'json',
          description: 'json: the value as JSON text. text: a string value as is, anything else as JSON.',
        }),
      ),
      timeoutMs: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 600000,
          description: "Give up on one attempt after this long (ms). Default: the connection's publishTimeoutMs.",
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Published',
      description: 'The input message, unchanged, with the mqtt-published-topic header.',
    },
  ],
  errors: [
    { code: 'MQTT_NOT_CONNECTED', category: 'transient', description: 'No connection to the broker in time; retried.' },
    {
      code: 'MQTT_PUBLISH_TIMEOUT',
      category: 'transient',
      description: 'The broker did not acknowledge in time; retried (the message may arrive twice).',
    },
    { code: 'MQTT_AUTH_REFUSED', category: 'auth', description: 'The broker refused the user name or password.' },
    {
      code: 'MQTT_PUBLISH_REFUSED',
      category: 'remote',
      description: 'MQTT 5: the broker refused the message (reason code in details); not authorized is an auth error.',
    },
    {
      code: 'MQTT_TOPIC_INVALID',
      category: 'data',
      description: 'The topic, once filled in, is empty or holds "+", "#" or NUL.',
    },
  ],
});
