import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, ROOT } from '@millrace/cli/test-support';
import type { DeadLetter, RunRecord } from '@millrace/engine';
import { SqliteStore } from '@millrace/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.ts';

/**
 * The supplier-incident pack end to end with real processes: the plant's ERP and QMS simulators
 * in this process, `millrace serve --headless` serving examples/supplier-incident as a child
 * process, the QMS's signed webhooks going to it. A QA engineer opens quality events in the QMS
 * through its REST API — supplier issues (one naming two materials, one whose supplier has no
 * quality info record in the ERP) and events of other kinds — while the ERP answers 503 on
 * every third call, the QMS 429 on every second call the flow makes, the first supplier-case
 * create commits but never answers, and every second `quality_event.opened` webhook is
 * delivered twice. Then, as the README tells an operator, the missing record is maintained and
 * the dead letter replayed with the CLI (and a finished incident needlessly sent again). The verdict is
 * read from the simulators' own stores and the runtime's database.
 */

type Row = Record<string, unknown>;

interface Incident {
  readonly label: string;
  readonly kind: 'supplier_issue' | 'deviation' | 'complaint' | 'nonconformance';
  readonly supplierId?: string;
  readonly materials?: readonly string[];
  readonly classification?: 'minor' | 'major' | 'critical';
  /** What the flow should have done: block and open a case per material, ignore it, or dead-letter it. */
  expect: 'block' | 'ignore' | 'no-record';
}

type Opened = Incident & { readonly id: string; readonly number: string };

/** Suppliers with a quality info record for RM-2000 or RM-2100 in P100, seeded for this test. */
const EXTRA_RECORDS = [
  { material: 'RM-2000', supplier: 'SUP-5001', plant: 'P100' },
  { material: 'RM-2000', supplier: 'SUP-5002', plant: 'P100' },
  { material: 'RM-2100', supplier: 'SUP-5003', plant: 'P100' },
  { material: 'RM-2000', supplier: 'SUP-5004', plant: 'P100' },
  { material: 'RM-2100', supplier: 'SUP-5005', plant: 'P100' },
];

function incidents(): Incident[] {
  const issue = (label: string, supplierId: string, materials: string[], expect: Incident['expect'] = 'block') =>
    ({ label, kind: 'supplier_issue', supplierId, materials, classification: 'major', expect }) as Incident;
  return [
    // SUP-4711's two records come with the ERP's seed.
    issue('two materials', 'SUP-4711', ['RM-2000', 'RM-2100']),
    issue('SUP-5001', 'SUP-5001', ['RM-2000']),
    { label: 'deviation', kind: 'deviation', materials: ['RM-2000'], expect: 'ignore' },
    issue('SUP-5002', 'SUP-5002', ['RM-2000']),
    issue('SUP-5003', 'SUP-5003', ['RM-2100']),
    { label: 'complaint', kind: 'complaint', supplierId: 'SUP-5005', materials: ['RM-2100'], expect: 'ignore' },
    issue('SUP-5004', 'SUP-5004', ['RM-2000']),
    issue('no record', 'SUP-9999', ['RM-2000'], 'no-record'),
  ];
}

const SETTLE_MS = 45_000;

