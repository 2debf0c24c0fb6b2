import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMqttConnection, type MqttConnection } from '../connections/mqtt/client.ts';
import { clearSession, name, testBroker, type TestBroker } from '../connections/mqtt/test-broker.ts';
import { encodeSparkplugPayload } from '@millrace/sparkplug';
import { silentLogger } from '../shared/test-context.ts';
import { trigger } from './run.ts';
import { fakeTriggerContext, until, type FakeTriggerContext } from './test-trigger-context.ts';

type Config = Parameters<typeof trigger.start>[0]['config'];

let broker: TestBroker;
let publisher: MqttConnection;
const connections: MqttConnection[] = [];
const stops: Array<() => Promise<void>> = [];
const sessions = new Set<string>();

beforeAll(async () => {
  broker = await testBroker();
  publisher = createMqttConnection({ url: broker.url }, { log: silentLogger });
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const c of connections.splice(0)) await c.close({ force: true });
});
afterAll(async () => {
  await publisher.close();
  for (const id of sessions) await clearSession(broker.url, id);
  await broker.close();
});

async function listen(config: Config, clientId?: string): Promise<FakeTriggerContext<Config, MqttConnection>> {
  const connection = createMqttConnection(
    { url: broker.url, ...(clientId ? { clientId } : {}) },
    { log: silentLogger },
  );
  connections.push(connection);
  const ctx = fakeTriggerContext<Config, MqttConnection>({ config, connection, autoAccept: true });
  stops.push(await trigger.start(ctx));
  const subscribed = ctx.logs.find((l) => l.message === 'MQTT trigger subscribed');
  if (subscribed?.fields?.persistentSession) sessions.add(String(subscribed.fields.clientId));
  return ctx;
}

describe('trigger.mqtt topics', () => {
  it('receives on "+" and "#" wildcards, and nothing outside the filter', async () => {
    const site = name('millrace-test/acme');
    const ctx = await listen({ topic: `${site}/+/mes/events/#` });
    for (const topic of [
      `${site}/line1/mes/events/batch-completed`,
      `${site}/line1/mes/state/running`,
      `${site}/line2/mes/events`,
      `${site}/line3/mes/events/hold/placed`,
      `${site}/line1/extra/mes/events/x`,
    ]) {
      await publisher.publish(topic, JSON.stringify({ topic }));
    }
    await until(() => ctx.accepts.length === 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(ctx.accepts.map((a) => a.payload.topic)).toEqual([
      `${site}/line1/mes/events/batch-completed`,
      `${site}/line2/mes/events`,
      `${site}/line3/mes/events/hold/placed`,
    ]);
  });

  it('shares a subscription across a group: each message reaches one member (Mosquitto only)', async (t) => {
    if (broker.kind !== 'mosquitto') t.skip(); // aedes has no shared subscriptions
    const topic = name('millrace-test/shared');
    const group = name('workers');
    const a = await listen({ topic, sharedGroup: group }, name('trig'));
    const b = await listen({ topic, sharedGroup: group }, name('trig'));
    for (let n = 0; n < 20; n++) await publisher.publish(topic, String(n));
    await until(() => a.accepts.length + b.accepts.length === 20);
    await new Promise((r) => setTimeout(r, 200));
    const seen = [...a.accepts, ...b.accepts].map((x) => x.payload.payload as number).sort((x, y) => x - y);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });
});

describe('trigger.mqtt Sparkplug B', () => {
  it('decodes NBIRTH, DBIRTH and DDATA with aliases, reports a seq gap, and survives a malformed payload', async () => {
    const group = name('Plant');
    const ctx = await listen({ topic: `spBv1.0/${group}/#`, format: 'sparkplug-b', qos: 0 });
    const t0 = 1_700_000_000_000;
    const publish = (type: string, bytes: Uint8Array, device = '') =>
      publisher.publish(`spBv1.0/${group}/${type}/Line4${device}`, bytes, { qos: 0 });

    await publish(
      'NBIRTH',
      encodeSparkplugPayload({
        timestamp: t0,
        seq: 0,
        metrics: [
          { name: 'bdSeq', alias: 0, datatype: 'UInt64', value: 1 },
          { name: 'Node Control/Rebirth', alias: 1, datatype: 'Boolean', value: false },
        ],
      }),
    );
    await publish(
      'DBIRTH',
      encodeSparkplugPayload({
        timestamp: t0,
        seq: 1,
        metrics: [
          { name: 'Filler/Speed', alias: 10, datatype: 'Float', value: 120 },
          { name: 'Filler/Count', alias: 11, datatype: 'Int64', value: 0 },
        ],
      }),
      '/Filler',
    );
    await publish(
      'DDATA',
      encodeSparkplugPayload({
        timestamp: t0 + 1000,
        seq: 2,
        metrics: [
          { alias: 10, encodeAs: 'Float', value: 118.5 },
          { alias: 11, encodeAs: 'Int64', value: 9007199254740993n },
        ],
      }),
      '/Filler',
    );
    // seq 3 and 4 were lost on the way.
    await publish(
      'DDATA',
      encodeSparkplugPayload({ seq: 5, metrics: [{ alias: 10, encodeAs: 'Float', value: 0 }] }),
      '/Filler',
    );
    await publish('DDATA', Uint8Array.of(0x12, 0x20, 0x01), '/Filler');
    await until(() => ctx.accepts.length === 5);

    const payloads = ctx.accepts.map((a) => a.payload.payload as Record<string, unknown> | null);
    expect(payloads[0]).toMatchObject({ messageType: 'NBIRTH', groupId: group, edgeNodeId: 'Line4', seq: 0 });
    expect(payloads[1]).toMatchObject({ messageType: 'DBIRTH', deviceId: 'Filler', seq: 1 });
    expect(payloads[2]).toEqual({
      messageType: 'DDATA',
      groupId: group,
      edgeNodeId: 'Line4',
      deviceId: 'Filler',
      timestamp: t0 + 1000,
      seq: 2,
      metrics: [
        { name: 'Filler/Speed', alias: 10, datatype: 'Float', value: 118.5 },
        { name: 'Filler/Count', alias: 11, datatype: 'Int64', value: '9007199254740993' },
      ],
    });
    expect(payloads[3]).toMatchObject({ seq: 5, sequenceGap: { expected: 3, got: 5 } });
    expect(ctx.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ expected: 3, got: 5 }) }),
    );
    // The malformed one still starts a run, marked, with its bytes.
    expect(ctx.accepts[4]!.payload).toMatchObject({
      payload: null,
      error: { category: 'data', code: 'SPARKPLUG_DECODE_FAILED' },
      raw: 'EiAB',
      rawEncoding: 'base64',
    });
    expect(ctx.accepts[4]!.event.headers?.['mqtt-error-code']).toBe('SPARKPLUG_DECODE_FAILED');
  });
});
