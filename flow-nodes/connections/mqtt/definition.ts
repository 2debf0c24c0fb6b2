import { Type } from '@sinclair/typebox';
import { connectionSpec, SecretRef } from '@millrace/node-sdk';

export const definition = connectionSpec({
  type: 'mqtt',
  title: 'MQTT broker',
  description: "An MQTT 3.1.1/5 broker, such as the plant's Unified Namespace broker.",
  schema: Type.Object(
    {
      url: Type.String({
        pattern: '^(mqtts?|wss?)://',
        description: 'Broker URL such as mqtt://broker.plant.local:1883.',
        'x-hint': 'a URL starting with mqtt://, mqtts://, ws:// or wss://',
      }),
      clientId: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 128,
          description:
            'Client id; a stable one lets the broker keep the session (clean: false), so QoS 1 messages that arrive while Millrace is down are delivered later. Triggers add a suffix of their own. Give each runtime instance its own.',
        }),
      ),
      username: Type.Optional(Type.String()),
      password: Type.Optional(SecretRef),
      keepaliveSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, default: 30 })),
      protocolVersion: Type.Optional(
        Type.Union([Type.Literal(4), Type.Literal(5)], { default: 4, description: '4 = MQTT 3.1.1, 5 = MQTT 5.' }),
      ),
      connectTimeoutMs: Type.Optional(
        Type.Integer({
          minimum: 100,
          maximum: 300000,
          default: 30000,
          description: 'Give up on one connection attempt after this long (ms).',
        }),
      ),
      reconnectMinMs: Type.Optional(
        Type.Integer({
          minimum: 10,
          maximum: 600000,
          default: 1000,
          description: 'Wait before the first reconnect attempt (ms); it doubles per failed attempt, with jitter.',
        }),
      ),
      reconnectMaxMs: Type.Optional(
        Type.Integer({
          minimum: 10,
          maximum: 3600000,
          default: 60000,
          description: 'Longest wait between reconnect attempts (ms).',
        }),
      ),
      publishTimeoutMs: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 600000,
          default: 10000,
          description: 'mqtt.publish gives up (transient error, retried) when the broker has not acknowledged by then.',
        }),
      ),
      sessionExpirySec: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: 4294967295,
          default: 86400,
          description:
            'MQTT 5 with a clientId: how long the broker keeps the session, and queues messages, while Millrace is disconnected.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
});
