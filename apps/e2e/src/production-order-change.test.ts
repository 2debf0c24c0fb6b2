import { join } from 'node:path';
import type { DeadLetter, RunRecord } from '@millrace/engine';
import { SqliteStore } from '@millrace/store-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

/**
 * examples/production-order-change end to end with real processes: the plant's ERP, QMS and MES
 * simulators (the ERP publishing its business events on the MES's embedded broker) and
 * `millrace serve --headless` on the pack. A planner changes production orders through the ERP's
 * OData API while the ERP answers 503 + Retry-After on a share of reads and sends every other
 * order change event twice, and the QMS answers 503 on some spec writes and swallows the answer
 * of one (committed, never answered). The verdict is read from the QMS's own store: every order
 * in production has its inspection spec with the content its latest state asks for, and exactly
 * as many versions as content changes — no version for a duplicate, a retry or an unchanged order.
 */

const SERVICE = '/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV';
const ORDER_EVENTS = 'sap.s4.beh.productionorder.v1.ProductionOrder.*.v1';
const SETTLE_MS = 45_000;

type Row = Record<string, unknown>;

interface Spec {
  id: string;
  version: string;
  state: string;
  materialId: string;
  plantId: string;
  validFrom?: string;
  validTo?: string;
  samplingProcedure: string;
  erpInspectionPlan?: string;
  characteristics: Row[];
}

/** A planner's OData client: Basic auth, CSRF token with its session cookies, ETags; retries a 503 as a UI would. */
class ErpPlanner {
  private token: string | undefined;
  private cookies = '';

  private constructor(
    private readonly url: string,
    private readonly authorization: string,
  ) {}

