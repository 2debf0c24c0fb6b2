import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import { DataError, TransientError } from '@millrace/node-sdk';
import { silentLogger } from '../../shared/test-context.ts';
import { createMqttConnection, type MqttConnection } from './client.ts';
import type { IncomingMqttMessage } from './subscription.ts';
import { clearSession, name, startRelay, testBroker, type Relay, type TestBroker } from './test-broker.ts';

let broker: TestBroker;
let relay: Relay;
const opened: Array<MqttConnection | MqttClient> = [];
const sessions = new Set<string>();

beforeAll(async () => {
  broker = await testBroker();
});
afterEach(async () => {
  for (const c of opened.splice(0)) {
    if ('close' in c && typeof c.close === 'function' && !('publishAsync' in c))
      await (c as MqttConnection).close({ force: true });
    else await (c as MqttClient).endAsync(true);
  }
  await relay?.close();
});
afterAll(async () => {
  for (const id of sessions) await clearSession(broker.url, id);
  await broker.close();
});

function open(url: string, extra: Record<string, unknown> = {}): MqttConnection {
  const c = createMqttConnection({ url, reconnectMinMs: 50, reconnectMaxMs: 200, ...extra }, { log: silentLogger });
  opened.push(c);
  return c;
}

async function observer(
  topic: string,
): Promise<{ client: MqttClient; received: Array<{ topic: string; text: string; retain: boolean }> }> {
  const client = await connectAsync(broker.url, { clientId: name('obs'), reconnectPeriod: 0 });
  opened.push(client);
  const received: Array<{ topic: string; text: string; retain: boolean }> = [];
  client.on('message', (t, payload, packet) =>
    received.push({ topic: t, text: payload.toString(), retain: packet.retain }),
  );
  await client.subscribeAsync(topic, { qos: 1 });
  return { client, received };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A handler whose every call waits until the test settles it. */
function controlledHandler() {
  const calls: Array<{ message: IncomingMqttMessage; resolve: () => void; reject: (e: Error) => void }> = [];
  return {
    calls,
    handle: (message: IncomingMqttMessage) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ message, resolve, reject });
      }),
  };
}

describe('mqtt connection: publish', () => {
  it('publishes QoS 1 and resolves once the broker acknowledged', async () => {
    const topic = name('millrace-test/pub');
    const { received } = await observer(topic);
    const connection = open(broker.url);
    await connection.publish(topic, '{"n":1}', { qos: 1 });
    await until(() => received.length === 1);
    expect(received[0]).toEqual({ topic, text: '{"n":1}', retain: false });
  });

  it('refuses a topic with wildcards before sending anything', async () => {
    await expect(open(broker.url).publish('a/+/b', 'x')).rejects.toThrow(DataError);
  });

  it('fails with a transient error when the broker cannot be reached', async () => {
    const error = await open('mqtt://127.0.0.1:1', { publishTimeoutMs: 300 })
      .publish('a/b', 'x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('MQTT_NOT_CONNECTED');
    expect((error as TransientError).message).toBe('mqtt://127.0.0.1:1: connection refused.');
  });

  it('reconnects after the broker drops the connection, and publishes again', async () => {
    relay = await startRelay(broker.port);
    const topic = name('millrace-test/reconnect');
    const { received } = await observer(topic);
    const clientId = name('pub');
    sessions.add(clientId);
    const connection = open(relay.url, { clientId });
    await connection.publish(topic, '1');
    relay.drop();
    await connection.publish(topic, '2', { timeoutMs: 5000 });
    await until(() => received.length === 2);
    expect(received.map((r) => r.text)).toEqual(['1', '2']);
    expect(relay.accepted).toBe(2);
  });
});

describe('mqtt connection: subscriptions with manual acknowledgement', () => {
  it('acknowledges a QoS 1 message only once handled: cut before, the broker delivers it again', async () => {
    relay = await startRelay(broker.port);
    const clientId = name('sub');
    sessions.add(`${clientId}-s1`);
    const topic = name('millrace-test/ack');
    const connection = open(relay.url, { clientId });
    const handler = controlledHandler();
    const subscription = connection.subscribe({ filter: topic, qos: 1, session: 's1', handle: handler.handle });
    await subscription.ready;
    expect(subscription.clientId).toBe(`${clientId}-s1`);

    await open(broker.url).publish(topic, 'hello', { qos: 1 });
    await until(() => handler.calls.length === 1);
    expect(handler.calls[0]!.message).toMatchObject({ topic, qos: 1, dup: false });
    // Still unacknowledged: cut the connection, the session reconnects and gets it again.
    relay.drop();
    await until(() => handler.calls.length === 2);
    // Mosquitto sets the DUP flag on the redelivery, aedes does not: not asserted.
    expect(handler.calls[1]!.message).toMatchObject({ topic, qos: 1 });
    expect(handler.calls[1]!.message.payload.toString()).toBe('hello');
    // The first delivery finishing late must not acknowledge anything on the new connection.
    handler.calls[0]!.resolve();
    handler.calls[1]!.resolve();
    await subscription.stop();

    // Acknowledged now: a new start of the same session gets nothing.
    const again = controlledHandler();
    const next = open(broker.url, { clientId }).subscribe({
      filter: topic,
      qos: 1,
      session: 's1',
      handle: again.handle,
    });
    await next.ready;
    await new Promise((r) => setTimeout(r, 300));
    expect(again.calls).toHaveLength(0);
  });

  it('leaves a message whose handler failed unacknowledged, and acknowledges the ones after it', async () => {
    relay = await startRelay(broker.port);
    const clientId = name('sub');
    sessions.add(`${clientId}-s2`);
    const topic = name('millrace-test/keep');
    const handler = controlledHandler();
    const subscription = open(relay.url, { clientId }).subscribe({
      filter: topic,
      qos: 1,
      session: 's2',
      handle: handler.handle,
    });
    await subscription.ready;
    const publisher = open(broker.url);
    await publisher.publish(topic, 'a');
    await publisher.publish(topic, 'b');
    await until(() => handler.calls.length === 2);
    handler.calls[1]!.resolve();
    handler.calls[0]!.reject(new Error('engine busy'));
    await new Promise((r) => setTimeout(r, 100));
    relay.drop();
    await until(() => handler.calls.length === 3);
    expect(handler.calls[2]!.message.payload.toString()).toBe('a');
    handler.calls[2]!.resolve();
    await new Promise((r) => setTimeout(r, 200));
    expect(handler.calls).toHaveLength(3);
  });

  it('holds the broker back when maxInFlight messages are being handled', async () => {
    const topic = name('millrace-test/window');
    const handler = controlledHandler();
    const subscription = open(broker.url).subscribe({ filter: topic, qos: 1, maxInFlight: 2, handle: handler.handle });
    await subscription.ready;
    const publisher = open(broker.url);
    for (const n of [1, 2, 3, 4]) await publisher.publish(topic, String(n));
    await until(() => handler.calls.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(handler.calls).toHaveLength(2);
    handler.calls[0]!.resolve();
    await until(() => handler.calls.length === 3);
    for (const call of handler.calls) call.resolve();
    await until(() => handler.calls.length === 4);
    handler.calls[3]!.resolve();
    expect(handler.calls.map((c) => c.message.payload.toString())).toEqual(['1', '2', '3', '4']);
  });
});
