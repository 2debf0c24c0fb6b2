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
          description: 'Client id; a stable one lets the broker keep the session.',
        }),
      ),
      username: Type.Optional(Type.String()),
      password: Type.Optional(SecretRef),
      keepaliveSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, default: 30 })),
      protocolVersion: Type.Optional(
        Type.Union([Type.Literal(4), Type.Literal(5)], { default: 4, description: '4 = MQTT 3.1.1, 5 = MQTT 5.' }),
      ),
    },
    { additionalProperties: false },
  ),
});