  /** P100's communication user (Basic), or P200's OAuth2 client, as the plant's profile has them. */
  static async of(stack: Stack): Promise<ErpPlanner> {
    const { erp, secrets, plant } = stack.plant;
    if (plant === 'P100')
      return new ErpPlanner(
        erp.url,
        `Basic ${Buffer.from(`MILLRACE_P100:${secrets.ERP_P100_PASSWORD}`).toString('base64')}`,
      );
    const res = await fetch(`${erp.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: `millrace-${plant.toLowerCase()}`,
        client_secret: secrets[`ERP_${plant}_CLIENT_SECRET`]!,
      }),
    });
    if (!res.ok) throw new Error(`the ERP refused the token request: ${res.status} ${await res.text()}`);
    return new ErpPlanner(erp.url, `Bearer ${((await res.json()) as { access_token: string }).access_token}`);
  }

  async patchOrder(order: string, changes: Row): Promise<void> {
    const read = await this.send('GET', `${SERVICE}/A_ProductionOrder_2('${order}')?$format=json`);
    const etag = read.headers.get('etag');
    if (!etag) throw new Error(`order ${order} came without an ETag`);
    await this.write('PATCH', `${SERVICE}/A_ProductionOrder_2('${order}')`, changes, { 'if-match': etag });
  }

  /** Function imports of the order API (ReleaseOrder, TechnicallyCompleteOrder, ConfirmOrder). */
  async call(fn: string, params: Readonly<Record<string, string>>): Promise<void> {
    const query = Object.entries(params)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&');
    await this.write('POST', `${SERVICE}/${fn}?${query}`);
  }

  async createOrder(body: Row): Promise<string> {
    const res = await this.write('POST', `${SERVICE}/A_ProductionOrder_2`, body);
    return String(((await res.json()) as { d: Row }).d.ManufacturingOrder);
  }

  private async write(method: string, path: string, body?: Row, headers: Record<string, string> = {}) {
    if (!this.token) await this.fetchToken();
    return this.send(method, path, body, {
      ...headers,
      'x-csrf-token': this.token!,
      cookie: this.cookies,
      ...(body ? { 'content-type': 'application/json' } : {}),
    });
  }

  private async fetchToken(): Promise<void> {
    const res = await this.send('GET', `${SERVICE}/`, undefined, { 'x-csrf-token': 'Fetch' });
    this.token = res.headers.get('x-csrf-token') ?? undefined;
    this.cookies = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    if (!this.token) throw new Error('the ERP gave no CSRF token');
  }

  private async send(method: string, path: string, body?: Row, headers: Record<string, string> = {}) {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: this.authorization, accept: 'application/json', ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      if (res.status === 503 && attempt < 20) {
        await res.arrayBuffer();
        await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
        continue;
      }
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res;
    }
  }
}

/** What the spec of an order must say once the flow has caught up. */
interface Expected {
  readonly order: string;
  readonly material: string;
  readonly versions: number;
  readonly sampling: string;
  readonly validFrom: string;
}

const FG_1000 = [
  { charId: 'PHVALUE', name: 'pH value', kind: 'quantitative', lower: '6.5', upper: '7.5', target: '7.0' },
  { charId: 'MOISTURE', name: 'Moisture', kind: 'quantitative', lower: '0', upper: '2.5', target: '1.0', uom: 'P1' },
  { charId: 'APPEARAN', name: 'Appearance', kind: 'qualitative' },
];
const FG_2000 = [
  { charId: 'LENGTH', name: 'Length', kind: 'quantitative', lower: '99.5', upper: '100.5', target: '100', uom: 'MMT' },
  { charId: 'WEIGHT', name: 'Weight', kind: 'quantitative', lower: '245', upper: '255', target: '250', uom: 'GRM' },
];

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe('production-order-change end to end', () => {
  it('keeps each released order’s QMS inspection spec in step with the ERP, once per content change, under faults (P100)', async () => {
    stack = await startStack({ pack: 'production-order-change', plant: 'P100', seed: 1 });
    const planner = await ErpPlanner.of(stack);
    const erp = stack.plant.erp.url;
    await setFaults(erp, [
      // A quarter of the ERP's reads (the flow's and the planner's) answer 503 + Retry-After: 1.
      { id: 'erp-503', match: { method: 'GET', path: '/sap/**' }, probability: 0.25, effect: 503 },
      // Every other production order event is delivered twice, with the same CloudEvent id.
      { id: 'erp-dup', match: { topic: ORDER_EVENTS }, nth: 2, effect: { kind: 'duplicate', afterMs: 50 } },
    ]);
    await setFaults(stack.plant.qms.url, [
      // The first spec write is committed by the QMS but never answered: the flow times out and writes again.
      { id: 'qms-lost', match: { method: 'PUT', path: '/qms/api/v1/inspection-specs/*' }, count: 1, effect: 'lost' },
      { id: 'qms-503', match: { method: 'PUT', path: '/qms/api/v1/inspection-specs/*' }, nth: 3, effect: 503 },
    ]);
    const started = Date.now();

    // Phase 1: a planner reworks the week.
    let noPlanOrder = '';
    await Promise.all([
      planner.patchOrder('1000103', { TotalQuantity: '1300' }), // released FG-1000: more to make
      planner.patchOrder('1000104', {
        MfgOrderPlannedStartDate: '/Date(1775001600000)/', // rescheduled to 2026-04-01
        MfgOrderPlannedEndDate: '/Date(1775088000000)/',
      }),
      planner.call('ReleaseOrder', { ManufacturingOrder: "'1000100'" }), // created → released
      planner.patchOrder('1000106', { TotalQuantity: '600' }), // released FG-2000
      planner.patchOrder('1000101', { TotalQuantity: '650' }), // not released: skipped
      planner.call('TechnicallyCompleteOrder', { ManufacturingOrder: "'1000107'" }), // done: skipped
      (async () => {
        // FG-3000 has no inspection plan in P100: created (skipped), released (dead letter).
        noPlanOrder = await planner.createOrder({ Material: 'FG-3000', ProductionPlant: 'P100', TotalQuantity: '250' });
        await planner.call('ReleaseOrder', { ManufacturingOrder: `'${noPlanOrder}'` });
      })(),
    ]);
    const phase1: Expected[] = [
      {
        order: '1000103',
        material: 'FG-1000',
        versions: 1,
        sampling: 'code K, n = 125 (lot 1300.000 KGM)',
        validFrom: '2026-03-03',
      },
      {
        order: '1000104',
        material: 'FG-1000',
        versions: 1,
        sampling: 'code J, n = 80 (lot 550.000 KGM)',
        validFrom: '2026-04-01',
      },
      {
        order: '1000100',
        material: 'FG-1000',
        versions: 1,
        sampling: 'code J, n = 80 (lot 700.000 KGM)',
        validFrom: '2026-02-27',
      },
      {
        order: '1000106',
        material: 'FG-2000',
        versions: 1,
        sampling: 'code J, n = 80 (lot 600.000 H87)',
        validFrom: '2026-03-05',
      },
    ];
    const first = await settle(stack, phase1, 1);
    expect(first.problems).toEqual([]);

    // Phase 2: one order changes its quantity again; the others change in ways the spec does not see.
    await Promise.all([
      planner.patchOrder('1000103', { TotalQuantity: '2000' }),
      planner.patchOrder('1000104', { ManufacturingOrderText: 'Rescheduled after the line audit' }),
      planner.call('ConfirmOrder', { ManufacturingOrder: "'1000106'", ConfirmationYieldQuantity: '100M' }),
    ]);
    const phase2: Expected[] = phase1.map((e) =>
      e.order === '1000103' ? { ...e, versions: 2, sampling: 'code K, n = 125 (lot 2000.000 KGM)' } : e,
    );
    const final = await settle(stack, phase2, 1);
    const seconds = Math.round((Date.now() - started) / 100) / 10;

    const qms = stack.plant.qms.store() as unknown as {
      inspectionSpecs: Spec[];
      inspectionSpecHistory: Spec[];
      webhooks: { events: Array<{ type: string; data: Row }> };
    };
    const ours = qms.inspectionSpecs.filter((s) => s.id.startsWith('SPEC-PO-'));
    // Each spec version the QMS made is an event of its own: created, then updated per new version.
    const versionEvents = qms.webhooks.events.filter(
      (e) => e.type.startsWith('inspection_spec.') && String(e.data.id).startsWith('SPEC-PO-'),
    ).length;
    const puts = (await simRequests(stack.plant.qms.url)).filter(
      (r) => r.method === 'PUT' && String(r.path).includes('/inspection-specs/'),
    ).length;
    const erpFaults = await faultHistory(stack.plant.erp.url);
    const qmsFaults = await faultHistory(stack.plant.qms.url);
    const faults = {
      erp503: erpFaults.filter((f) => f.rule === 'erp-503').length,
      duplicatedEvents: erpFaults.filter((f) => f.rule === 'erp-dup').length,
      qms503: qmsFaults.filter((f) => f.rule === 'qms-503').length,
      qmsLost: qmsFaults.filter((f) => f.rule === 'qms-lost').length,
    };
    const { runs, deadLetters } = final.state;
    const runsOf = (order: string) => runs.filter((r) => r.orderKey === order).map((r) => r.status);
    const byStatus: Record<string, number> = {};
    for (const r of runs) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const duplicatesSuppressed = runs.reduce((n, r) => n + r.duplicates, 0);
    console.log(
      `\nproduction-order-change end to end, ${seconds} s:\n` +
        `  spec versions ${versionEvents}, specs ${ours.length} (${ours.map((s) => `${s.id} v${s.version}`).join(', ')}), superseded versions ${qms.inspectionSpecHistory.filter((s) => s.id.startsWith('SPEC-PO-')).length}\n` +
        `  runs ${JSON.stringify(byStatus)}, duplicate events suppressed ${duplicatesSuppressed}, dead letters ${deadLetters.map((d) => d.code).join(', ')}\n` +
        `  spec writes (PUT) received by the QMS ${puts}; faults: ERP 503 ${faults.erp503}, events sent twice ${faults.duplicatedEvents}, QMS 503 ${faults.qms503}, QMS answers lost ${faults.qmsLost}\n`,
    );

    expect(final.problems).toEqual([]);
    // Skipped: an order not yet released, a technically completed one, the new order while it was only created.
    expect(ours.map((s) => s.id).sort()).toEqual(phase2.map((e) => `SPEC-PO-P100-${e.order}`).sort());
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ code: 'NO_INSPECTION_PLAN', nodeId: 'noPlan', status: 'open' });
    expect(deadLetters[0]!.payloadText).toContain(noPlanOrder);
    // Every run ended; the one with the dead letter is the only one not succeeded.
    expect(byStatus).toEqual({ succeeded: runs.length - 1, dead_lettered: 1 });
    // Exactly once: as many spec versions in all as content changes, whatever was duplicated or retried.
    expect(versionEvents).toBe(phase2.reduce((n, e) => n + e.versions, 0));
    // The skipped orders' events did arrive and run; they just wrote nothing.
    expect(runsOf('1000101')).toEqual(['succeeded']);
    expect(runsOf('1000107')).toEqual(['succeeded']);
    // The new order: created (skipped, or parked once its release was seen) and released; one dead letter.
    expect(runsOf(noPlanOrder).sort()).toEqual(['dead_lettered', 'succeeded']);
    // The trouble really happened.
    expect(faults.erp503).toBeGreaterThan(0);
    expect(faults.duplicatedEvents).toBeGreaterThan(0);
    expect(duplicatesSuppressed).toBeGreaterThan(0);
    expect(faults.qms503).toBeGreaterThan(0);
    expect(faults.qmsLost).toBe(1);
    // More writes than versions: retries and unchanged orders were written again and changed nothing.
    expect(puts).toBeGreaterThan(phase2.reduce((n, e) => n + e.versions, 0));
  }, 120_000);

  it('does the same for P200: OAuth2 to the ERP, its own broker, its own plant’s orders', async () => {
    stack = await startStack({ pack: 'production-order-change', plant: 'P200', seed: 1 });
    const planner = await ErpPlanner.of(stack);
    await Promise.all([
      planner.call('ReleaseOrder', { ManufacturingOrder: "'1000200'" }),
      planner.patchOrder('1000203', { TotalQuantity: '3500' }),
      // FG-3000 has no inspection plan anywhere: a released seed order of it is parked.
      planner.patchOrder('1000206', { ManufacturingOrderText: 'Second shift' }),
      // A P100 order in the same ERP: not this plant's, skipped.
      planner.patchOrder('1000104', { TotalQuantity: '900' }),
    ]);
    const expected: Expected[] = [
      {
        order: '1000200',
        material: 'FG-1000',
        versions: 1,
        sampling: 'code J, n = 80 (lot 700.000 KGM)',
        validFrom: '2026-02-28',
      },
      {
        order: '1000203',
        material: 'FG-1000',
        versions: 1,
        sampling: 'code L, n = 200 (lot 3500.000 KGM)',
        validFrom: '2026-03-02',
      },
    ];
    const result = await settle(stack, expected, 1);
    const qms = stack.plant.qms.store() as unknown as { inspectionSpecs: Spec[] };
    const ours = qms.inspectionSpecs.filter((s) => s.id.startsWith('SPEC-PO-'));
    console.log(
      `\nproduction-order-change P200: specs ${ours.map((s) => `${s.id} v${s.version}`).join(', ')}; ` +
        `dead letters ${result.state.deadLetters.map((d) => d.code).join(', ')}; runs ${result.state.runs.length}\n`,
    );
    expect(result.problems).toEqual([]);
    expect(ours.map((s) => s.id).sort()).toEqual(['SPEC-PO-P200-1000200', 'SPEC-PO-P200-1000203']);
    expect(result.state.deadLetters.map((d) => [d.code, d.nodeId])).toEqual([['NO_INSPECTION_PLAN', 'noPlan']]);
    expect(result.state.deadLetters[0]!.payloadText).toContain('1000206');
    expect(result.state.runs.filter((r) => r.orderKey === '1000104').map((r) => r.status)).toEqual(['succeeded']);
  }, 90_000);
});

/**
 * Polls (bounded) until every expected spec is there with its content and version, nothing runs
 * or waits, and the dead letters are in; then looks once more, so a late extra version is seen.
 */
async function settle(stack: Stack, expected: readonly Expected[], deadLetters: number) {
  const deadline = Date.now() + SETTLE_MS;
  let last = await check(stack, expected, deadLetters);
  for (let confirmed = false; ;) {
    if (last.done && confirmed) return last;
    if (last.done) {
      await sleep(1500);
      last = await check(stack, expected, deadLetters);
      confirmed = true;
      continue;
    }
    confirmed = false;
    if (Date.now() > deadline) return { ...last, problems: [`not settled after ${SETTLE_MS} ms`, ...last.problems] };
    await sleep(500);
    last = await check(stack, expected, deadLetters);
  }
}

async function check(stack: Stack, expected: readonly Expected[], deadLetters: number) {
  const qms = stack.plant.qms.store() as unknown as { inspectionSpecs: Spec[]; inspectionSpecHistory: Spec[] };
  const state = await runtimeState(stack);
  const problems: string[] = [];
  let incomplete = false;
  for (const e of expected) {
    const id = `SPEC-PO-${stack.plant.plant}-${e.order}`;
    const spec = qms.inspectionSpecs.find((s) => s.id === id);
    const history = qms.inspectionSpecHistory.filter((s) => s.id === id);
    if (!spec || Number(spec.version) < e.versions) {
      incomplete = true;
      continue;
    }
    // Exactly once: one version per content change, however often the events came or the writes were retried.
    if (spec.version !== String(e.versions) || history.length !== e.versions - 1)
      problems.push(`${id}: version ${spec.version} with ${history.length} superseded, expected ${e.versions}`);
    const want = {
      materialId: e.material,
      plantId: stack.plant.plant,
      state: 'effective',
      validFrom: e.validFrom,
      samplingProcedure: `ISO 2859-1 level II, ${e.sampling}`,
      characteristics: e.material === 'FG-1000' ? FG_1000 : FG_2000,
    };
    const got = {
      materialId: spec.materialId,
      plantId: spec.plantId,
      state: spec.state,
      validFrom: spec.validFrom,
      samplingProcedure: spec.samplingProcedure,
      characteristics: spec.characteristics,
    };
    if (canonical(got) !== canonical(want)) {
      if (spec.version === String(e.versions)) problems.push(`${id}: ${JSON.stringify(got)}`);
      else incomplete = true;
    }
  }
  const moving = state.runs.some((r) => r.status === 'running' || r.status === 'held');
  const done = !incomplete && !moving && state.deadLetters.length >= deadLetters;
  return { done, problems: done ? problems : [...problems, `incomplete (runs moving: ${moving})`], state };
}

/** The runtime's runs and dead letters, read from its SQLite file beside the serving process. */
async function runtimeState(stack: Stack): Promise<{ runs: RunRecord[]; deadLetters: DeadLetter[] }> {
  const store = new SqliteStore(join(stack.dataDir, 'millrace.db'));
  try {
    const [runs, deadLetters] = await Promise.all([
      store.listRuns({ limit: 100_000 }),
      store.listDeadLetters({ limit: 100_000 }),
    ]);
    return { runs, deadLetters };
  } finally {
    await store.close();
  }
}

type Effect = 503 | 'lost' | Row;

async function setFaults(simUrl: string, rules: Array<{ id: string; match: Row; effect: Effect } & Row>) {
  const effects: Record<string, Row> = {
    '503': { kind: 'status', status: 503, retryAfterSec: 1 },
    lost: { kind: 'timeout-after-commit' },
  };
  const body = {
    rules: rules.map((r) => ({ ...r, effect: typeof r.effect === 'object' ? r.effect : effects[String(r.effect)] })),
  };
  const res = await fetch(`${simUrl}/__sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${simUrl}/__sim/faults refused the rules: ${res.status} ${await res.text()}`);
}

async function faultHistory(simUrl: string): Promise<Array<{ rule: string }>> {
  const res = await fetch(`${simUrl}/__sim/faults`);
  return ((await res.json()) as { history: Array<{ rule: string }> }).history;
}

async function simRequests(simUrl: string): Promise<Row[]> {
  const res = await fetch(`${simUrl}/__sim/requests`);
  return ((await res.json()) as { requests: Row[] }).requests;
}

/** JSON with object keys sorted, so two values compare whatever order their keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
