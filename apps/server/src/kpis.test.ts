import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from 'express';
import { pino } from 'pino';
import type { Flow } from '@millrace/flow-model';
import { startRuntime, type Runtime } from '@millrace/runtime';
import type { Authenticator } from './api.ts';
import { createApp } from './app.ts';
import {
  businessKpis,
  classifyNodes,
  DEFAULT_KPI_RULES,
  eventTime,
  kpiRoutes,
  parseWindow,
  percentiles,
  type BusinessKpis,
  type KpiDeps,
} from './kpis.ts';
import type { Principal, Role } from './roles.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('KPI rules and arithmetic', () => {
  it('finds the release and hold nodes of the batch-release flow by the default rules', () => {
    const flow = JSON.parse(
      readFileSync(join(root, 'examples/batch-release/flows/batch-release.flow.json'), 'utf8'),
    ) as Flow;
    const c = classifyNodes(flow.nodes, DEFAULT_KPI_RULES);
    expect([...c.release]).toEqual(['release']);
    // "eligible" sets the stock to unrestricted: not a hold.
    expect([...c.hold].sort()).toEqual(['block', 'hold']);
  });

  it('takes nearest-rank percentiles, windows and CloudEvent times', () => {
    expect(percentiles([])).toEqual({ runs: 0, p50: null, p90: null });
    expect(percentiles([30, 10, 20])).toEqual({ runs: 3, p50: 20, p90: 30 });
    expect(percentiles(Array.from({ length: 10 }, (_, i) => i + 1))).toEqual({ runs: 10, p50: 5, p90: 9 });
    expect([parseWindow('24h'), parseWindow('7d'), parseWindow('30m')]).toEqual([86_400_000, 604_800_000, 1_800_000]);
    expect([parseWindow('0h'), parseWindow('1y'), parseWindow('400d'), parseWindow('24')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(eventTime('{"time":"2026-03-04T08:00:00Z"}')).toBe(Date.UTC(2026, 2, 4, 8));
    expect(eventTime('{"topic":"t","payload":{"time":"2026-03-04T08:00:00Z"}}')).toBe(Date.UTC(2026, 2, 4, 8));
    expect([eventTime('{"time":"soon"}'), eventTime('[1]'), eventTime('{"payload":null}')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

/**
 * The KPIs from real runs: a flow that waits for the QMS decision like batch-release does, then
 * releases (an HTTP call standing in for the ERP usage decision: the test's release rule), holds
 * the lot in the MES (mes.send-hold, a default hold rule) or parks the run.
 */
const flow = {
  schemaVersion: 1,
  id: 'release-lite',
  name: 'Release (lite)',
  version: '1.0.0',
  connections: { erpApi: { type: 'http' }, mesApi: { type: 'http' } },
  settings: { businessKeys: { lot: 'msg.payload.data.lot' }, idempotencyKey: 'msg.payload.id' },
  nodes: [
    { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'batch' } },
    {
      id: 'decision',
      type: 'wait.event',
      version: 1,
      config: { channel: 'qms.inspection.decided', key: 'msg.payload.data.lot' },
    },
    {
      id: 'verdict',
      type: 'route',
      version: 1,
      config: {
        routes: [
          { port: 'accept', when: "msg.payload.event.decision === 'accept'" },
          { port: 'reject', when: "msg.payload.event.decision === 'reject'" },
        ],
      },
    },
    {
      id: 'release',
      type: 'http.request',
      version: 1,
      connection: 'erpApi',
      config: { method: 'POST', path: '/usage-decisions', body: '({ lot: msg.payload.input.data.lot })' },
    },
    {
      id: 'hold',
      type: 'mes.send-hold',
      version: 1,
      connection: 'mesApi',
      config: { lotId: 'msg.payload.input.data.lot', reason: "'rejected at inspection'" },
    },
    { id: 'park', type: 'dead-letter', version: 1, config: { reason: 'no such decision', code: 'UNKNOWN_DECISION' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'decision', port: 'in' } },
    { id: 'e2', from: { node: 'decision', port: 'out' }, to: { node: 'verdict', port: 'in' } },
    { id: 'e3', from: { node: 'verdict', port: 'accept' }, to: { node: 'release', port: 'in' } },
    { id: 'e4', from: { node: 'verdict', port: 'reject' }, to: { node: 'hold', port: 'in' } },
    { id: 'e5', from: { node: 'verdict', port: 'default' }, to: { node: 'park', port: 'in' } },
  ],
} as unknown as Flow;

const testAuth: Authenticator = {
  principal(req: Request): Principal | undefined {
    const role = /^Bearer (viewer)$/.exec(req.get('authorization') ?? '')?.[1] as Role | undefined;
    return role && { userId: role, username: `${role}-user`, role, via: 'token' };
  },
};

/** The source systems' events happened this long before they reached us. */
const SOURCE_LAG_MS = 90_000;

let dir: string;
let runtime: Runtime;
let backend: Server;
let api: Server;
let base: string;
let deps: KpiDeps;
let started: number;

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function until(what: string, check: () => Promise<boolean>) {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-kpis-'));
  // The ERP and the MES: every POST succeeds.
  backend = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"holdId":"H-1"}'));
  });
  const backendUrl = await listen(backend);
  runtime = await startRuntime({
    dataDir: dir,
    flows: [flow],
    profile: {
      schemaVersion: 1,
      plant: 'P100',
      name: 'Test plant',
      connections: {
        erpApi: { type: 'http', baseUrl: backendUrl, auth: { kind: 'none' } },
        mesApi: { type: 'http', baseUrl: backendUrl, auth: { kind: 'none' } },
      },
    } as never,
    engine: { pollMs: 10 },
  });
  deps = {
    store: runtime.store,
    engine: runtime.engine,
    // The flow's release is an HTTP call; batch-release's is erp.record-usage-decision.
    rules: { ...DEFAULT_KPI_RULES, release: [...DEFAULT_KPI_RULES.release, { type: 'http.request' }] },
  };
  const app = createApp({ routes: kpiRoutes(deps), auth: testAuth, log: pino({ level: 'silent' }) });
  api = createServer(app);
  base = await listen(api);

  started = Date.now();
  const lots = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7'];
  for (const lot of lots) {
    const event = {
      specversion: '1.0',
      id: `E-${lot}`,
      source: '/acme/p100/mes',
      type: 'mes.batch.completed.v1',
      time: new Date(Date.now() - SOURCE_LAG_MS).toISOString(),
      data: { lot },
    };
    await runtime.engine.accept('release-lite', { payloadText: JSON.stringify(event) });
  }
  await until('every run to wait', async () => (await runtime.store.listWaiting({})).length === lots.length);
  // L1–L3 stay waiting; L4 and L5 are accepted, L6 rejected, L7 gets a decision the flow does not know.
  const decide = (lot: string, decision: string) =>
    runtime.engine.signal('qms.inspection.decided', lot, JSON.stringify({ decision }));
  for (const [lot, decision] of [
    ['L4', 'accept'],
    ['L5', 'accept'],
    ['L6', 'reject'],
    ['L7', 'withdrawn'],
  ] as const)
    await decide(lot, decision);
  await until('the decided runs to end', async () => {
    const runs = await runtime.store.listRuns({});
    return runs.filter((r) => r.endedAt !== null).length === 4;
  });
});
afterAll(async () => {
  await new Promise((r) => api?.close(r));
  await runtime?.close();
  await new Promise((r) => backend?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const kpis = async (query = '') => {
  const res = await fetch(`${base}/api/metrics/business${query}`, { headers: { authorization: 'Bearer viewer' } });
  expect(res.status, query).toBe(200);
  return (await res.json()) as BusinessKpis;
};

describe('GET /api/metrics/business', () => {
  it('counts 3 waiting, 2 released, 1 on hold and 1 dead letter from real runs', async () => {
    const k = await kpis();
    expect(k.window.ms).toBe(86_400_000);
    expect(k).toMatchObject({ runsExamined: 4, truncated: false });
    expect(k.groups).toHaveLength(1);
    const g = k.groups[0]!;
    expect(g).toMatchObject({
      flow: 'release-lite',
      plant: 'P100',
      awaiting: [{ channel: 'qms.inspection.decided', runs: 3 }],
      onHold: { runs: 1, lots: ['L6'] },
      released: { runs: 2 },
      exceptions: { open: 1 },
      ended: 4,
    });
    const elapsed = Date.now() - started;
    expect(g.awaiting[0]!.oldestAgeMs).toBeGreaterThanOrEqual(0);
    expect(g.awaiting[0]!.oldestAgeMs).toBeLessThanOrEqual(elapsed);
    expect(g.exceptions.oldestAgeMs).toBeLessThanOrEqual(elapsed);
    for (const p of [g.released.cycleTimeMs.p50!, g.released.cycleTimeMs.p90!]) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(elapsed);
    }
    // Sync latency: the three runs that ended succeeded (two released, one held), from the
    // source's event time, which was SOURCE_LAG_MS before the event reached us.
    expect(g.syncLatencyMs.runs).toBe(3);
    expect(g.syncLatencyMs.p50).toBeGreaterThanOrEqual(SOURCE_LAG_MS);
    expect(g.syncLatencyMs.p90).toBeLessThanOrEqual(SOURCE_LAG_MS + elapsed);
    expect(k.totals).toMatchObject({
      awaiting: [{ channel: 'qms.inspection.decided', runs: 3 }],
      onHold: { runs: 1 },
      released: { runs: 2 },
      exceptions: { open: 1 },
    });
  });

  it('filters by flow and plant, and counts only runs that ended in the window', async () => {
    expect((await kpis('?plant=P200')).groups).toEqual([]);
    expect((await kpis('?flow=other')).groups).toEqual([]);
    expect((await kpis('?flow=release-lite&plant=P100&window=7d')).groups[0]).toMatchObject({ ended: 4 });
    // Two hours on, with a one-hour window: the ended runs fall out, waits and dead letters stay.
    const later = await businessKpis({ ...deps, now: () => Date.now() + 2 * 3_600_000 }, { windowMs: 3_600_000 });
    expect(later.groups[0]).toMatchObject({
      awaiting: [{ runs: 3 }],
      onHold: { runs: 0 },
      released: { runs: 0, cycleTimeMs: { p50: null } },
      syncLatencyMs: { runs: 0 },
      exceptions: { open: 1 },
      ended: 0,
    });
    // A cap on the runs examined says so.
    const capped = await businessKpis({ ...deps, maxRuns: 2 }, { windowMs: 3_600_000 });
    expect(capped).toMatchObject({ runsExamined: 2, truncated: true });
  });

  it('refuses a malformed window and a caller without credentials', async () => {
    for (const w of ['1y', '0h', '24', '400d']) {
      const res = await fetch(`${base}/api/metrics/business?window=${w}`, {
        headers: { authorization: 'Bearer viewer' },
      });
      expect(res.status, w).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await fetch(`${base}/api/metrics/business`)).status).toBe(401);
  });
});
