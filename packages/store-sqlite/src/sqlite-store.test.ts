import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.ts';
import { SqliteStore } from './sqlite-store.ts';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-store-'));
  dirs.push(dir);
  return join(dir, 'millrace.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const accept = (store: SqliteStore, runId: number, extra: Partial<Parameters<SqliteStore['acceptRun']>[0]> = {}) =>
  store.acceptRun({
    runId,
    flowId: 'f',
    flowVersion: '1.0.0',
    plant: null,
    triggerNodeId: 't',
    payloadText: '{}',
    headersText: null,
    idempotencyKey: null,
    orderKey: null,
    businessKeysText: null,
    firstSteps: [{ key: 'a', nodeId: 'a', parentKey: null, payloadText: '{}', headersText: null }],
    leaseTo: null,
    now: 1,
    ...extra,
  });

describe('SqliteStore', () => {
  it('creates its schema in WAL mode and records the migrations it applied', async () => {
    const path = tempDb();
    const store = new SqliteStore(path);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.prepare('SELECT version FROM schema_migrations').all()).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version })),
    );
    await store.close();
    // Opening again applies nothing twice.
    const again = new SqliteStore(path);
    expect(again.db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
    await again.close();
  });

  it('brings a database of an older schema up to date, keeping its data', async () => {
    const path = tempDb();
    const raw = new Database(path);
    raw.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    raw.exec(MIGRATIONS[0]!.sql);
    raw.prepare('INSERT INTO schema_migrations VALUES (1, ?, 0)').run(MIGRATIONS[0]!.name);
    raw.close();
    const store = new SqliteStore(path);
    expect(store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version })),
    );
    await accept(store, 5);
    expect((await store.listSteps(5))[0]).toMatchObject({ nodeId: 'a', wait: null });
    await store.close();
  });

  it('refuses a database written by a newer Millrace', () => {
    const path = tempDb();
    new SqliteStore(path).close();
    const raw = new Database(path);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
    raw.close();
    expect(() => new SqliteStore(path)).toThrow(
      'the database is at schema version 999, newer than this Millrace knows (3); upgrade Millrace',
    );
  });

  it('commits every write of one event-loop turn in one transaction', async () => {
    const store = new SqliteStore(tempDb());
    const before = { ...store.commitStats };
    await Promise.all(Array.from({ length: 50 }, (_, i) => accept(store, 1000 + i)));
    expect(store.commitStats.writes - before.writes).toBe(50);
    expect(store.commitStats.commits - before.commits).toBe(1);
    expect((await store.listRuns({ limit: 100 })).length).toBe(50);
    await store.close();
  });

  it('rolls back a failing write alone and commits the rest of its batch', async () => {
    const store = new SqliteStore(tempDb());
    const results = await Promise.allSettled([accept(store, 1), accept(store, 1), accept(store, 2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.listRuns({})).map((r) => r.id).sort()).toEqual([1, 2]);
    expect((await store.listSteps(1)).length).toBe(1);
    await store.close();
  });

  it('makes committed writes durable across reopening the file', async () => {
    const path = tempDb();
    const store = new SqliteStore(path);
    await accept(store, 7, { idempotencyKey: 'E-7' });
    // No close: the process "dies" after the commit.
    const other = new SqliteStore(path);
    expect((await other.getRun(7))?.idempotencyKey).toBe('E-7');
    expect(await accept(other, 8, { idempotencyKey: 'E-7' })).toEqual({ kind: 'duplicate', runId: 7 });
    await other.close();
    await store.close();
  });

  it('claims ready steps once, oldest first, and only when due', async () => {
    const store = new SqliteStore(tempDb());
    await accept(store, 1, { now: 5 });
    await accept(store, 2, { now: 3 });
    expect(await store.claimReady('w1', 2, 10)).toEqual([]);
    const claimed = await store.claimReady('w1', 10, 10);
    expect(claimed.map((s) => s.runId)).toEqual([2, 1]);
    expect(await store.claimReady('w2', 10, 10)).toEqual([]);
    await store.close();
  });

  it('hands the leases of a silent worker back', async () => {
    const store = new SqliteStore(tempDb());
    await store.heartbeat('w1', 0);
    await accept(store, 1, { leaseTo: 'w1' });
    await store.heartbeat('w2', 1000);
    expect(await store.recoverExpired(1000, 500)).toBe(1);
    expect((await store.claimReady('w2', 1000, 10)).map((s) => s.runId)).toEqual([1]);
    await store.close();
  });

  it('claims a state key once while it lives, and lets a later claim take it after expiry', async () => {
    const store = new SqliteStore(tempDb());
    expect(await store.stateClaim('f/d', 'E-1', '"A"', 100, 10)).toBe('"A"');
    expect(await store.stateClaim('f/d', 'E-1', '"B"', 200, 50)).toBe('"A"');
    expect(await store.stateClaim('f/d', 'E-1', '"C"', 300, 150)).toBe('"C"');
    await store.close();
  });

  it('stores node state with expiry', async () => {
    const store = new SqliteStore(tempDb());
    await store.statePut('f/n', 'k', '{"v":1}', 100);
    expect(await store.stateGet('f/n', 'k', 50)).toBe('{"v":1}');
    expect(await store.stateGet('f/n', 'k', 150)).toBeUndefined();
    await store.close();
  });
});