describe('the supplier-incident pack end to end', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ pack: 'supplier-incident', seed: 11 });
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  it('blocks each record once and opens one supplier case per incident and material, under faults and duplicate webhooks', async () => {
    const { erp, qms } = stack.plant;
    const started = Date.now();
    const qmsFault = (id: string, method: string, path: string, nth: number) => ({
      id,
      match: { method, path: `/qms/api/v1${path}` },
      nth,
      effect: { kind: 'status', status: 429, retryAfterSec: 1 },
    });

    await post(`${erp.url}/__sim/seed`, { qualityInfoRecords: EXTRA_RECORDS });
    await putFaults(erp.url, [
      { id: 'erp-503', match: { path: '/sap/**' }, nth: 3, effect: { kind: 'status', status: 503, retryAfterSec: 1 } },
    ]);
    await putFaults(qms.url, [
      // The first supplier case is made, but its answer never comes: the retry must not make a second.
      {
        id: 'case-lost-answer',
        match: { method: 'POST', path: '/qms/api/v1/supplier-cases' },
        count: 1,
        effect: { kind: 'timeout-after-commit' },
      },
      // Only what the flow calls; the QA engineer's own requests are left alone.
      { ...qmsFault('qms-429-token', 'POST', '/oauth/token', 1), count: 1 },
      qmsFault('qms-429-event', 'GET', '/quality-events/*', 2),
      qmsFault('qms-429-find', 'GET', '/supplier-cases', 2),
      qmsFault('qms-429-case', 'POST', '/supplier-cases', 2),
      // Every second new quality event is announced twice, with the same eventId.
      {
        id: 'dup-webhook',
        match: { topic: 'quality_event.opened' },
        nth: 2,
        effect: { kind: 'duplicate', afterMs: 300 },
      },
    ]);

    // A QA engineer (Quinn Avery) logs in to the QMS and opens the quality events.
    const session = await qmsLogin(qms.baseUrl, 'u-qa-0042', 'sign-0042');
    const opened: Opened[] = [];
    for (const [i, incident] of incidents().entries()) {
      const record = await openQualityEvent(qms.baseUrl, session, {
        kind: incident.kind,
        title: `${incident.kind.replace('_', ' ')} ${incident.label}`,
        description: `E2E ${incident.label}: incoming inspection found material out of specification`,
        source: incident.kind === 'supplier_issue' ? 'supplier' : 'lab',
        externalId: `E2E-SI-${i + 1}`,
        ...(incident.classification ? { classification: incident.classification } : {}),
        ...(incident.materials ? { affectedMaterials: incident.materials } : {}),
        ...(incident.supplierId ? { supplierId: incident.supplierId, plantId: 'P100' } : {}),
        ...(incident.kind === 'supplier_issue' ? { supplierLots: [`S-${incident.supplierId}-${i + 1}`] } : {}),
      });
      opened.push({ ...incident, id: String(record.id), number: String(record.number) });
    }
    const first = await settle(stack, opened, started);
    report('first pass', first, started);
    expectAllDone(first);
    expect(first.counts.deadLetterCodes).toEqual(['NO_QUALITY_INFO_RECORD']);

    // The operator maintains the missing record in the ERP and replays the dead letter with the
    // CLI next to the running runtime (README "Dead letters"): the replay reads the record again.
    // The finished two-material incident is sent again too, by mistake: it must change nothing.
    const missing = opened.find((q) => q.expect === 'no-record')!;
    await post(`${erp.url}/__sim/seed`, {
      qualityInfoRecords: [{ material: 'RM-2000', supplier: missing.supplierId, plant: 'P100' }],
    });
    const [letter] = (await runtimeState(stack)).deadLetters.filter((d) => d.status === 'open');
    expect(letter?.code).toBe('NO_QUALITY_INFO_RECORD');
    await replayWithCli(stack, letter!.id, 'quality info record maintained');
    await resend(stack, opened[0]!);
    missing.expect = 'block';
    const second = await settle(stack, opened, Date.now());
    report('after the record was maintained and the dead letter replayed', second, started);
    expectAllDone(second);
    const after = (await runtimeState(stack)).deadLetters;
    expect(after.filter((d) => d.status === 'open')).toEqual([]);
    expect(after.find((d) => d.id === letter!.id)?.status).toBe('replayed');

    // The run really met trouble: every kind of fault happened.
    const faults = { erp: await faultHistory(erp.url), qms: await faultHistory(qms.url) };
    console.log(
      `  faults injected: ERP ${faults.erp.length} (${summarize(faults.erp)}), QMS ${faults.qms.length} (${summarize(faults.qms)})\n`,
    );
    expect(second.counts.duplicatedDeliveries).toBeGreaterThan(0);
    expect(second.counts.duplicatesSuppressed).toBeGreaterThanOrEqual(second.counts.duplicatedDeliveries);
    expect(faults.erp.length).toBeGreaterThan(0);
    for (const rule of ['case-lost-answer', 'qms-429-token', 'qms-429-event', 'qms-429-find', 'qms-429-case'])
      expect(faults.qms.some((f) => f.rule === rule)).toBe(true);
  }, 120_000);
});

