import { defineConnection, toFlowError, type ConnectionTestResult } from '@millrace/node-sdk';
import { createMqttConnection, type MqttConnection } from './client.ts';
import { definition } from './definition.ts';
import { ManagedClient, type MqttBinding } from './managed-client.ts';

export type { MqttConnection, PublishOptions } from './client.ts';
export type { MqttBinding } from './managed-client.ts';
export type { IncomingMqttMessage, SubscribeOptions, Subscription } from './subscription.ts';

/**
 * The run-time side of the `mqtt` connection: one MqttConnection per binding. Publishing steps
 * share one client; each trigger subscription gets a client (and session) of its own, so its
 * acknowledgements and back-pressure never hold up anything else.
 */
export const connection = defineConnection<typeof definition.schema, MqttConnection>({
  ...definition,
  open: (binding, ctx) => createMqttConnection(binding, { log: ctx.log }),
  close: (client) => client.close(),
  test: testBinding,
});

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * "Test connection": one connection attempt, answered in plain words. It uses a client id of
 * its own, so testing never takes over the session of a running runtime with the same binding.
 */
async function testBinding(binding: MqttBinding, ctx: { signal?: AbortSignal }): Promise<ConnectionTestResult> {
  let client: ManagedClient | undefined;
  try {
    const { clientId: _ignored, ...rest } = binding;
    client = new ManagedClient({ ...rest, reconnectMinMs: 600000 }, { log: silent });
    await client.waitConnected(binding.connectTimeoutMs ?? 30000, ctx.signal, true);
    return { ok: true };
  } catch (thrown) {
    return { ok: false, message: toFlowError(thrown).message };
  } finally {
    await client?.end(true);
  }
}
