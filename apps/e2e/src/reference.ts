import { join } from 'node:path';
import type { DeadLetter, RunRecord } from '@millrace/engine';
import type { ScenarioOptions } from '@millrace/simulators';
import { SqliteStore } from '@millrace/store-sqlite';
import { startStack, type Stack, type StackOptions } from './stack.ts';

/**
 * The reference scenario of DESIGN §1 under faults: the MES reports batch completions (some out
 * of spec, duplicated, malformed, out of order) while the ERP answers 503 + Retry-After on some
 * calls and is down for a window, and the QMS answers 429 on some. At the end every effect is
 * read back from the simulators' own stores and checked lot by lot.
 */
export interface ReferenceOptions extends StackOptions {
  readonly scenario?: ScenarioOptions;
  /** Share of ERP calls answered 503 + Retry-After: 1. */
  readonly erp503Rate?: number;
  /** Share of QMS calls answered 429 + Retry-After: 1. */
  readonly qms429Rate?: number;
  /** The ERP drops every connection for this long, starting `erpDownAfterMs` into the scenario. */
  readonly erpDownMs?: number;
  readonly erpDownAfterMs?: number;
  /** Give up waiting for the effects after this long. */
  readonly settleTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export const REFERENCE_SCENARIO: ScenarioOptions = {
  batches: 200,
  outOfSpecRate: 0.2,
  duplicateRate: 0.05,
  malformedRate: 0.02,
  outOfOrderRate: 0.05,
};

export interface ReferenceCounts {
  batches: number;
  good: number;
  outOfSpec: number;
  malformed: number;
  duplicated: number;
  reordered: number;
  /** Good lots with exactly one accepting usage decision and one 321 (QI → unrestricted). */
  released: number;
  /** Failing lots with exactly one 350 (QI → blocked), one MES hold and one QMS quality event. */
  blocked: number;
  qualityEvents: number;
  mesHolds: number;
  /** Malformed lots found in dead letters with a reason. */
  malformedDeadLettered: number;
  /**
   * Dead letters the malformed lots should leave: one each, two for an unreadable (not JSON)
   * event the MES sent twice — without a readable id the runtime cannot tell it is a duplicate.
   */
  malformedDeliveries: number;
  deadLetters: number;
  /** Duplicate deliveries the runtime answered with the existing run. */
  duplicatesSuppressed: number;
  /** Duplicated lots whose event id can be read (all but unreadable malformed ones). */
  readableDuplicates: number;
  /** (batch, movement type) pairs posted more than once. */
  doublePostings: number;
  /** Faults the simulators injected: ERP 503s, ERP connections dropped while down, QMS 429s. */
  faults: { erp503: number; erpDropped: number; qms429: number };
  runs: Record<string, number>;
  seconds: number;
}

export interface ReferenceReport {
  readonly counts: ReferenceCounts;
  /** What is wrong, lot by lot; empty when every promise held. */
  readonly problems: string[];
}

type Row = Record<string, unknown>;

export async function runReferenceScenario(options: ReferenceOptions = {}): Promise<ReferenceReport> {
  const log = options.log ?? (() => undefined);
  const stack = await startStack(options);
  const started = Date.now();
  try {
    const baseErpRules = [
      {
        id: 'erp-503',
        match: { path: '/sap/**' },
        probability: options.erp503Rate ?? 0.1,
        effect: { kind: 'status', status: 503, retryAfterSec: 1 },
      },
    ];
    await setFaults(stack.plant.erp.url, baseErpRules);
    await setFaults(stack.plant.qms.url, [
      {
        id: 'qms-429',
        match: { path: '/qms/api/v1/**' },
        probability: options.qms429Rate ?? 0.05,
        effect: { kind: 'status', status: 429, retryAfterSec: 1 },
      },
    ]);

    const downMs = options.erpDownMs ?? 5000;
    const outage = (async () => {
      await sleep(options.erpDownAfterMs ?? 1500);
      log(`ERP down for ${downMs} ms`);
      await setFaults(stack.plant.erp.url, [
        // Down, not busy: every connection is closed without an answer (nothing done).
        { id: 'erp-down', match: { path: '/sap/**' }, effect: { kind: 'drop' } },
      ]);
      await sleep(downMs);
      await setFaults(stack.plant.erp.url, baseErpRules);
      log('ERP back');
    })();

    const truth = await stack.plant.runScenario({ ...REFERENCE_SCENARIO, ...options.scenario });
    log(`MES published ${truth.counts.published} messages for ${truth.counts.batches} batches`);
    await outage;

    const deadline = Date.now() + (options.settleTimeoutMs ?? 300_000);
    let report = await check(stack, truth.lots);
    for (;;) {
      if (report.settled) {
        // Effects complete and no run moving: look once more a little later, so a late double
        // posting would still be seen.
        await sleep(1500);
        report = await check(stack, truth.lots);
        if (report.settled) break;
      }
      if (Date.now() > deadline) {
        report.problems.unshift(`not settled after ${options.settleTimeoutMs ?? 300_000} ms`);
        break;
      }
      await sleep(1000);
      report = await check(stack, truth.lots);
    }
    const [erpFaults, qmsFaults] = await Promise.all([
      faultKinds(stack.plant.erp.url),
      faultKinds(stack.plant.qms.url),
    ]);
    const counts: ReferenceCounts = {
      ...report.counts,
      batches: truth.counts.batches,
      good: truth.counts.good,
      outOfSpec: truth.counts.outOfSpec,
      malformed: truth.counts.malformed,
      duplicated: truth.counts.duplicated,
      reordered: truth.counts.reordered,
      faults: { erp503: erpFaults.status ?? 0, erpDropped: erpFaults.drop ?? 0, qms429: qmsFaults.status ?? 0 },
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    return { counts, problems: report.problems };
  } catch (e) {
    log(stack.runtime.output.join('').slice(-4000));
    throw e;
  } finally {
    await stack.stop();
  }
}

interface Check {
  settled: boolean;
  problems: string[];
  counts: Omit<
    ReferenceCounts,
    'batches' | 'good' | 'outOfSpec' | 'malformed' | 'duplicated' | 'reordered' | 'faults' | 'seconds'
  >;
}

type Lot = Awaited<ReturnType<Stack['plant']['runScenario']>>['lots'][number];

/** Reads every store and compares it with what each lot should have caused. */
async function check(stack: Stack, lots: readonly Lot[]): Promise<Check> {
  const erp = stack.plant.erp.store();
  const qms = stack.plant.qms.store() as unknown as { qualityEvents: Row[]; inspections: Row[] };
  const holds = [...stack.plant.mes.store.holds.values()];
  const { runs, deadLetters } = await runtimeState(stack);

  const problems: string[] = [];
  let incomplete = false;
  const postings = new Map<string, number>();
  for (const doc of erp.materialDocuments) {
    for (const item of doc.items) {
      const key = `${String(item.Batch)}/${String(item.GoodsMovementType)}`;
      postings.set(key, (postings.get(key) ?? 0) + 1);
    }
  }
  const doublePostings = [...postings].filter(([key, n]) => n > 1 && !key.endsWith('/101'));
  for (const [key, n] of doublePostings) problems.push(`stock movement ${key} posted ${n} times`);

  let released = 0;
  let blocked = 0;
  let malformedDeadLettered = 0;
  let qualityEvents = 0;
  let mesHolds = 0;
  const malformedLetters = deadLetters.filter((d) => d.code === 'MALFORMED_EVENT');
  for (const lot of lots) {
    const erpLots = new Set(
      erp.inspectionLots
        .filter((l) => l.Batch === lot.erpBatch && l.Plant === lot.plant && l.InspectionLotOrigin === '04')
        .map((l) => String(l.InspectionLot)),
    );
    const decisions = erp.usageDecisions.filter((u) => erpLots.has(String(u.InspectionLot)));
    const posted = (type: string) => postings.get(`${lot.erpBatch}/${type}`) ?? 0;
    const events = qms.qualityEvents.filter(
      (q) => Array.isArray(q.affectedLots) && q.affectedLots.includes(lot.lotId) && q.kind === 'deviation',
    );
    const lotHolds = holds.filter((h) => h.lotId === lot.lotId);
    qualityEvents += events.length;
    mesHolds += lotHolds.length;
    const facts = `UD ${decisions.length}, 321 ${posted('321')}, 350 ${posted('350')}, QE ${events.length}, holds ${lotHolds.length}`;
    if (lot.outcome === 'good') {
      const accepted = decisions.filter((u) => u.InspLotUsageDecisionValuation === 'A');
      if (accepted.length === 1 && posted('321') === 1 && posted('350') === 0 && events.length === 0) released++;
      else if (decisions.length === 0 || posted('321') === 0) incomplete = true;
      else problems.push(`good lot ${lot.lotId}: ${facts}`);
      if (events.length > 0 || lotHolds.length > 0 || posted('350') > 0)
        problems.push(`good lot ${lot.lotId} blocked: ${facts}`);
    } else if (lot.outcome === 'out-of-spec') {
      if (posted('350') === 1 && events.length === 1 && lotHolds.length === 1 && posted('321') === 0) blocked++;
      else if (posted('350') === 0 || events.length === 0 || lotHolds.length === 0) incomplete = true;
      else problems.push(`failing lot ${lot.lotId}: ${facts}`);
      if (decisions.some((u) => u.InspLotUsageDecisionValuation === 'A') || posted('321') > 0)
        problems.push(`failing lot ${lot.lotId} released: ${facts}`);
    } else {
      const letters = malformedLetters.filter(
        (d) => d.payloadText.includes(lot.lotId) || d.payloadText.includes(lot.eventIds.batchCompleted),
      );
      if (letters.length > 0 && letters.every((d) => d.reason.length > 0)) malformedDeadLettered++;
      else incomplete = true;
      if (decisions.length + posted('321') + posted('350') + events.length + lotHolds.length > 0)
        problems.push(`malformed lot ${lot.lotId} had effects: ${facts}`);
    }
  }
  const unexpected = deadLetters.filter((d) => d.code !== 'MALFORMED_EVENT' && d.status === 'open');
  for (const d of unexpected.slice(0, 10)) problems.push(`dead letter ${d.id} (${d.code}) at ${d.nodeId}: ${d.reason}`);
  const byStatus: Record<string, number> = {};
  for (const r of runs) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const moving = runs.some((r) => r.status === 'running' || r.status === 'held');
  return {
    settled: !incomplete && !moving,
    problems: incomplete ? [...problems, ...missing(lots, released, blocked, malformedDeadLettered)] : problems,
    counts: {
      released,
      blocked,
      qualityEvents,
      mesHolds,
      malformedDeadLettered,
      malformedDeliveries: lots
        .filter((l) => l.outcome === 'malformed')
        .reduce((n, l) => n + (l.malformedKind === 'invalid-json' && l.duplicated ? 2 : 1), 0),
      deadLetters: deadLetters.length,
      duplicatesSuppressed: runs.reduce((n, r) => n + r.duplicates, 0),
      readableDuplicates: lots.filter((l) => l.duplicated && l.malformedKind !== 'invalid-json').length,
      doublePostings: doublePostings.length,
      runs: byStatus,
    },
  };
}

function missing(lots: readonly Lot[], released: number, blocked: number, malformed: number): string[] {
  const want = (o: Lot['outcome']) => lots.filter((l) => l.outcome === o).length;
  return [
    `incomplete: released ${released}/${want('good')}, blocked ${blocked}/${want('out-of-spec')}, malformed in dead letters ${malformed}/${want('malformed')}`,
  ];
}

/** The runtime's runs and dead letters, read from its SQLite file next to the serving process. */
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

async function setFaults(baseUrl: string, rules: unknown[]): Promise<void> {
  const res = await fetch(`${baseUrl}/__sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules }),
  });
  if (!res.ok) throw new Error(`${baseUrl}/__sim/faults refused the rules: ${res.status} ${await res.text()}`);
}

/** How often each kind of fault effect fired (status, drop, …). */
async function faultKinds(baseUrl: string): Promise<Record<string, number>> {
  const res = await fetch(`${baseUrl}/__sim/faults`);
  const body = (await res.json()) as { history: Array<{ effect: string }> };
  const out: Record<string, number> = {};
  for (const h of body.history) out[h.effect] = (out[h.effect] ?? 0) + 1;
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