describe('the supplier-incident pack for plant P200 (ERP over OAuth2)', () => {
  it('blocks the seeded RM-2000/SUP-0815/P200 record and opens its supplier case', async () => {
    const stack = await startStack({ pack: 'supplier-incident', plant: 'P200', seed: 12 });
    try {
      const { erp, qms } = stack.plant;
      const session = await qmsLogin(qms.baseUrl, 'u-qa-0007', 'sign-0007');
      const qe = await openQualityEvent(qms.baseUrl, session, {
        kind: 'supplier_issue',
        classification: 'critical',
        title: 'Foreign particles in drum',
        description: 'Lyon incoming inspection: foreign particles in RM-2000 drums from SUP-0815',
        supplierId: 'SUP-0815',
        affectedMaterials: ['RM-2000'],
      });
      const deadline = Date.now() + 20_000;
      let record: Row | undefined;
      let cases: Row[] = [];
      while (Date.now() < deadline) {
        record = erp.store().qualityInfoRecords.find((r) => r.Supplier === 'SUP-0815' && r.Plant === 'P200');
        cases = (qms.store() as unknown as { supplierCases: Row[] }).supplierCases.filter(
          (c) => c.qualityEventId === qe.id,
        );
        if (record?.ProcurementBlock === '01' && cases.length > 0) break;
        await sleep(250);
      }
      console.log(
        `\nsupplier-incident P200: record ${String(record?.QltyInProcmtIntID)} block "${String(record?.ProcurementBlock)}" ` +
          `(${String(record?.BlockReason)}), supplier cases ${cases.length} (${cases.map((c) => `${String(c.number)} ${String(c.state)}`).join(', ')})`,
      );
      expect(record).toMatchObject({ ProcurementBlock: '01', BlockReason: `Supplier issue ${String(qe.number)}` });
      expect(cases).toHaveLength(1);
      expect(cases[0]).toMatchObject({
        supplierId: 'SUP-0815',
        materialId: 'RM-2000',
        plantId: 'P200',
        severity: 'critical',
        state: 'draft',
        procurementAction: { type: 'block', erpRef: record!.QltyInProcmtIntID },
      });
    } finally {
      await stack.stop();
    }
  }, 60_000);
});

function expectAllDone(v: Verdict): void {
  const c = v.counts;
  expect(v.problems).toEqual([]);
  expect(c.blockedOnce).toBe(c.pairs);
  expect(c.patches).toBe(c.pairs);
  expect(c.casesOnce).toBe(c.pairs);
  expect(c.casesMade).toBe(c.pairs);
  expect(c.casesForOthers).toBe(0);
}

function report(label: string, v: Verdict, started: number): void {
  const c = v.counts;
  console.log(
    `\nsupplier-incident end to end, ${label}, ${((Date.now() - started) / 1000).toFixed(1)} s:\n` +
      `  quality events opened ${c.opened}: supplier issues to act on ${c.supplierIssues} (${c.pairs} incident/material pairs), ` +
      `other kinds ${c.others}, waiting for master data ${c.waiting}\n` +
      `  procurement blocks: ${c.blockedOnce}/${c.pairs} records blocked by exactly one PATCH (PATCHes answered 2xx in all ${c.patches})\n` +
      `  supplier cases: ${c.casesOnce}/${c.pairs} pairs with exactly one case (cases made ${c.casesMade}); for other kinds ${c.casesForOthers}\n` +
      `  dead letters ${c.deadLetters} (${c.deadLetterCodes.join(', ') || 'none'}); duplicate webhooks suppressed ${c.duplicatesSuppressed} ` +
      `(deliveries duplicated by the QMS ${c.duplicatedDeliveries}); runs ${JSON.stringify(c.runs)}`,
  );
  if (v.problems.length > 0) console.log(v.problems.join('\n'));
}

/** Polls the stores until every incident's effects are there and no run moves (bounded). */
async function settle(stack: Stack, opened: readonly Opened[], since: number): Promise<Verdict> {
  let verdict = await check(stack, opened);
  for (;;) {
    if (verdict.settled) {
      // Everything there and no run moving: look once more a little later, so a late second
      // block or case would still be seen.
      await sleep(1500);
      verdict = await check(stack, opened);
      if (verdict.settled) return verdict;
    }
    if (Date.now() - since > SETTLE_MS) {
      verdict.problems.unshift(`not settled after ${SETTLE_MS} ms`);
      console.log(stack.runtime.output.join('').slice(-3000));
      return verdict;
    }
    await sleep(500);
    verdict = await check(stack, opened);
  }
}

