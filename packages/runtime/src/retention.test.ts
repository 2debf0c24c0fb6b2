import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readFlows, readProfile } from './load.ts';
import { startRuntime } from './host.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'millrace-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);

describe('retention', () => {
  it('keeps the database file bounded over a long run of events', async () => {
    const profile = readProfile(join(fixtures, 'P100.json'));
    const runtime = await startRuntime({
      dataDir: dir,
      flows: readFlows(fixtures, profile, 'P100.json'),
      profile,
      engine: { pollMs: 10 },
    });
    const db = join(dir, 'millrace.db');
    const sizes: number[] = [];
    let events = 0;
    let unpruned = 0;
    for (let round = 0; round < 6; round++) {
      const runs = await Promise.all(
        Array.from({ length: 500 }, () =>
          runtime.engine.accept('intake', {
            payloadText: JSON.stringify({ eventId: `E-${++events}`, lot: 'L'.repeat(400) }),
          }),
        ),
      );
      await runtime.engine.whenIdle();
      for (const r of runs) expect((await runtime.store.getRun(r.runId))?.status).toBe('succeeded');
      await new Promise((r) => setTimeout(r, 2));
      if (round === 0) unpruned = size(db) + size(`${db}-wal`);
      const pruned = await runtime.engine.prune(0);
      expect(pruned.runs).toBe(500);
      sizes.push(size(db) + size(`${db}-wal`));
    }
    await runtime.close();
    console.log(
      `retention: ${events} events; ${unpruned} bytes before the first prune, after each round of 500: ${sizes.join(', ')}`,
    );
    // The journal did grow before pruning, so the bound below is pruning's doing.
    expect(unpruned).toBeGreaterThan(sizes[0]! * 2);
    expect(sizes.at(-1)!).toBeLessThanOrEqual(sizes[0]! * 1.5);
  }, 120_000);
});
