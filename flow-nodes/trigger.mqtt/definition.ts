import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { SHARE_GROUP_PATTERN, TOPIC_FILTER_PATTERN } from '../connections/mqtt/topic.ts';
import { SchemaChoice } from '../shared/schemas.ts';

export const definition = nodeSpec({
  type: 'trigger.mqtt',
  version: 1,
  title: 'MQTT message',
  description:
    'Starts a run for each message on an MQTT topic filter: JSON, Sparkplug B or text. A QoS 1 message is acknowledged only once its event is durable; messages that cannot be decoded or fail the schema still start a run, marked with an error.',
  category: 'trigger',
  connection: { types: ['mqtt'], required: true },
  config: Type.Object(
    {
      topic: Type.String({
        minLength: 1,
        maxLength: 65535,
        pattern: TOPIC_FILTER_PATTERN,
        description: 'Topic filter: "+" matches one level, "#" the rest, such as acme/p100/+/mes/events/#.',
        'x-hint':
          'an MQTT topic filter such as plant/+/mes/events/# ("+" fills a whole level, "#" only as the whole last level; no "$share/": use sharedGroup)',
      }),
      qos: Type.Optional(
        Type.Union([Type.Literal(0), Type.Literal(1)], {
          default: 1,
          description:
            '1: at least once, acknowledged only once the event is durable. 0: at most once (Sparkplug telemetry).',
        }),
      ),
      format: Type.Optional(
        Type.Union([Type.Literal('json'), Type.Literal('sparkplug-b'), Type.Literal('text')], {
          default: 'json',
          description: 'How the message body is read: JSON, a Sparkplug B protobuf payload, or UTF-8 text.',
        }),
      ),
      schema: Type.Optional(
        SchemaChoice(
          'The decoded payload should match this. A message that does not still starts a run, with payload.error set.',
        ),
      ),
      sharedGroup: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 128,
          pattern: SHARE_GROUP_PATTERN,
          description:
            'Subscribe as $share/<group>/<topic>: the broker hands each message to one member of the group (scale-out).',
          'x-hint': 'a group name without "/", "+" or "#"',
        }),
      ),
      maxPayloadBytes: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 268435455,
          default: 1048576,
          description: 'Larger messages start a run with payload null and payload.error set, not with the body.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Message',
      description:
        'payload = { topic, payload, error?, raw?, rawEncoding? }; headers = mqtt-topic, mqtt-qos, mqtt-retain, mqtt-dup, mqtt-message-id.',
    },
  ],
  errors: [
    {
      code: 'MQTT_PAYLOAD_NOT_JSON',
      category: 'data',
      description: 'format json: the body is not JSON. Carried in payload.error; the run still starts.',
    },
    {
      code: 'MQTT_PAYLOAD_NOT_UTF8',
      category: 'data',
      description: 'format json or text: the body is not UTF-8. Carried in payload.error; the run still starts.',
    },
    {
      code: 'MQTT_PAYLOAD_TOO_LARGE',
      category: 'data',
      description: 'The body exceeds maxPayloadBytes. Carried in payload.error; the run still starts.',
    },
    {
      code: 'MQTT_PAYLOAD_SCHEMA_MISMATCH',
      category: 'data',
      description: 'The payload does not match the schema (details.problems). Carried in payload.error.',
    },
    {
      code: 'SPARKPLUG_DECODE_FAILED',
      category: 'data',
      description: 'format sparkplug-b: not a Sparkplug B payload. Carried in payload.error; the run still starts.',
    },
    {
      code: 'SPARKPLUG_TOPIC_INVALID',
      category: 'data',
      description: 'format sparkplug-b: the topic is not spBv1.0/<group>/<type>/<edge node>[/<device>].',
    },
    {
      code: 'MQTT_SUBSCRIBE_REFUSED',
      category: 'auth',
      description: 'The broker refused the subscription (ACL); the trigger does not start.',
    },
  ],
});