interface Verdict {
  settled: boolean;
  problems: string[];
  counts: {
    opened: number;
    supplierIssues: number;
    others: number;
    waiting: number;
    pairs: number;
    blockedOnce: number;
    patches: number;
    casesOnce: number;
    casesMade: number;
    casesForOthers: number;
    deadLetters: number;
    deadLetterCodes: string[];
    duplicatesSuppressed: number;
    duplicatedDeliveries: number;
    runs: Record<string, number>;
  };
}

/** Reads the ERP's and QMS's stores and the runtime's runs, incident by incident. */
async function check(stack: Stack, opened: readonly Opened[]): Promise<Verdict> {
  const erp = stack.plant.erp;
  const qms = stack.plant.qms.store() as unknown as {
    supplierCases: Row[];
    webhooks: { deliveries: Array<{ eventId: string; copy?: number; fault?: string }> };
  };
  const records = erp.store().qualityInfoRecords;
  const patched = erp.ctx.log.entries.filter(
    (r) =>
      r.method === 'PATCH' &&
      r.path.includes('/QualityInProcurement(') &&
      (r.status ?? 0) >= 200 &&
      (r.status ?? 0) < 300,
  );
  const { runs, deadLetters } = await runtimeState(stack);
  const problems: string[] = [];
  let incomplete = false;
  let blockedOnce = 0;
  let casesOnce = 0;
  let pairs = 0;
  let casesForOthers = 0;
  const expectedBlocked = new Set<string>();

  for (const qe of opened) {
    const cases = qms.supplierCases.filter((c) => c.qualityEventId === qe.id);
    if (qe.expect !== 'block') {
      if (qe.expect === 'ignore') casesForOthers += cases.length;
      if (cases.length > 0) problems.push(`${qe.label} (${qe.id}): ${cases.length} supplier case(s), expected none`);
      if (qe.expect === 'no-record') {
        const letters = deadLetters.filter((d) => d.payloadText.includes(qe.id));
        if (letters.length === 0) incomplete = true;
        else if (letters.some((d) => d.code !== 'NO_QUALITY_INFO_RECORD'))
          problems.push(`${qe.label}: dead letters ${letters.map((d) => d.code).join(', ')}`);
      }
      continue;
    }
    for (const material of qe.materials ?? []) {
      pairs++;
      const record = records.find((r) => r.Material === material && r.Supplier === qe.supplierId && r.Plant === 'P100');
      if (!record) {
        problems.push(`${qe.label}: no quality info record ${material}/${qe.supplierId} in the ERP store`);
        continue;
      }
      expectedBlocked.add(String(record.QltyInProcmtIntID));
      const key = `QltyInProcmtIntID='${String(record.QltyInProcmtIntID)}'`;
      const patches = patched.filter((r) => r.path.includes(key)).length;
      if (record.ProcurementBlock === '01' && record.BlockReason === `Supplier issue ${qe.number}` && patches === 1)
        blockedOnce++;
      else if (record.ProcurementBlock === '' && patches === 0) incomplete = true;
      else
        problems.push(
          `${qe.label} ${material}: block "${String(record.ProcurementBlock)}" reason "${String(record.BlockReason)}", ${patches} PATCH(es)`,
        );
      const mine = cases.filter((c) => c.materialId === material);
      const action = mine[0]?.procurementAction as Row | undefined;
      const right =
        mine.length === 1 &&
        mine[0]!.supplierId === qe.supplierId &&
        mine[0]!.plantId === 'P100' &&
        mine[0]!.externalId === `MR-SCAR-${qe.id}-${material}` &&
        mine[0]!.state === 'draft' &&
        action?.type === 'block' &&
        action.erpRef === record.QltyInProcmtIntID;
      if (right) casesOnce++;
      else if (mine.length === 0) incomplete = true;
      else
        problems.push(
          `${qe.label} ${material}: ${mine.length} supplier case(s): ${JSON.stringify(mine).slice(0, 400)}`,
        );
    }
  }
  // Nothing else in the ERP was blocked.
  for (const r of records)
    if (r.ProcurementBlock !== '' && !expectedBlocked.has(String(r.QltyInProcmtIntID)))
      problems.push(`quality info record ${String(r.Material)}/${String(r.Supplier)} blocked unexpectedly`);
  for (const d of deadLetters.filter((x) => x.code !== 'NO_QUALITY_INFO_RECORD'))
    problems.push(`dead letter ${d.id} (${d.code}) at ${d.nodeId}: ${d.reason}`);

  const byStatus: Record<string, number> = {};
  for (const r of runs) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const moving = runs.some((r) => r.status === 'running' || r.status === 'held');
  const made = new Set(opened.map((q) => q.id));
  return {
    settled: !incomplete && !moving,
    problems,
    counts: {
      opened: opened.length,
      supplierIssues: opened.filter((q) => q.expect === 'block').length,
      others: opened.filter((q) => q.expect === 'ignore').length,
      waiting: opened.filter((q) => q.expect === 'no-record').length,
      pairs,
      blockedOnce,
      patches: patched.length,
      casesOnce,
      casesMade: qms.supplierCases.filter((c) => made.has(String(c.qualityEventId))).length,
      casesForOthers,
      deadLetters: deadLetters.length,
      deadLetterCodes: [...new Set(deadLetters.map((d) => d.code))].sort(),
      duplicatesSuppressed: runs.reduce((n, r) => n + r.duplicates, 0),
      // The second copy of an event the QMS duplicated (same eventId).
      duplicatedDeliveries: qms.webhooks.deliveries.filter((d) => d.fault === 'duplicate' && (d.copy ?? 1) > 1).length,
      runs: byStatus,
    },
  };
}

