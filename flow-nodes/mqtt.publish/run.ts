import { ConfigError, defineNode, emitText, type InputMessage, type NodeResult } from '@millrace/node-sdk';
import type { MqttConnection } from '../connections/mqtt/client.ts';
import { evaluateAll } from '../shared/expressions.ts';
import { definition } from './definition.ts';
import { fillTopic, planTopic } from './topic-template.ts';

export const node = defineNode<typeof definition.config, typeof definition.input, MqttConnection>({
  ...definition,
  async run(ctx): Promise<NodeResult> {
    const client = ctx.connection;
    if (!client || typeof client.publish !== 'function') {
      throw new ConfigError('MQTT_NO_CONNECTION', 'mqtt.publish needs an "mqtt" connection, and none is bound.');
    }
    const { config } = ctx;
    const format = config.format ?? 'json';
    // Topic parts and the payload expression in one list: the sandbox is entered once per step.
    const expressions: string[] = [];
    const topicParts = planTopic(config.topic, expressions);
    const source = config.payload ?? 'payload';
    const payloadIndex = source === 'payload' ? undefined : expressions.push(source) - 1;
    const values = await evaluateAll(ctx.code, expressions);

    const topic = fillTopic(topicParts, values);
    const body =
      payloadIndex === undefined ? bodyOfMessage(ctx.message, format) : bodyOfValue(values[payloadIndex], format);
    await client.publish(topic, body.text, {
      qos: config.qos ?? 1,
      retain: config.retain ?? false,
      signal: ctx.signal,
      ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
      // MQTT 5 only (ignored on 3.1.1): the step's stable key lets subscribers drop the
      // duplicate a retried publish can produce.
      properties: { contentType: body.contentType, userProperties: { 'idempotency-key': ctx.idempotencyKey } },
    });
    return emitText('out', ctx.message.payloadText, { ...ctx.message.headers, 'mqtt-published-topic': topic });
  },
});

interface Body {
  readonly text: string;
  readonly contentType: string;
}

function bodyOfMessage(message: InputMessage, format: 'json' | 'text'): Body {
  if (format === 'json') return { text: message.payloadText, contentType: 'application/json' };
  return bodyOfValue(message.payload, format);
}

function bodyOfValue(value: unknown, format: 'json' | 'text'): Body {
  if (format === 'text' && typeof value === 'string') return { text: value, contentType: 'text/plain; charset=utf-8' };
  return { text: JSON.stringify(value ?? null), contentType: 'application/json' };
}
