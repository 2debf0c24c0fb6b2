import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { idAt, type AcceptRequest, type NewStep } from '@millrace/engine';
import { MIGRATIONS } from './migrations.ts';
import { SqliteStore } from './sqlite-store.ts';

/** Run search (RunFilter) and the read methods behind the business KPIs, on the real schema. */

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-search-'));
  dirs.push(dir);
  return join(dir, 'millrace.db');
}
const stores: SqliteStore[] = [];
function open(path = tempDb()): SqliteStore {
  const store = new SqliteStore(path);
  stores.push(store);
  return store;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 2, 4, 8, 0, 0);
const MIN = 60_000;
const step = (key: string): NewStep => ({
  key,
  nodeId: key.slice(key.lastIndexOf('/') + 1),
  parentKey: key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : null,
  payloadText: '{}',
  headersText: null,
});

/** A run accepted at T0 + `minute` minutes (its id encodes that time), its first step `a` leased to w1. */
function accept(store: SqliteStore, minute: number, extra: Partial<AcceptRequest> = {}, seq = 0) {
  const runId = idAt(T0 + minute * MIN) + seq;
  return store
    .acceptRun({
      runId,
      flowId: 'release',
      flowVersion: '1.0.0',
      plant: 'P100',
      triggerNodeId: 't',
      payloadText: '{}',
      headersText: null,
      idempotencyKey: null,
      orderKey: null,
      businessKeysText: null,
      firstSteps: [step('a')],
      leaseTo: 'w1',
      now: T0 + minute * MIN,
      ...extra,
    })
    .then(() => runId);
}

const done = (
  store: SqliteStore,
  runId: number,
  key: string,
  at: number,
  next: string[] = [],
  errorText = null as string | null,
) =>
  store.completeStep({
    runId,
    key,
    workerId: 'w1',
    attempt: 1,
    startedAt: at,
    endedAt: at,
    outputText: null,
    errorText,
    next: next.map(step),
    leaseNextTo: 'w1',
  });

const ids = async (store: SqliteStore, filter: Parameters<SqliteStore['listRuns']>[0]) =>
  (await store.listRuns(filter)).map((r) => r.id);

