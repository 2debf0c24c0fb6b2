import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import { ConfigError, DataError, TransientError, type CodeRunner, type NodeResult } from '@millrace/node-sdk';
import { createMqttConnection, type MqttConnection } from '../connections/mqtt/client.ts';
import { name, startAedes, testBroker, type TestBroker } from '../connections/mqtt/test-broker.ts';
import { silentLogger, testContext, type TestContextOptions } from '../shared/test-context.ts';
import { node } from './run.ts';

type Config = Parameters<typeof node.run>[0]['config'];

let broker: TestBroker;
const closing: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  broker = await testBroker();
});
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});
afterAll(() => broker.close());

function connection(url = broker.url, extra: Record<string, unknown> = {}): MqttConnection {
  const c = createMqttConnection({ url, ...extra }, { log: silentLogger });
  closing.push(() => c.close({ force: true }));
  return c;
}

async function observe(topic: string, options: { protocolVersion?: 4 | 5 } = {}) {
  const client: MqttClient = await connectAsync(broker.url, { clientId: name('obs'), reconnectPeriod: 0, ...options });
  closing.push(() => client.endAsync(true));
  const received: Array<{ topic: string; text: string; retain: boolean; userProperties?: unknown }> = [];
  client.on('message', (t, payload, packet) =>
    received.push({
      topic: t,
      text: payload.toString(),
      retain: packet.retain,
      userProperties: packet.properties?.userProperties,
    }),
  );
  await client.subscribeAsync(topic, { qos: 1 });
  return received;
}

/** A stand-in for the sandbox: looks expressions up in a table, counting the calls. */
function fakeCode(table: Record<string, unknown>): CodeRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: () => Promise.reject(new Error('not used')),
    evaluate: (expressions) => {
      calls.push([...expressions]);
      return Promise.resolve(JSON.stringify(expressions.map((e) => table[e])));
    },
  };
}

function run(
  config: Config,
  client: MqttConnection | undefined,
  extra: Omit<TestContextOptions<Config, MqttConnection>, 'config' | 'connection'> = {},
): Promise<NodeResult> {
  return node.run(testContext<Config, MqttConnection>({ config, ...(client ? { connection: client } : {}), ...extra }));
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('mqtt.publish', () => {
  it('publishes the message payload as JSON and passes the message on', async () => {
    const topic = name('millrace-test/out');
    const received = await observe(topic);
    const result = await run({ topic }, connection(), { payloadText: '{"lot":"L-1"}', headers: { 'x-trace': 't' } });
    expect(result).toEqual({
      kind: 'emit',
      outputs: [
        {
          port: 'out',
          messages: [{ payloadText: '{"lot":"L-1"}', headers: { 'x-trace': 't', 'mqtt-published-topic': topic } }],
        },
      ],
    });
    await until(() => received.length === 1);
    expect(received[0]).toMatchObject({ topic, text: '{"lot":"L-1"}', retain: false });
  });

  it('resolves a QoS 1 publish only once the broker sent its PUBACK', async () => {
    let release: (() => void) | undefined;
    const slow = await startAedes({
      // aedes answers PUBACK after authorizing the publish: holding the callback holds the PUBACK.
      authorizePublish: (_client, _packet, callback) => {
        release = () => callback(null);
      },
    });
    closing.push(() => slow.close());
    let done = false;
    const step = run({ topic: 'plant/line4/hold', qos: 1 }, connection(slow.url), { payloadText: '{}' }).then((r) => {
      done = true;
      return r;
    });
    await until(() => release !== undefined);
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toBe(false);
    release!();
    await expect(step).resolves.toMatchObject({ kind: 'emit' });
  });

  it('reports a missing PUBACK as a transient timeout', async () => {
    const silent = await startAedes({ authorizePublish: () => undefined });
    closing.push(() => silent.close());
    const error = await run({ topic: 'plant/line4/hold', timeoutMs: 200 }, connection(silent.url), {
      payloadText: '{}',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'MQTT_PUBLISH_TIMEOUT', retryable: true });
  });

  it('reports an unreachable broker as transient', async () => {
    const error = await run({ topic: 'a/b', timeoutMs: 200 }, connection('mqtt://127.0.0.1:1')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'MQTT_NOT_CONNECTED' });
  });

  it('fills {{expressions}} in the topic and evaluates the payload expression, in one sandbox call', async () => {
    const site = name('millrace-test/acme');
    const received = await observe(`${site}/#`);
    const code = fakeCode({ 'msg.payload.line': 'line4', 'msg.payload.seq': 7, '({ hold: true })': { hold: true } });
    await run(
      { topic: `${site}/{{ msg.payload.line }}/hold/{{msg.payload.seq}}`, payload: '({ hold: true })' },
      connection(),
      { code },
    );
    expect(code.calls).toEqual([['msg.payload.line', 'msg.payload.seq', '({ hold: true })']]);
    await until(() => received.length === 1);
    expect(received[0]).toMatchObject({ topic: `${site}/line4/hold/7`, text: '{"hold":true}' });
  });

  it('publishes a string as is with format text, and retains it when asked', async () => {
    const topic = name('millrace-test/state');
    const client = connection();
    await run({ topic, format: 'text', retain: true }, client, { payloadText: '"RUNNING"' });
    // A subscriber arriving later gets the retained state.
    const received = await observe(topic);
    await until(() => received.length === 1);
    expect(received[0]).toMatchObject({ text: 'RUNNING', retain: true });
    await client.publish(topic, '', { retain: true }); // clears the retained message
  });

  it('refuses a topic part that is empty or holds a wildcard, naming it', async () => {
    const code = fakeCode({ 'msg.payload.line': '+' });
    const error = await run({ topic: 'a/{{msg.payload.line}}/b' }, connection(), { code }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(
      'The topic part {{msg.payload.line}} is "+"; it needs a non-empty string or number without "+" or "#".',
    );
  });

  it('needs a bound connection', async () => {
    await expect(run({ topic: 'a/b' }, undefined)).rejects.toThrow(ConfigError);
  });

  it('sends the step idempotency key as an MQTT 5 user property (Mosquitto only)', async (t) => {
    if (broker.kind !== 'mosquitto') t.skip();
    const topic = name('millrace-test/v5');
    const received = await observe(topic, { protocolVersion: 5 });
    await run({ topic }, connection(broker.url, { protocolVersion: 5 }), {
      payloadText: '1',
      idempotencyKey: 'run-9:pub:0',
    });
    await until(() => received.length === 1);
    expect(received[0]!.userProperties).toEqual({ 'idempotency-key': 'run-9:pub:0' });
  });
});
