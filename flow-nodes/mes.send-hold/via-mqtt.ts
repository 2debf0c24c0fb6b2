import type { RunContext } from '@millrace/node-sdk';
import type { MqttConnection } from '../connections/mqtt/client.ts';
import { nameBasedUuid } from '../shared/qms/canonical-id.ts';
import type { HoldRequest, HoldResult } from './hold.ts';

/** The CloudEvents type of the hold command on the UNS. */
export const HOLD_COMMAND_TYPE = 'mes.hold.requested.v1';

/**
 * The hold as a UNS command: a CloudEvents 1.0 JSON envelope (manufacturing.md §4.2) published
 * with QoS 1, not retained (a command is not state; the MES answers on its state topics). The
 * event id is derived from the step's idempotency key, so a retried publish (QoS 1 may deliver
 * twice anyway) carries the same id and the MES can drop the repeat.
 */
export async function holdViaMqtt(
  connection: MqttConnection,
  topic: string,
  hold: HoldRequest,
  timeoutMs: number | undefined,
  ctx: RunContext<unknown, unknown, unknown>,
): Promise<HoldResult> {
  const requestedAt = ctx.now().toISOString();
  const commandId = nameBasedUuid(`mes-hold|${ctx.idempotencyKey}`);
  const command = {
    specversion: '1.0',
    id: commandId,
    source: `/millrace/flows/${encodeURIComponent(ctx.run.flowId)}`,
    type: HOLD_COMMAND_TYPE,
    time: requestedAt,
    subject: hold.lotId,
    datacontenttype: 'application/json',
    correlationid: ctx.run.id,
    idempotencykey: ctx.idempotencyKey,
    data: hold,
  };
  await connection.publish(topic, JSON.stringify(command), {
    qos: 1,
    retain: false,
    signal: ctx.signal,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    // MQTT 5 only (ignored on 3.1.1), as mqtt.publish sends them.
    properties: { contentType: 'application/json', userProperties: { 'idempotency-key': ctx.idempotencyKey } },
  });
  return {
    lotId: hold.lotId,
    status: 'requested',
    via: 'mqtt',
    holdType: hold.holdType,
    reason: hold.reason,
    requestedAt,
    topic,
    commandId,
  };
}