describe('run search', () => {
  it('finds the runs of a lot by business key value, under any key name or the one given', async () => {
    const store = open();
    const a = await accept(store, 0, { businessKeysText: '{"lot":"B123","order":"1000123"}' });
    const b = await accept(store, 1, { businessKeysText: '{"lot":"B124","order":"B123"}' });
    const c = await accept(store, 2, { businessKeysText: '{"lot":"B123","order":"B123"}' });
    await accept(store, 3, { businessKeysText: '{"lot":null,"order":1000123}' });
    expect(await ids(store, { businessKey: { value: 'B123' } })).toEqual([c, b, a]);
    expect(await ids(store, { businessKey: { name: 'lot', value: 'B123' } })).toEqual([c, a]);
    expect(await ids(store, { businessKey: { name: 'order', value: '1000123' } })).toHaveLength(2);
    expect(await ids(store, { businessKey: { value: 'B999' } })).toEqual([]);
    // The search is an index lookup, not a scan of every run.
    const plan = store.db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT r.* FROM runs r WHERE r.id IN (SELECT run_id FROM run_keys WHERE value = 'B123') ORDER BY r.id DESC LIMIT 10",
      )
      .all() as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/run_keys_value/);
    expect(plan.map((p) => p.detail)).not.toContain('SCAN r');
  });

  it('filters by flow, plant, status and accept time, and pages newest first with `before`', async () => {
    const store = open();
    const runs: number[] = [];
    for (let m = 0; m < 10; m++)
      runs.push(await accept(store, m, { plant: m % 2 === 0 ? 'P100' : 'P200', flowId: m < 8 ? 'release' : 'change' }));
    await done(store, runs[0]!, 'a', T0);
    expect(await ids(store, { plant: 'P200' })).toEqual([runs[9], runs[7], runs[5], runs[3], runs[1]]);
    expect(await ids(store, { flowId: 'change' })).toEqual([runs[9], runs[8]]);
    expect(await ids(store, { flowId: 'release', plant: 'P100', status: 'running' })).toEqual([
      runs[6],
      runs[4],
      runs[2],
    ]);
    expect(await ids(store, { status: 'succeeded' })).toEqual([runs[0]]);
    // since is inclusive, until exclusive, both on the accept time the ids encode.
    expect(await ids(store, { since: T0 + 3 * MIN, until: T0 + 5 * MIN })).toEqual([runs[4], runs[3]]);
    expect(await ids(store, { since: T0 + 8.5 * MIN })).toEqual([runs[9]]);
    const first = await ids(store, { limit: 4 });
    expect(first).toEqual([runs[9], runs[8], runs[7], runs[6]]);
    expect(await ids(store, { limit: 4, before: first[3] })).toEqual([runs[5], runs[4], runs[3], runs[2]]);
    expect(await ids(store, { limit: 4, before: runs[2] })).toEqual([runs[1], runs[0]]);
    await expect(store.listRuns({ since: Number.NaN })).rejects.toThrow(/since/);
    for (const [filter, index] of [
      ['r.flow_id = ?', 'runs_flow'],
      ['r.plant = ?', 'runs_plant'],
    ] as const) {
      const plan = store.db
        .prepare(`EXPLAIN QUERY PLAN SELECT r.* FROM runs r WHERE ${filter} AND r.id < ? ORDER BY r.id DESC LIMIT 5`)
        .all('x', 1) as Array<{ detail: string }>;
      expect(plan.map((p) => p.detail).join('\n')).toMatch(index);
    }
  });

  it('deletes the keys of pruned runs with them, and keeps those of runs it keeps', async () => {
    const store = open();
    const old = await accept(store, 0, { businessKeysText: '{"lot":"B1"}' });
    const open_ = await accept(store, 1, { businessKeysText: '{"lot":"B2"}' });
    await done(store, old, 'a', T0 + MIN);
    expect(await store.prune(idAt(T0 + 10 * MIN))).toEqual({ runs: 1, steps: 1 });
    expect(store.db.prepare('SELECT run_id, value FROM run_keys').all()).toEqual([{ run_id: open_, value: 'B2' }]);
  });

  it('makes the runs of a database written before run search searchable when it migrates', async () => {
    const path = tempDb();
    const raw = new Database(path);
    raw.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    for (const m of MIGRATIONS.filter((m) => m.version < 3)) {
      raw.exec(m.sql);
      raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(m.version, m.name);
    }
    const insert = raw.prepare(
      `INSERT INTO runs (id, flow_id, flow_version, status, trigger_node, payload, business_keys, pending, created_at)
       VALUES (?, 'f', '1', 'succeeded', 't', '{}', ?, 0, 0)`,
    );
    insert.run(1, '{"lot":"B1","order":1000123,"rework":true,"doc":{"a":1},"none":null,"empty":""}');
    insert.run(2, null);
    insert.run(3, 'not json');
    raw.close();
    const store = open(path);
    expect(store.db.prepare('SELECT run_id, name, value FROM run_keys ORDER BY name').all()).toEqual([
      { run_id: 1, name: 'lot', value: 'B1' },
      { run_id: 1, name: 'order', value: '1000123' },
      { run_id: 1, name: 'rework', value: 'true' },
    ]);
    expect(await ids(store, { businessKey: { name: 'order', value: '1000123' } })).toEqual([1]);
  });
});