async function runtimeState(stack: Stack): Promise<{ runs: RunRecord[]; deadLetters: DeadLetter[] }> {
  const store = new SqliteStore(join(stack.dataDir, 'millrace.db'));
  try {
    const [runs, deadLetters] = await Promise.all([
      store.listRuns({ limit: 10_000 }),
      store.listDeadLetters({ limit: 10_000 }),
    ]);
    return { runs, deadLetters };
  } finally {
    await store.close();
  }
}

/** `millrace dead-letters replay` as an operator runs it, next to the serving runtime. */
async function replayWithCli(stack: Stack, id: number, reason: string): Promise<void> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [BIN, 'dead-letters', 'replay', String(id), '--reason', reason, '--by', 'e2e-operator', '--data', stack.dataDir],
    { cwd: ROOT },
  );
  expect(stdout).toContain(`replayed ${id}`);
}

/** The quality event sent to the flow once more, as the QMS would send it (new eventId, signed). */
async function resend(stack: Stack, qe: Opened): Promise<void> {
  const body = JSON.stringify({
    eventId: `manual-${qe.id}-1`,
    type: 'quality_event.opened',
    occurredAt: new Date().toISOString(),
    data: { id: qe.id, kind: qe.kind },
  });
  const signature = createHmac('sha256', stack.plant.secrets.QMS_WEBHOOK_SECRET!).update(body).digest('hex');
  const res = await fetch(`${stack.runtimeUrl}/hooks/supplier-incident/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-qms-signature': signature },
    body,
  });
  if (res.status !== 202) throw new Error(`the runtime refused the resent event: ${res.status} ${await res.text()}`);
}

/** A QMS user session (Veeva style: the session id goes in Authorization). */
async function qmsLogin(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  const body = (await res.json()) as { sessionId?: string };
  if (!res.ok || !body.sessionId) throw new Error(`QMS login refused: ${res.status} ${JSON.stringify(body)}`);
  return body.sessionId;
}

async function openQualityEvent(baseUrl: string, session: string, body: Row): Promise<Row> {
  const res = await fetch(`${baseUrl}/quality-events`, {
    method: 'POST',
    headers: { authorization: session, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const record = (await res.json()) as Row;
  if (res.status !== 201) throw new Error(`the QMS refused the quality event: ${res.status} ${JSON.stringify(record)}`);
  return record;
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url} refused: ${res.status} ${await res.text()}`);
}

async function putFaults(baseUrl: string, rules: unknown[]): Promise<void> {
  const res = await fetch(`${baseUrl}/__sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules }),
  });
  if (!res.ok) throw new Error(`${baseUrl}/__sim/faults refused the rules: ${res.status} ${await res.text()}`);
}

async function faultHistory(baseUrl: string): Promise<Array<{ rule: string; effect: string }>> {
  const res = await fetch(`${baseUrl}/__sim/faults`);
  return ((await res.json()) as { history: Array<{ rule: string; effect: string }> }).history;
}

function summarize(history: ReadonlyArray<{ rule: string }>): string {
  const n: Record<string, number> = {};
  for (const h of history) n[h.rule] = (n[h.rule] ?? 0) + 1;
  return Object.entries(n)
    .map(([rule, count]) => `${rule} ${count}`)
    .join(', ');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
