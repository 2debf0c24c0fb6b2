import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataError, TransientError } from '@millrace/node-sdk';
import { createMqttConnection, type MqttConnection } from '../connections/mqtt/client.ts';
import {
  clearSession,
  name,
  startRelay,
  testBroker,
  type Relay,
  type TestBroker,
} from '../connections/mqtt/test-broker.ts';
import { silentLogger } from '../shared/test-context.ts';
import { trigger } from './run.ts';
import { fakeTriggerContext, until, type FakeTriggerContext } from './test-trigger-context.ts';

type Config = Parameters<typeof trigger.start>[0]['config'];

let broker: TestBroker;
let relay: Relay | undefined;
let publisher: MqttConnection;
const connections: MqttConnection[] = [];
const sessions = new Set<string>();

beforeAll(async () => {
  broker = await testBroker();
  publisher = createMqttConnection({ url: broker.url }, { log: silentLogger });
});
afterEach(async () => {
  for (const c of connections.splice(0)) await c.close({ force: true });
  await relay?.close();
  relay = undefined;
});
afterAll(async () => {
  await publisher.close();
  for (const id of sessions) await clearSession(broker.url, id);
  await broker.close();
});

function connect(url: string, clientId?: string, protocolVersion: 4 | 5 = 4): MqttConnection {
  const c = createMqttConnection(
    { url, reconnectMinMs: 50, reconnectMaxMs: 200, protocolVersion, ...(clientId ? { clientId } : {}) },
    { log: silentLogger },
  );
  connections.push(c);
  return c;
}

/** Starts the trigger; remembers its persistent session so the broker is left clean. */
async function start(ctx: FakeTriggerContext<Config, MqttConnection>) {
  const stop = await trigger.start(ctx);
  const subscribed = ctx.logs.find((l) => l.message === 'MQTT trigger subscribed');
  if (subscribed?.fields?.persistentSession) sessions.add(String(subscribed.fields.clientId));
  return stop;
}

const quiet = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('trigger.mqtt acknowledgement', () => {
  it.for([4, 5] as const)(
    'MQTT %i: acknowledges a QoS 1 message only after accept resolved: a crash before, and it is delivered again',
    async (v, t) => {
      if (v === 5 && broker.kind !== 'mosquitto') t.skip(); // aedes speaks MQTT 3.1.1 only
      const topic = name('millrace-test/mes/events');
      const clientId = name('trig');
      const state = new Map<string, unknown>();
      const connectionA = connect(broker.url, clientId, v);
      const a = fakeTriggerContext<Config, MqttConnection>({ config: { topic }, connection: connectionA, state });
      await start(a);

      await publisher.publish(topic, '{"lot":"L-1"}', { qos: 1 });
      await until(() => a.accepts.length === 1);
      expect(a.accepts[0]!.payload).toEqual({ topic, payload: { lot: 'L-1' } });
      expect(a.accepts[0]!.event.headers).toMatchObject({ 'mqtt-topic': topic, 'mqtt-qos': '1' });
      expect(a.accepts[0]!.event.sourceKey).toMatch(new RegExp(`^${topic}#\\d+$`));

      // The process dies while the event is not yet durable: the socket is cut, no PUBACK went out.
      await connectionA.close({ force: true });
      // The same flow node starts again (same state, so the same session): the broker delivers again.
      const b = fakeTriggerContext<Config, MqttConnection>({
        config: { topic },
        connection: connect(broker.url, clientId, v),
        state,
      });
      const stopB = await start(b);
      await until(() => b.accepts.length === 1);
      expect(b.accepts[0]!.payload).toEqual({ topic, payload: { lot: 'L-1' } });
      // The first accept finishing late acknowledges nothing on the new connection.
      a.accepts[0]!.resolve();
      b.accepts[0]!.resolve();
      await stopB();

      // Acknowledged now: a third start of the session gets nothing.
      const c = fakeTriggerContext<Config, MqttConnection>({
        config: { topic },
        connection: connect(broker.url, clientId, v),
        state,
      });
      const stopC = await start(c);
      await quiet();
      expect(c.accepts).toHaveLength(0);
      await stopC();
    },
  );

  it('stops gracefully: waits for the accept under way, acknowledges it, accepts nothing new', async () => {
    const topic = name('millrace-test/stop');
    const clientId = name('trig');
    const state = new Map<string, unknown>();
    const ctx = fakeTriggerContext<Config, MqttConnection>({
      config: { topic },
      connection: connect(broker.url, clientId),
      state,
    });
    const stop = await start(ctx);
    await publisher.publish(topic, '1');
    await until(() => ctx.accepts.length === 1);
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await quiet(100);
    expect(stopped).toBe(false);
    ctx.accepts[0]!.resolve();
    await stopping;
    // Published after the stop: queued by the broker for the session, not lost.
    await publisher.publish(topic, '2');
    const next = fakeTriggerContext<Config, MqttConnection>({
      config: { topic },
      connection: connect(broker.url, clientId),
      state,
      autoAccept: true,
    });
    const stopNext = await start(next);
    await until(() => next.accepts.length === 1);
    await quiet(200);
    expect(next.accepts.map((a) => a.payload.payload)).toEqual([2]);
    await stopNext();
  });

  it('retries an accept that failed for now, honouring retryAfterMs, then acknowledges', async () => {
    const topic = name('millrace-test/retry');
    const clientId = name('trig');
    const state = new Map<string, unknown>();
    const ctx = fakeTriggerContext<Config, MqttConnection>({
      config: { topic },
      connection: connect(broker.url, clientId),
      state,
    });
    const stop = await start(ctx);
    await publisher.publish(topic, '{"n":1}');
    await until(() => ctx.accepts.length === 1);
    ctx.accepts[0]!.reject(new TransientError('ENGINE_OVERLOADED', 'busy', { retryAfterMs: 30 }));
    await until(() => ctx.accepts.length === 2);
    expect(ctx.accepts[1]!.event).toEqual(ctx.accepts[0]!.event);
    ctx.accepts[1]!.resolve();
    await stop();
    expect(ctx.logs.some((l) => l.level === 'warn' && l.fields?.code === 'ENGINE_OVERLOADED')).toBe(true);

    const again = fakeTriggerContext<Config, MqttConnection>({
      config: { topic },
      connection: connect(broker.url, clientId),
      state,
    });
    const stopAgain = await start(again);
    await quiet();
    expect(again.accepts).toHaveLength(0);
    await stopAgain();
  });

  it('rejects and acknowledges an event the engine refuses for good, instead of redelivering it forever', async () => {
    const topic = name('millrace-test/refused');
    const ctx = fakeTriggerContext<Config, MqttConnection>({ config: { topic }, connection: connect(broker.url) });
    const stop = await start(ctx);
    await publisher.publish(topic, '{}');
    await until(() => ctx.accepts.length === 1);
    ctx.accepts[0]!.reject(new DataError('KEY_EXPRESSION_FAILED', "the flow's key expressions failed on this event"));
    await until(() => ctx.rejects.length === 1);
    expect(ctx.rejects[0]!.error).toMatchObject({ code: 'KEY_EXPRESSION_FAILED', category: 'data' });
    await quiet(100);
    expect(ctx.accepts).toHaveLength(1);
    await stop();
  });
});

