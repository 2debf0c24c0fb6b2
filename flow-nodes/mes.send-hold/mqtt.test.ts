import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import { validateCanonical } from '@millrace/canonical';
import { ConfigError, DataError, TransientError } from '@millrace/node-sdk';
import { createMqttConnection, type MqttConnection } from '../connections/mqtt/client.ts';
import { name, startAedes, testBroker, type TestBroker } from '../connections/mqtt/test-broker.ts';
import { failure, output, runWith } from '../shared/qms/test-support.ts';
import { silentLogger } from '../shared/test-context.ts';
import { node } from './run.ts';
import { HOLD_COMMAND_TYPE } from './via-mqtt.ts';

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

function connection(url = broker.url): MqttConnection {
  const c = createMqttConnection({ url }, { log: silentLogger });
  closing.push(() => c.close({ force: true }));
  return c;
}

/** A subscriber standing in for the MES: what it receives on the filter, with QoS. */
async function mesListening(filter: string) {
  const client: MqttClient = await connectAsync(broker.url, { clientId: name('mes'), reconnectPeriod: 0 });
  closing.push(() => client.endAsync(true));
  const received: Array<{ topic: string; command: Record<string, unknown>; qos: number; retain: boolean }> = [];
  client.on('message', (topic, payload, packet) =>
    received.push({
      topic,
      command: JSON.parse(payload.toString()) as Record<string, unknown>,
      qos: packet.qos,
      retain: packet.retain,
    }),
  );
  await client.subscribeAsync(filter, { qos: 1 });
  return received;
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the hold command');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const payload = { lotId: 'LOT-2026-0042', line: 'line3', inspection: { qmsInspectionId: 'INS-000001' } };

describe('mes.send-hold over mqtt', () => {
  it('publishes a CloudEvents hold command with QoS 1 on the UNS topic and merges the hold', async () => {
    const enterprise = name('acme');
    const received = await mesListening(`${enterprise}/#`);
    const config: Config = {
      reason: "'Inspection rejected'",
      holdType: 'quality',
      topic: `${enterprise}/{{ params.site }}/granulation/{{ msg.payload.line }}/mes/commands/hold`,
    };
    const step = runWith(node, config, connection(), {
      payload,
      idempotencyKey: 'mr-run-7-hold-0',
      params: { site: 'p100' },
    });
    const { payload: out, headers } = output(await step);
    expect(step.code.calls).toHaveLength(1);
    await until(() => received.length === 1);

    const { topic, command, qos, retain } = received[0]!;
    expect(topic).toBe(`${enterprise}/p100/granulation/line3/mes/commands/hold`);
    expect(qos).toBe(1);
    expect(retain).toBe(false);
    expect(validateCanonical('canonical:CloudEvent@1', command)).toEqual([]);
    expect(command).toMatchObject({
      specversion: '1.0',
      type: HOLD_COMMAND_TYPE,
      source: '/millrace/flows/flow-1',
      subject: 'LOT-2026-0042',
      datacontenttype: 'application/json',
      correlationid: 'run-1',
      idempotencykey: 'mr-run-7-hold-0',
      data: {
        lotId: 'LOT-2026-0042',
        reason: 'Inspection rejected',
        holdType: 'quality',
        requestedBy: 'millrace',
        runId: 'run-1',
      },
    });
    expect(out.hold).toEqual({
      lotId: 'LOT-2026-0042',
      status: 'requested',
      via: 'mqtt',
      holdType: 'quality',
      reason: 'Inspection rejected',
      requestedAt: command.time,
      topic,
      commandId: command.id,
    });
    expect(headers['mes-hold-via']).toBe('mqtt');
  });

  it('sends the same command id on a retry of the step, so the MES can drop the repeat', async () => {
    const topic = name('acme/p100/line3/mes/commands/hold');
    const received = await mesListening(topic);
    const config: Config = { reason: "'x'", topic };
    const c = connection();
    await runWith(node, config, c, { payload, idempotencyKey: 'mr-run-9-hold-0' });
    await runWith(node, config, c, { payload, idempotencyKey: 'mr-run-9-hold-0', attempt: 2 });
    await runWith(node, config, c, { payload, idempotencyKey: 'mr-run-10-hold-0' });
    await until(() => received.length === 3);
    const ids = received.map((r) => r.command.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('reports a broker that does not acknowledge as transient', async () => {
    const silent = await startAedes({ authorizePublish: () => undefined });
    closing.push(() => silent.close());
    const error = await failure(
      runWith(node, { reason: "'x'", topic: 'acme/p100/mes/commands/hold', timeoutMs: 200 }, connection(silent.url), {
        payload,
      }),
    );
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'MQTT_PUBLISH_TIMEOUT' });
  });

  it('needs a topic, and refuses a topic part that gives nothing, before publishing', async () => {
    await expect(runWith(node, { reason: "'x'" }, connection(), { payload })).rejects.toMatchObject({
      code: 'MES_NO_TOPIC',
    });
    expect(await failure(runWith(node, { reason: "'x'" }, connection(), { payload }))).toBeInstanceOf(ConfigError);
    const error = await failure(
      runWith(node, { reason: "'x'", topic: 'acme/{{msg.payload.area}}/mes/commands/hold' }, connection(), { payload }),
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: 'MQTT_TOPIC_INVALID' });
  });
});
