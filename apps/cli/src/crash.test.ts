import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '@millrace/store-sqlite';
import { freePort, IdempotentSink, sinkSetup, startServe, type Served } from '../test-support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'millrace-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a runtime killed with SIGKILL under load', () => {
  it('brings every acknowledged event to exactly one end, and the sink sees each effect once', async () => {
    const sink = new IdempotentSink();
    const sinkPort = await sink.start();
    // Some answers are slow, so kills also land while a request to the sink is in flight.
    sink.behave = (req, res, body, n) => {
      if (n % 7 !== 0) return false;
      sink.apply(req.headers['idempotency-key'] as string | undefined, body);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true,"slow":true}');
      }, 30);
      return true;
    };
    const { flows, profile, data } = sinkSetup(dir, 'apps/cli/fixtures/crash/effects.flow.json', sinkPort);
    const port = await freePort();
    const serve = () => startServe({ flows, profile, data, port, env: { MILLRACE_LEASE_MS: '300' } });

    // Closed-loop load: each client sends the next event, and resends an event whose answer was
    // lost to a kill (the idempotency key makes that safe).
    const accepted = new Map<string, string>();
    const pending: string[] = [];
    let next = 0;
    let loading = true;
    const client = async () => {
      while (loading) {
        const eventId = pending.shift() ?? `E-${++next}`;
        try {
          const res = await fetch(`http://127.0.0.1:${port}/hooks/effects`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ eventId, lot: `L-${eventId}` }),
            signal: AbortSignal.timeout(3000),
          });
          if (res.status === 202 || res.status === 200)
            accepted.set(eventId, ((await res.json()) as { runId: string }).runId);
          else {
            await res.arrayBuffer();
            pending.push(eventId);
          }
        } catch {
          pending.push(eventId);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };

    let current: Served = await serve();
    const clients = Array.from({ length: 4 }, client);
    const kills: number[] = [];
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 350)));
      kills.push(accepted.size);
      current.child.kill('SIGKILL');
      expect((await current.exited).signal).toBe('SIGKILL');
      current = await serve();
    }
    await new Promise((r) => setTimeout(r, 300));
    loading = false;
    await Promise.all(clients);

    // Every acknowledged event's run must end; the last runtime finishes what the others left.
    const store = new SqliteStore(join(data, 'millrace.db'));
    const deadline = Date.now() + 30_000;
    let open = Infinity;
    while (open > 0 && Date.now() < deadline) {
      const statuses = await Promise.all(
        [...accepted.values()].map(async (id) => (await store.getRun(Number(id)))?.status),
      );
      open = statuses.filter((s) => s !== 'succeeded').length;
      if (open > 0) await new Promise((r) => setTimeout(r, 100));
    }
    current.child.kill('SIGTERM');
    const stopped = await current.exited;

    const perKey = store.db
      .prepare('SELECT idem_key AS k, count(*) AS n, min(status) AS s FROM runs GROUP BY idem_key')
      .all() as Array<{ k: string; n: number; s: string }>;
    await store.close();
    const appliedEvents = [...sink.applied.values()].map((b) => (JSON.parse(b) as { eventId: string }).eventId);
    const appliedTwice = appliedEvents.filter((e, i) => appliedEvents.indexOf(e) !== i);
    console.log(
      `crash test: ${kills.length} SIGKILLs (after ${kills.join(', ')} acknowledged events), ${accepted.size} events acknowledged, ` +
        `${sink.requests.length} sink requests, ${sink.requests.length - sink.applied.size} repeated keys answered without a second effect`,
    );
    expect(kills.length).toBeGreaterThanOrEqual(10);
    expect(accepted.size).toBeGreaterThan(50);
    expect(open).toBe(0);
    expect(perKey.filter((r) => r.n !== 1)).toEqual([]);
    expect(perKey.every((r) => r.s === 'succeeded')).toBe(true);
    expect(appliedTwice).toEqual([]);
    expect(new Set(appliedEvents)).toEqual(new Set(accepted.keys()));
    expect(stopped.code).toBe(0);
    await sink.stop();
  }, 180_000);
});
