import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '@millrace/store-sqlite';
import { inProcessBroker, type InProcessBroker } from '@millrace/testing';
import { freePort, IdempotentSink, ROOT, startServe, type Served } from '../test-support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'millrace-mqtt-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real Mosquitto when it answers (it does on CI), else an in-process broker. */
async function broker(): Promise<{ url: string; close(): Promise<void>; kind: string }> {
  try {
    const probe = await connectAsync('mqtt://127.0.0.1:1883', { connectTimeout: 1000, reconnectPeriod: 0 });
    await probe.endAsync(true);
    return { url: 'mqtt://127.0.0.1:1883', close: async () => {}, kind: 'Mosquitto at 127.0.0.1:1883' };
  } catch {
    const b: InProcessBroker = await inProcessBroker();
    return { url: b.url, close: () => b.close(), kind: `in-process broker at ${b.url} (no Mosquitto answers)` };
  }
}

describe('a runtime killed with SIGKILL while MQTT events arrive', () => {
  it('gets every unacknowledged message again and runs each event once', async () => {
    const mqtt = await broker();
    const sink = new IdempotentSink();
    const sinkPort = await sink.start();
    const run = Math.random().toString(36).slice(2, 8);
    const flows = join(dir, 'flows');
    mkdirSync(flows);
    copyFileSync(join(ROOT, 'apps/cli/fixtures/mqtt-crash/events.flow.json'), join(flows, 'events.flow.json'));
    const profile = join(dir, 'P100.json');
    writeFileSync(
      profile,
      JSON.stringify({
        schemaVersion: 1,
        plant: 'P100',
        name: 'MQTT crash plant',
        connections: {
          // A fixed client id: a persistent session, so the broker keeps what arrives while the runtime is down.
          mes: { type: 'mqtt', url: mqtt.url, clientId: `millrace-crash-${run}` },
          sink: { type: 'http', baseUrl: `http://127.0.0.1:${sinkPort}`, auth: { kind: 'none' } },
        },
      }),
    );
    const data = join(dir, 'data');
    const port = await freePort();
    const serve = () => startServe({ flows, profile, data, port, env: { MILLRACE_LEASE_MS: '300' } });

    let current: Served = await serve();
    // MQTT keeps messages only for subscriptions that exist: wait until the runtime's persistent
    // session is subscribed (a probe event has its run) before the load starts.
    const publisher: MqttClient = await connectAsync(mqtt.url, { clientId: `publisher-${run}` });
    const probeStore = new SqliteStore(join(data, 'millrace.db'));
    for (let i = 0; i < 100; i++) {
      await publisher.publishAsync('millrace-test/crash/events/probe', JSON.stringify({ eventId: `${run}-probe` }), {
        qos: 1,
      });
      await new Promise((r) => setTimeout(r, 100));
      if (probeStore.db.prepare('SELECT 1 FROM runs WHERE idem_key = ?').get(`${run}-probe`)) break;
    }
    await probeStore.close();
    const published: string[] = [];
    let publishing = true;
    const publish = (async () => {
      for (let n = 1; publishing && n <= 400; n++) {
        const eventId = `${run}-E-${n}`;
        await publisher.publishAsync(`millrace-test/crash/events/line${n % 3}`, JSON.stringify({ eventId }), {
          qos: 1,
        });
        published.push(eventId);
        await new Promise((r) => setTimeout(r, 15));
      }
    })();

    let kills = 0;
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 300)));
      current.child.kill('SIGKILL');
      expect((await current.exited).signal).toBe('SIGKILL');
      kills++;
      current = await serve();
    }
    publishing = false;
    await publish;
    await publisher.endAsync();

    const store = new SqliteStore(join(data, 'millrace.db'));
    const deadline = Date.now() + 60_000;
    let missing = published.length;
    while (missing > 0 && Date.now() < deadline) {
      const rows = store.db.prepare("SELECT idem_key AS k FROM runs WHERE status = 'succeeded'").all() as Array<{
        k: string;
      }>;
      const done = new Set(rows.map((r) => r.k));
      missing = published.filter((e) => !done.has(e)).length;
      if (missing > 0) await new Promise((r) => setTimeout(r, 200));
    }
    current.child.kill('SIGTERM');
    await current.exited;
    const perKey = store.db.prepare('SELECT idem_key AS k, count(*) AS n FROM runs GROUP BY idem_key').all() as Array<{
      k: string;
      n: number;
    }>;
    const duplicates = (store.db.prepare('SELECT sum(duplicates) AS d FROM runs').get() as { d: number | null }).d ?? 0;
    await store.close();
    const applied = [...sink.applied.values()].map((b) => (JSON.parse(b) as { eventId: string }).eventId);
    console.log(
      `mqtt crash test (${mqtt.kind}): ${kills} SIGKILLs, ${published.length} events published, ` +
        `${duplicates} redelivered events answered by the existing run, ${sink.requests.length - sink.applied.size} repeated sink calls absorbed by Idempotency-Key`,
    );
    expect(kills).toBe(10);
    expect(missing).toBe(0);
    expect(perKey.filter((r) => r.n !== 1)).toEqual([]);
    expect(new Set(applied).size).toBe(applied.length);
    expect(new Set(applied)).toEqual(new Set([`${run}-probe`, ...published]));
    await sink.stop();
    await mqtt.close();
  }, 240_000);
});
