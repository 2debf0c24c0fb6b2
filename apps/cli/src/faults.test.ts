import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '@millrace/store-sqlite';
import { BIN, freePort, IdempotentSink, ROOT, sinkSetup, startServe } from '../test-support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'millrace-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const exec = promisify(execFile);

describe('a sink that fails in every way', () => {
  it('retries by the policy, honours Retry-After, parks with every attempt, and replay completes without re-running finished steps', async () => {
    const sink = new IdempotentSink();
    const sinkPort = await sink.start();
    let healed = false;
    let first429 = true;
    sink.behave = (req, res, body) => {
      const { eventId } = JSON.parse(body) as { eventId: string };
      if (eventId === 'E-429' && first429) {
        first429 = false;
        res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
        res.end('{"error":"slow down"}');
        return true;
      }
      if (healed) return false;
      if (eventId === 'E-503') {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":"maintenance"}');
        return true;
      }
      if (eventId === 'E-hang') return true; // never answers
      if (eventId === 'E-reset') {
        req.socket.destroy();
        return true;
      }
      return false;
    };
    const { flows, profile, data } = sinkSetup(dir, 'apps/cli/fixtures/faults/faults.flow.json', sinkPort);
    const port = await freePort();
    const served = await startServe({ flows, profile, data, port });

    const runIds = new Map<string, number>();
    for (const eventId of ['E-ok', 'E-429', 'E-503', 'E-hang', 'E-reset']) {
      const res = await fetch(`http://127.0.0.1:${port}/hooks/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ eventId }),
      });
      expect(res.status).toBe(202);
      runIds.set(eventId, Number(((await res.json()) as { runId: string }).runId));
    }
    const store = new SqliteStore(join(data, 'millrace.db'));
    const status = async (e: string) => (await store.getRun(runIds.get(e)!))?.status;
    const waitFor = async (e: string, want: string) => {
      for (let i = 0; i < 300 && (await status(e)) !== want; i++) await new Promise((r) => setTimeout(r, 50));
      return status(e);
    };
    expect(await waitFor('E-ok', 'succeeded')).toBe('succeeded');
    expect(await waitFor('E-429', 'succeeded')).toBe('succeeded');
    const at429 = sink.requests.filter((r) => JSON.parse(r.body).eventId === 'E-429').map((r) => r.at);
    expect(at429).toHaveLength(2);
    expect(at429[1]! - at429[0]!).toBeGreaterThanOrEqual(950);

    for (const e of ['E-503', 'E-hang', 'E-reset']) expect(await waitFor(e, 'dead_lettered')).toBe('dead_lettered');
    const listed = await exec(
      process.execPath,
      ['--no-node-snapshot', BIN, 'dead-letters', 'list', '--json', '--data', data],
      { cwd: ROOT },
    );
    const letters = JSON.parse(listed.stdout) as Array<{
      runId: string;
      code: string;
      attempts: Array<{ attempt: number; error: { code: string; message: string; status?: number } }>;
    }>;
    const byRun = new Map(letters.map((d) => [Number(d.runId), d]));
    for (const e of ['E-503', 'E-hang', 'E-reset']) {
      const d = byRun.get(runIds.get(e)!)!;
      expect(d.code).toBe('HTTP_TRANSIENT');
      expect(d.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    }
    expect(byRun.get(runIds.get('E-503')!)!.attempts[0]!.error.message).toMatch(/503/);
    expect(byRun.get(runIds.get('E-hang')!)!.attempts[0]!.error.message).toMatch(/no answer within 300 ms/);
    const shapeBefore = await Promise.all(
      ['E-503', 'E-hang', 'E-reset'].map(async (e) =>
        (await store.listSteps(runIds.get(e)!)).find((s) => s.nodeId === 'shape')!,
      ),
    );

    healed = true;
    const replayed = await exec(
      process.execPath,
      [
        '--no-node-snapshot',
        BIN,
        'dead-letters',
        'replay',
        '--all',
        '--reason',
        'sink healed',
        '--by',
        'ops',
        '--data',
        data,
      ],
      { cwd: ROOT },
    );
    expect(replayed.stdout.trim().split('\n')).toHaveLength(3);
    for (const e of ['E-503', 'E-hang', 'E-reset']) expect(await waitFor(e, 'succeeded')).toBe('succeeded');
    const shapeAfter = await Promise.all(
      ['E-503', 'E-hang', 'E-reset'].map(async (e) =>
        (await store.listSteps(runIds.get(e)!)).find((s) => s.nodeId === 'shape')!,
      ),
    );
    expect(shapeAfter.map((s) => [s.attempts, s.startedAt])).toEqual(shapeBefore.map((s) => [s.attempts, s.startedAt]));
    const applied = [...sink.applied.values()].map((b) => JSON.parse(b).eventId).sort();
    expect(applied).toEqual(['E-429', 'E-503', 'E-hang', 'E-ok', 'E-reset']);
    await store.close();
    served.child.kill('SIGTERM');
    expect((await served.exited).code).toBe(0);
    await sink.stop();
  }, 120_000);
});