describe('reads for business KPIs', () => {
  it('counts runs waiting per flow, plant and channel, once per run, with the oldest wait', async () => {
    const store = open();
    const wait = async (runId: number, key: string, channel: string, at: number) =>
      store.waitStep({
        runId,
        key,
        workerId: 'w1',
        attempt: 1,
        startedAt: at,
        endedAt: at,
        channel,
        waitKey: `k-${runId}-${key}`,
        deadline: null,
        leaseTo: null,
        now: at,
      });
    const a = await accept(store, 0, { firstSteps: [step('a'), step('b')] });
    await wait(a, 'a', 'qms.inspection.decided', T0 + 1 * MIN);
    await wait(a, 'b', 'qms.inspection.decided', T0 + 2 * MIN);
    const b = await accept(store, 3, { plant: 'P200' });
    await wait(b, 'a', 'qms.inspection.decided', T0 + 3 * MIN);
    const c = await accept(store, 4);
    await wait(c, 'a', 'approval', T0 + 4 * MIN);
    await accept(store, 5); // running, not waiting
    expect(await store.countWaiting({})).toEqual([
      { flowId: 'release', plant: 'P100', channel: 'approval', runs: 1, oldestSince: T0 + 4 * MIN },
      { flowId: 'release', plant: 'P100', channel: 'qms.inspection.decided', runs: 1, oldestSince: T0 + MIN },
      { flowId: 'release', plant: 'P200', channel: 'qms.inspection.decided', runs: 1, oldestSince: T0 + 3 * MIN },
    ]);
    expect((await store.countWaiting({ plant: 'P200' })).map((w) => w.plant)).toEqual(['P200']);
    expect(await store.countWaiting({ flowId: 'other' })).toEqual([]);
  });

  it('counts open dead letters per flow and plant with the oldest, leaving resolved ones out', async () => {
    const store = open();
    const park = async (runId: number, dlqId: number, at: number) =>
      store.parkRun({
        runId,
        key: 'a',
        workerId: 'w1',
        dlqId,
        failed: null,
        startedAt: at,
        endedAt: at,
        reason: 'r',
        code: 'C',
        resumeKey: 'a',
        now: at,
      });
    await park(await accept(store, 0), 1, T0 + MIN);
    await park(await accept(store, 1), 2, T0 + 2 * MIN);
    await park(await accept(store, 2, { plant: 'P200' }), 3, T0 + 3 * MIN);
    await park(await accept(store, 3), 4, T0 + 4 * MIN);
    await store.discard(1, 'test lot', 'u', T0 + 5 * MIN);
    expect(await store.countOpenDeadLetters({})).toEqual([
      { flowId: 'release', plant: 'P100', open: 2, oldestAt: T0 + 2 * MIN },
      { flowId: 'release', plant: 'P200', open: 1, oldestAt: T0 + 3 * MIN },
    ]);
    expect(await store.countOpenDeadLetters({ plant: 'P300' })).toEqual([]);
  });

  it('lists runs by the time they ended, with the nodes their path went through', async () => {
    const store = open();
    // Accepted long before the window, ended in it: a run that waited hours for a decision.
    const early = await accept(store, -600, { businessKeysText: '{"lot":"B1"}' });
    await done(store, early, 'a', T0 + 10 * MIN, ['a/block']);
    await done(store, early, 'a/block', T0 + 11 * MIN, ['a/block/hold']);
    await done(store, early, 'a/block/hold', T0 + 12 * MIN);
    // The release step failed and its error was routed: the run did not go through it.
    const routed = await accept(store, 5);
    await done(store, routed, 'a', T0 + 20 * MIN, ['a/release']);
    await done(store, routed, 'a/release', T0 + 21 * MIN, [], '{"code":"E"}');
    const before = await accept(store, 0);
    await done(store, before, 'a', T0 + 1 * MIN);
    await accept(store, 6); // still running
    const list = await store.listEndedRuns({ endedSince: T0 + 5 * MIN });
    expect(list.map((e) => [e.run.id, [...e.nodesDone].sort()])).toEqual([
      [routed, ['a']],
      [early, ['a', 'block', 'hold']],
    ]);
    expect(list[1]!.run).toMatchObject({
      status: 'succeeded',
      endedAt: T0 + 12 * MIN,
      businessKeysText: '{"lot":"B1"}',
    });
    expect((await store.listEndedRuns({ endedSince: 0, endedUntil: T0 + 12 * MIN })).map((e) => e.run.id)).toEqual([
      before,
    ]);
    expect(await store.listEndedRuns({ endedSince: 0, plant: 'P200' })).toEqual([]);
    expect((await store.listEndedRuns({ endedSince: 0, limit: 1 })).map((e) => e.run.id)).toEqual([routed]);
  });
});