describe('trigger.mqtt connection loss', () => {
  it('reconnects after the broker drops the connection and gets what was published meanwhile', async () => {
    relay = await startRelay(broker.port);
    const topic = name('millrace-test/drop');
    const ctx = fakeTriggerContext<Config, MqttConnection>({
      config: { topic },
      connection: connect(relay.url, name('trig')),
      autoAccept: true,
    });
    const stop = await start(ctx);
    await publisher.publish(topic, '1');
    await until(() => ctx.accepts.length === 1);
    relay.drop();
    await publisher.publish(topic, '2');
    // QoS 1 is at least once: when the drop beats the PUBACK of 1 through the relay, the broker
    // delivers 1 again after the reconnect (the engine's dedupe absorbs it). What must hold: 2 arrives.
    await until(() => ctx.accepts.some((a) => a.payload.payload === 2));
    const payloads = ctx.accepts.map((a) => a.payload.payload);
    expect(payloads[0]).toBe(1);
    expect([...new Set(payloads)].sort()).toEqual([1, 2]);
    expect(payloads.filter((p) => p === 2)).toHaveLength(1);
    expect(relay.accepted).toBeGreaterThanOrEqual(2);
    await stop();
  });

  it('drops the old filter from the session when the topic changed between starts', async () => {
    const [oldTopic, newTopic] = [name('millrace-test/old'), name('millrace-test/new')];
    const clientId = name('trig');
    const state = new Map<string, unknown>();
    const first = fakeTriggerContext<Config, MqttConnection>({
      config: { topic: oldTopic },
      connection: connect(broker.url, clientId),
      state,
      autoAccept: true,
    });
    await (
      await start(first)
    )();
    const second = fakeTriggerContext<Config, MqttConnection>({
      config: { topic: newTopic },
      connection: connect(broker.url, clientId),
      state,
      autoAccept: true,
    });
    const stop = await start(second);
    await publisher.publish(oldTopic, '"old"');
    await publisher.publish(newTopic, '"new"');
    await until(() => second.accepts.length >= 1);
    await quiet(200);
    expect(second.accepts.map((a) => a.payload.topic)).toEqual([newTopic]);
    await stop();
  });
});
