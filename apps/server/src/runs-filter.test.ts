import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from 'express';
import { pino } from 'pino';
import { timeOfId } from '@millrace/engine';
import type { Flow } from '@millrace/flow-model';
import { startRuntime, type Runtime } from '@millrace/runtime';
import type { Authenticator } from './api.ts';
import { createApp } from './app.ts';
import { opsRoutes } from './ops.ts';
import type { Principal, Role } from './roles.ts';

/** GET /api/runs filters (plant, business key, accept time) and paging, on a real runtime. */
const testAuth: Authenticator = {
  principal(req: Request): Principal | undefined {
    const role = /^Bearer (viewer|admin)$/.exec(req.get('authorization') ?? '')?.[1] as Role | undefined;
    return role && { userId: role, username: `${role}-user`, role, via: 'token' };
  },
};

const flow = (id: string) =>
  ({
    schemaVersion: 1,
    id,
    name: id,
    version: '1.0.0',
    settings: { businessKeys: { lot: 'msg.payload.lot', order: 'msg.payload.order' } },
    nodes: [
      { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: id } },
      { id: 'done', type: 'map', version: 1, config: { source: 'return { lot: msg.payload.lot };' } },
    ],
    edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'done', port: 'in' } }],
  }) as unknown as Flow;

let dir: string;
let runtime: Runtime;
let server: Server;
let base: string;
/** Run ids by lot, in the order accepted. */
const runs: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-runs-filter-'));
  runtime = await startRuntime({
    dataDir: dir,
    flows: [flow('release'), flow('change')],
    profile: { schemaVersion: 1, plant: 'P100', name: 'Test plant' },
  });
  const app = createApp({
    routes: opsRoutes({ store: runtime.store, engine: runtime.engine }),
    auth: testAuth,
    log: pino({ level: 'silent' }),
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const events: Array<[string, Record<string, string>]> = [
    ['release', { lot: 'B120', order: '1000120' }],
    ['release', { lot: 'B121', order: '1000121' }],
    ['change', { lot: 'B122', order: 'B121' }],
    ['release', { lot: 'B123', order: '1000123' }],
    ['release', { lot: 'B124', order: '1000124' }],
  ];
  for (const [flowId, payload] of events) {
    const { runId } = await runtime.engine.accept(flowId, { payloadText: JSON.stringify(payload) });
    runs[payload.lot!] = String(runId);
    // A millisecond apart at least, so the accept times the ids encode are ordered and distinct.
    await new Promise((r) => setTimeout(r, 3));
  }
  await runtime.engine.whenIdle();
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Page {
  runs: Array<{ id: string; flow: string; plant: string; acceptedAt: string; businessKeys: { lot: string } }>;
  next: string | null;
}
const get = (query: string) => fetch(`${base}/api/runs?${query}`, { headers: { authorization: 'Bearer viewer' } });
const lots = async (query: string) => {
  const res = await get(query);
  expect(res.status, query).toBe(200);
  return ((await res.json()) as Page).runs.map((r) => r.businessKeys.lot);
};

describe('GET /api/runs filters', () => {
  it('finds where a lot is: by a business key value, under any key or the one named', async () => {
    expect(await lots('key=B123')).toEqual(['B123']);
    // B121 is a lot of one run and the order of another.
    expect(await lots('key=B121')).toEqual(['B122', 'B121']);
    expect(await lots('key=B121&keyName=lot')).toEqual(['B121']);
    expect(await lots('key=B121&keyName=order&flow=change')).toEqual(['B122']);
    expect(await lots('key=nothing')).toEqual([]);
  });

  it('filters by plant and by accept time', async () => {
    expect(await lots('plant=P100&flow=release')).toEqual(['B124', 'B123', 'B121', 'B120']);
    expect(await lots('plant=P200')).toEqual([]);
    const at = (lot: string) => new Date(timeOfId(Number(runs[lot]))).toISOString();
    expect(await lots(`since=${at('B121')}&until=${at('B123')}`)).toEqual(['B122', 'B121']);
    expect(await lots(`since=${encodeURIComponent(at('B123').replace('Z', '+00:00'))}`)).toEqual(['B124', 'B123']);
  });

  it('pages newest first: `next` is the `before` of the next page, null on the last', async () => {
    const first = (await (await get('flow=release&limit=2')).json()) as Page;
    expect(first.runs.map((r) => r.businessKeys.lot)).toEqual(['B124', 'B123']);
    expect(first.next).toBe(runs.B123);
    const second = (await (await get(`flow=release&limit=2&before=${first.next}`)).json()) as Page;
    expect(second.runs.map((r) => r.businessKeys.lot)).toEqual(['B121', 'B120']);
    const last = (await (await get(`flow=release&limit=2&before=${second.next}`)).json()) as Page;
    expect(last).toEqual({ runs: [], next: null });
    expect(((await (await get('flow=release&limit=10')).json()) as Page).next).toBeNull();
  });

  it('answers a malformed filter with 400 problem+json', async () => {
    for (const query of [
      'since=yesterday',
      'until=2026-13-45T00:00:00Z',
      'since=2026-03-04T08:00:00',
      'before=abc',
      'keyName=lot',
      'since=2026-03-05T00:00:00Z&until=2026-03-04T00:00:00Z',
      'key=',
      'color=red',
    ]) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type'), query).toMatch(/^application\/problem\+json/);
    }
    const problem = (await (await get('since=yesterday')).json()) as { problems: Array<{ pointer: string }> };
    expect(problem.problems[0]!.pointer).toBe('/query/since');
  });
});
