import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.ts';
import { SqliteStore } from './sqlite-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A database as Millrace left it at schema `version`, before the later migrations existed. */
function databaseAt(version: number): { path: string; raw: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-migrate-'));
  dirs.push(dir);
  const path = join(dir, 'millrace.db');
  const raw = new Database(path);
  raw.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= version)) {
    raw.exec(m.sql);
    raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
  }
  return { path, raw };
}

describe('migration 4 (steps without rowid)', () => {
  it('keeps every step of a version-3 database, which then claims, wakes and lists as before', async () => {
    const { path, raw } = databaseAt(3);
    raw
      .prepare(
        `INSERT INTO runs (id, flow_id, flow_version, plant, status, trigger_node, payload, pending, created_at)
         VALUES (7, 'f', '1.0.0', 'P100', 'running', 't', '{"lot":"B1"}', 2, 10)`,
      )
      .run();
    const step = raw.prepare(
      `INSERT INTO steps (run_id, key, node_id, parent_key, status, attempts, available_at, payload, output, created_at, started_at, ended_at, wait_channel, wait_key)
       VALUES (7, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    step.run('a', 'a', null, 'done', 1, 10, null, '{"out":1}', 10, 11, 12, null, null);
    step.run('a/b', 'b', 'a', 'ready', 2, 50, '{"n":2}', null, 12, null, null, null, null);
    step.run('a/w', 'w', 'a', 'waiting', 1, 40, null, null, 12, 13, 14, 'approval', 'B1');
    raw.close();

    const store = new SqliteStore(path);
    const table = store.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'steps'").get() as { sql: string };
    expect(table.sql).toContain('WITHOUT ROWID');
    const indexes = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'steps'");
    expect((indexes.all() as Array<{ name: string }>).map((i) => i.name).sort()).toEqual([
      'steps_ready',
      'steps_wait_deadline',
      'steps_waiting',
    ]);

    expect((await store.listSteps(7)).map((s) => [s.key, s.status, s.attempts, s.payloadText, s.outputText])).toEqual([
      ['a', 'done', 1, '{"lot":"B1"}', '{"out":1}'],
      ['a/b', 'ready', 2, '{"n":2}', null],
      ['a/w', 'waiting', 1, '{"lot":"B1"}', null],
    ]);
    expect((await store.listSteps(7))[2]!.wait).toEqual({ channel: 'approval', key: 'B1' });
    expect(await store.claimReady('w1', 49, 10)).toEqual([]);
    expect((await store.claimReady('w1', 50, 10)).map((s) => [s.key, s.attempts, s.payloadText])).toEqual([
      ['a/b', 2, '{"n":2}'],
    ]);
    expect((await store.expireWaits('w1', 40, 10)).map((s) => [s.key, s.resumeText])).toEqual([
      ['a/w', '{"kind":"timeout"}'],
    ]);
    await store.close();
  });

  it('lists the steps of one millisecond parents first', async () => {
    const { path, raw } = databaseAt(0);
    raw.close();
    const store = new SqliteStore(path);
    await store.acceptRun({
      runId: 1,
      flowId: 'f',
      flowVersion: '1.0.0',
      plant: null,
      triggerNodeId: 't',
      payloadText: '{}',
      headersText: null,
      idempotencyKey: null,
      orderKey: null,
      businessKeysText: null,
      firstSteps: [],
      leaseTo: 'w1',
      now: 5,
      chain: ['z', 'z/y', 'z/y/x'].map((key, i, keys) => ({
        runId: 1,
        key,
        create: { key, nodeId: key.slice(-1), parentKey: keys[i - 1] ?? null, payloadText: '{}', headersText: null },
        workerId: 'w1',
        attempt: 1,
        startedAt: 5,
        endedAt: 5,
        outputText: null,
        errorText: null,
        next:
          i === 2 ? [{ key: 'z/y/x/a', nodeId: 'a', parentKey: 'z/y/x', payloadText: '{}', headersText: null }] : [],
        leaseNextTo: 'w1',
      })),
    });
    expect((await store.listSteps(1)).map((s) => s.key)).toEqual(['z', 'z/y', 'z/y/x', 'z/y/x/a']);
    await store.close();
  });
});
