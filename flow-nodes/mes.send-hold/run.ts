import { ConfigError, defineNode, type NodeResult } from '@millrace/node-sdk';
import type { HttpClient } from '../connections/http/client.ts';
import type { MqttConnection } from '../connections/mqtt/client.ts';
import { fillTopic, planTopic } from '../mqtt.publish/topic-template.ts';
import { evaluateFields } from '../shared/qms/expressions.ts';
import { checkMergeable, emitResult } from '../shared/qms/output.ts';
import { DEFAULTS, definition } from './definition.ts';
import { holdFields, type HoldRequest } from './hold.ts';
import { holdViaHttp } from './via-http.ts';
import { holdViaMqtt } from './via-mqtt.ts';

type Bound = { via: 'http'; client: HttpClient } | { via: 'mqtt'; client: MqttConnection };

/** The bound connection decides the adapter, by what its client can do. */
function bound(connection: unknown): Bound {
  const c = connection as Partial<HttpClient & MqttConnection> | undefined;
  if (c && typeof c.request === 'function') return { via: 'http', client: c as HttpClient };
  if (c && typeof c.publish === 'function') return { via: 'mqtt', client: c as MqttConnection };
  throw new ConfigError('MES_NO_CONNECTION', 'mes.send-hold needs an "http" or "mqtt" connection, and none is bound.');
}

export const node = defineNode<typeof definition.config, typeof definition.input, HttpClient | MqttConnection>({
  ...definition,
  async run(ctx): Promise<NodeResult> {
    const target = bound(ctx.connection);
    const { config } = ctx;
    if (target.via === 'mqtt' && config.topic === undefined) {
      throw new ConfigError(
        'MES_NO_TOPIC',
        'mes.send-hold is bound to an mqtt connection but has no "topic" to publish the hold command on.',
      );
    }
    const mode = config.output ?? 'merge';
    checkMergeable(ctx.message, mode, definition.type, 'MES_PAYLOAD_NOT_OBJECT');

    // The lot, the reason and the topic's parts: one sandbox call.
    const expressions = { lotId: config.lotId ?? DEFAULTS.lotId, reason: config.reason };
    const topicExpressions: string[] = [];
    const topicParts = target.via === 'mqtt' ? planTopic(config.topic!, topicExpressions) : [];
    const { values, extraValues } = await evaluateFields(ctx.code, expressions, topicExpressions);
    const { lotId, reason } = holdFields(values, expressions);
    const hold: HoldRequest = {
      lotId,
      reason,
      holdType: config.holdType ?? DEFAULTS.holdType,
      requestedBy: 'millrace',
      runId: ctx.run.id,
    };

    const result =
      target.via === 'http'
        ? await holdViaHttp(target.client, config.path ?? DEFAULTS.path, hold, config.timeoutMs, ctx)
        : await holdViaMqtt(target.client, fillTopic(topicParts, extraValues), hold, config.timeoutMs, ctx);
    return emitResult(ctx.message, mode, 'hold', result, { 'mes-hold-via': result.via });
  },
});
