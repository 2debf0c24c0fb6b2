import { Rng } from '../core/index.ts';
import {
  DEFAULT_PARAMETERS,
  MALFORMED_KINDS,
  type MalformedKind,
  type ParameterSpec,
  type PlannedBatch,
  type PlannedParameter,
  type PlantLayout,
  type ScenarioOptions,
  type ScenarioPlan,
} from './types.ts';
import { dec, mixSeed, seededUuid } from './util.ts';

/** Bad scenario options: the REST layer answers 400 with these problems. */
export class ScenarioOptionsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid scenario options: ${problems.join('; ')}`);
  }
}

/** Where numbering continues from: ids stay unique across the runs of one simulator. */
export interface PlanCounters {
  readonly runs: number;
  readonly orders: number;
  readonly lots: number;
}

export interface PlanContext {
  readonly seed: number;
  readonly counters: PlanCounters;
  readonly sites: Readonly<Record<string, PlantLayout>>;
  readonly enterprise: string;
  /** Prepended to every UNS topic ('' or ending in '/'): parallel tests on one broker do not collide. */
  readonly topicPrefix: string;
  readonly orderNumberBase: number;
}

const FG = 'FG-1000';
const COMPONENTS = [
  { materialId: 'RM-2001', share: 0.62, phase: 'CHARGING', equipmentId: 'reactor-01' },
  { materialId: 'RM-2002', share: 0.41, phase: 'BLENDING', equipmentId: 'reactor-01' },
];

const rate = (v: unknown, name: string, problems: string[]): number => {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) problems.push(`${name} must be a number from 0 to 1`);
  return typeof v === 'number' ? v : 0;
};

export function normalizeOptions(o: ScenarioOptions, sites: Readonly<Record<string, PlantLayout>>) {
  const problems: string[] = [];
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ScenarioOptionsError(['send an object']);
  const batches = o.batches ?? 10;
  if (!Number.isInteger(batches) || batches < 1 || batches > 5000)
    problems.push('batches must be a whole number from 1 to 5000');
  const ratePerSec = o.ratePerSec ?? 0;
  if (typeof ratePerSec !== 'number' || !(ratePerSec >= 0)) problems.push('ratePerSec must be a number ≥ 0');
  const pacing = o.pacing ?? 'virtual';
  if (pacing !== 'virtual' && pacing !== 'real') problems.push('pacing must be "virtual" or "real"');
  const plants = o.plants ?? Object.keys(sites).slice(0, 2);
  if (!Array.isArray(plants) || plants.length === 0) problems.push('plants must be a non-empty list');
  else
    for (const p of plants)
      if (!sites[p]) problems.push(`plant ${String(p)} is not configured; known: ${Object.keys(sites).join(', ')}`);
  const malformedKinds = o.malformedKinds ?? MALFORMED_KINDS;
  if (!Array.isArray(malformedKinds) || malformedKinds.some((k) => !MALFORMED_KINDS.includes(k)))
    problems.push(`malformedKinds must list some of ${MALFORMED_KINDS.join(', ')}`);
  const clockSkewMinutes = o.clockSkewMinutes ?? 0;
  if (typeof clockSkewMinutes !== 'number' || !Number.isFinite(clockSkewMinutes))
    problems.push('clockSkewMinutes must be a number');
  if (o.edgeDeathAtBatch !== undefined && !(Number.isInteger(o.edgeDeathAtBatch) && o.edgeDeathAtBatch >= 1))
    problems.push('edgeDeathAtBatch must be a whole number ≥ 1');
  if (o.seed !== undefined && !Number.isInteger(o.seed)) problems.push('seed must be a whole number');
  const parameters = mergeParameters(o.parameters, problems);
  const normalized = {
    batches,
    ratePerSec,
    pacing,
    outOfSpecRate: rate(o.outOfSpecRate, 'outOfSpecRate', problems),
    duplicateRate: rate(o.duplicateRate, 'duplicateRate', problems),
    malformedRate: rate(o.malformedRate, 'malformedRate', problems),
    outOfOrderRate: rate(o.outOfOrderRate, 'outOfOrderRate', problems),
    lateRate: rate(o.lateRate, 'lateRate', problems),
    clockSkewMinutes,
    plants: [...plants],
    malformedKinds: [...malformedKinds],
    deviations: o.deviations ?? true,
    parameters,
    ...(o.edgeDeathAtBatch === undefined ? {} : { edgeDeathAtBatch: o.edgeDeathAtBatch }),
  };
  const outOfSpec = Math.round(normalized.outOfSpecRate * batches);
  const malformed = Math.round(normalized.malformedRate * batches);
  if (malformed > 0 && normalized.malformedKinds.length === 0) problems.push('malformedKinds must not be empty');
  if (outOfSpec + malformed > batches) problems.push('outOfSpecRate + malformedRate must not exceed 1');
  if (problems.length > 0) throw new ScenarioOptionsError(problems);
  return normalized as ScenarioPlan['options'];
}

function mergeParameters(overrides: ScenarioOptions['parameters'], problems: string[]): ParameterSpec[] {
  const specs = DEFAULT_PARAMETERS.map((p) => ({ ...p }));
  if (overrides === undefined) return specs;
  if (!Array.isArray(overrides)) {
    problems.push('parameters must be a list of { id, … }');
    return specs;
  }
  for (const o of overrides) {
    if (!o || typeof o.id !== 'string' || o.id === '') {
      problems.push('every parameter needs an id');
      continue;
    }
    const i = specs.findIndex((s) => s.id === o.id);
    const merged = { ...(i >= 0 ? specs[i] : { decimals: 2, phase: 'PROCESS', equipmentId: 'reactor-01' }), ...o };
    if (typeof merged.uom !== 'string' || typeof merged.target !== 'number')
      problems.push(`parameter ${o.id} needs uom and target`);
    else if (merged.lower === undefined && merged.upper === undefined)
      problems.push(`parameter ${o.id} needs a lower or an upper limit`);
    else if (merged.lower !== undefined && merged.upper !== undefined && merged.lower >= merged.upper)
      problems.push(`parameter ${o.id}: lower must be below upper`);
    if (i >= 0) specs[i] = merged as ParameterSpec;
    else specs.push(merged as ParameterSpec);
  }
  return specs;
}

/** Picks exactly `count` of `n` positions (0-based), seeded. */
function pick(rng: Rng, n: number, count: number, exclude: ReadonlySet<number> = new Set()): Set<number> {
  const pool = Array.from({ length: n }, (_, i) => i).filter((i) => !exclude.has(i));
  for (let i = pool.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return new Set(pool.slice(0, Math.min(count, pool.length)));
}

/** A value inside the limits (with a margin), or just outside one of them. */
function parameterValue(rng: Rng, s: ParameterSpec, inSpec: boolean): string {
  const step = 10 ** -s.decimals;
  const lo = s.lower ?? Math.max(0, s.target - 2 * ((s.upper ?? s.target) - s.target || 1));
  const hi = s.upper ?? s.target + 2 * (s.target - lo || 1);
  if (inSpec) {
    const margin = (hi - lo) * 0.1;
    return dec(lo + margin + rng.next() * (hi - lo - 2 * margin), s.decimals);
  }
  const overshoot = step + rng.next() * (hi - lo) * 0.3;
  const above = s.upper !== undefined && (s.lower === undefined || rng.chance(0.5));
  // Rounded away from the limit, so the decimal string itself is outside it.
  return above
    ? dec(Math.ceil((s.upper! + overshoot) / step) * step, s.decimals)
    : dec(Math.max(0, Math.floor((s.lower! - overshoot) / step) * step), s.decimals);
}

/** What one batch is made from; everything else is drawn from the generator. */
export interface BatchSeed {
  readonly index: number;
  readonly orderNumber: string;
  readonly orderType: string;
  readonly materialId: string;
  readonly plant: string;
  readonly layout: PlantLayout;
  readonly line: string;
  readonly topicBase: string;
  readonly lotSeq: number;
  readonly plannedQty: number;
  /** SAP unit of the order; default KG. */
  readonly unit?: string;
  readonly batchId?: string;
  readonly erpBatch?: string;
  readonly specs: readonly ParameterSpec[];
  /** true: a parameter drawn at random; a string: that parameter. */
  readonly outOfSpec: boolean | string;
  readonly malformedKind?: MalformedKind;
  readonly duplicated: boolean;
  readonly reordered: boolean;
  readonly late: boolean;
  readonly deviations: boolean;
  /** The id of an order-received already published (an order downloaded over REST). */
  readonly orderReceivedId?: string;
}

/** One planned batch: quantities, parameter values, component lots and event ids, seeded. */
export function buildBatch(rng: Rng, b: BatchSeed): PlannedBatch {
  const unit = b.unit ?? 'KG';
  const produced = b.plannedQty * (0.95 + rng.next() * 0.05);
  const oosIndex =
    typeof b.outOfSpec === 'string'
      ? b.specs.findIndex((s) => s.id === b.outOfSpec)
      : b.outOfSpec
        ? rng.int(0, b.specs.length - 1)
        : -1;
  const parameters: PlannedParameter[] = b.specs.map((s, k) => {
    const inSpec = k !== oosIndex;
    return { id: s.id, value: parameterValue(rng, s, inSpec), inSpec };
  });
  const outcome = b.malformedKind ? 'malformed' : oosIndex >= 0 ? 'out-of-spec' : 'good';
  const pad = String(b.lotSeq).padStart(6, '0');
  return {
    index: b.index,
    orderNumber: b.orderNumber,
    orderType: b.orderType,
    materialId: b.materialId,
    plant: b.plant,
    site: b.layout.site,
    area: b.layout.area,
    line: b.line,
    topicBase: b.topicBase,
    batchId: b.batchId ?? `JOB-${pad}`,
    lotId: `LOT-${b.plant}-${pad}`,
    erpBatch: b.erpBatch ?? `FG${pad}`,
    plannedQuantity: { value: dec(b.plannedQty, 3), unit },
    quantity: { value: dec(produced, 3), unit },
    components: COMPONENTS.map((c, k) => ({
      materialId: c.materialId,
      lotId: `${c.materialId}-L${pad}`,
      erpBatch: `R${k + 1}${pad}`,
      quantity: { value: dec(produced * c.share * (0.99 + rng.next() * 0.02), 3), unit },
      phase: c.phase,
      equipmentId: c.equipmentId,
    })),
    parameters,
    durationMinutes: rng.int(240, 480),
    outcome,
    ...(oosIndex >= 0 ? { outOfSpecParameter: b.specs[oosIndex]!.id } : {}),
    ...(b.malformedKind ? { malformedKind: b.malformedKind } : {}),
    duplicated: b.duplicated,
    reordered: b.reordered,
    late: b.late,
    eventIds: {
      orderReceived: b.orderReceivedId ?? seededUuid(rng),
      batchStarted: seededUuid(rng),
      materialConsumed: COMPONENTS.map(() => seededUuid(rng)),
      ...(oosIndex >= 0 && b.deviations ? { deviationRaised: seededUuid(rng) } : {}),
      batchCompleted: seededUuid(rng),
    },
  };
}

/**
 * The plan of the next run: orders, lots, quantities, parameter values, event ids and which
 * batches get which deliberate defect, all from the seed. Running the scenario publishes exactly
 * this (plus whatever the fault rules add), so a test can seed the ERP with these lots first.
 */
export function planScenario(options: ScenarioOptions, pc: PlanContext): ScenarioPlan {
  const o = normalizeOptions(options, pc.sites);
  const runNo = pc.counters.runs + 1;
  const seed = options.seed ?? mixSeed(pc.seed, runNo);
  const rng = new Rng(seed);
  const n = o.batches;
  const malformed = pick(rng, n, Math.round(o.malformedRate * n));
  const outOfSpec = pick(rng, n, Math.round(o.outOfSpecRate * n), malformed);
  const duplicated = pick(rng, n, Math.round(o.duplicateRate * n));
  const reordered = pick(rng, n, Math.round(o.outOfOrderRate * n));
  const late = pick(rng, n, Math.round(o.lateRate * n));
  let malformedTurn = 0;

  const batches: PlannedBatch[] = [];
  for (let i = 0; i < n; i++) {
    const plant = o.plants[i % o.plants.length]!;
    const layout = pc.sites[plant]!;
    const line = layout.lines[Math.floor(i / o.plants.length) % layout.lines.length]!;
    const outcome = malformed.has(i) ? 'malformed' : outOfSpec.has(i) ? 'out-of-spec' : 'good';
    batches.push(
      buildBatch(rng, {
        index: i + 1,
        orderNumber: String(pc.orderNumberBase + pc.counters.orders + i + 1),
        orderType: 'PI01',
        materialId: FG,
        plant,
        layout,
        line,
        topicBase: `${pc.topicPrefix}${pc.enterprise}/${layout.site}/${layout.area}/${line}/mes`,
        lotSeq: pc.counters.lots + i + 1,
        plannedQty: 500,
        specs: o.parameters,
        outOfSpec: outcome === 'out-of-spec',
        ...(outcome === 'malformed'
          ? { malformedKind: o.malformedKinds[malformedTurn++ % o.malformedKinds.length]! }
          : {}),
        duplicated: duplicated.has(i),
        reordered: reordered.has(i),
        late: late.has(i),
        deviations: o.deviations,
      }),
    );
  }
  return {
    runId: `RUN-${String(runNo).padStart(4, '0')}`,
    seed,
    options: o,
    batches,
    orders: batches.map((b) => ({
      orderNumber: b.orderNumber,
      orderType: b.orderType,
      materialId: b.materialId,
      plant: b.plant,
      quantity: b.plannedQuantity,
    })),
    lots: batches.map((b) => ({
      lotId: b.lotId,
      erpBatch: b.erpBatch,
      orderNumber: b.orderNumber,
      materialId: b.materialId,
      plant: b.plant,
      quantity: b.quantity,
    })),
  };
}
