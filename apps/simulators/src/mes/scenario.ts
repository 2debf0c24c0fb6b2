import type { SimContext } from '../core/index.ts';
import { prepareBatch, publishSteps, type PreparedBatch } from './batch.ts';
import { planScenario, type PlanContext } from './plan.ts';
import type { SparkplugEdge } from './sparkplug.ts';
import type { RetainedState } from './state.ts';
import type { MesStore } from './store.ts';
import type { LotTruth, PlannedBatch, PublishRecord, ScenarioOptions, ScenarioPlan, ScenarioResult } from './types.ts';
import type { UnsPublisher } from './uns.ts';
import { sleep } from './util.ts';

export interface ScenarioDeps {
  readonly ctx: SimContext;
  readonly store: MesStore;
  readonly publisher: UnsPublisher;
  readonly state: RetainedState;
  readonly edge?: SparkplugEdge;
  readonly planContext: () => PlanContext;
  readonly beforeScenario?: (plan: ScenarioPlan) => Promise<void>;
  /** CloudEvents `source` of a plant: `/<enterprise>/<site>/mes`. */
  readonly source: (b: PlannedBatch) => string;
}

/**
 * Runs a scenario: the plan's batches one after another (order-received, batch-started,
 * material-consumed, deviation-raised for an out-of-spec batch, batch-completed), paced on the
 * virtual clock or in real time. Duplicates of a batch-completed go out after the next batch,
 * late batches in one burst at the end. Resolves once every delivery (delayed ones included) is
 * out, with the ground truth: per lot what it was meant to be and what was published.
 */
export async function runScenario(options: ScenarioOptions, deps: ScenarioDeps): Promise<ScenarioResult> {
  const { ctx, store, publisher, edge } = deps;
  const plan = planScenario(options, deps.planContext());
  const o = plan.options;
  // Numbering is taken at once, so a run started meanwhile gets ids of its own.
  store.counters.runs++;
  store.counters.orders += plan.batches.length;
  store.counters.lots += plan.batches.length;
  await deps.beforeScenario?.(plan);

  const startedAt = ctx.clock.iso();
  const records = new Map<string, PublishRecord[]>();
  const onRecord = (lotId: string) => (r: PublishRecord) => records.get(lotId)!.push(r);
  const specs = o.parameters;
  const skewMs = o.clockSkewMinutes * 60_000;
  const deps2 = { publisher, state: deps.state, store };
  let dueDuplicates: PreparedBatch[] = [];
  const late: PreparedBatch[] = [];
  let edgeDeath: ScenarioResult['edgeDeath'];

  const redeliver = async (list: readonly PreparedBatch[]) => {
    for (const p of list) {
      const step = p.steps.find((s) => s.name === 'batch-completed')!;
      await publisher.publishEvent(
        step.topic,
        step.body,
        { eventId: step.eventId, type: 'mes.batch.completed.v1', name: step.name, onRecord: onRecord(p.batch.lotId) },
        true,
      );
    }
  };

  for (const b of plan.batches) {
    records.set(b.lotId, []);
    const prepared = prepareBatch(b, {
      specs,
      endMs: ctx.clock.now() + skewMs,
      source: deps.source(b),
      runId: plan.runId,
    });
    if (edge) telemetryFor(edge, b);
    const killHere = edge !== undefined && edge.connected && o.edgeDeathAtBatch === b.index;
    if (b.late) late.push(prepared);
    const steps = b.late ? [] : prepared.steps;
    // An edge death hits mid-batch: after batch-started, before the consumption.
    await publishSteps(steps.slice(0, 2), deps2, onRecord(b.lotId));
    const bdSeqBefore = edge?.bdSeq ?? 0;
    if (killHere) await edge.kill();
    await publishSteps(steps.slice(2), deps2, onRecord(b.lotId));
    if (killHere) {
      await edge.rebirth();
      edgeDeath = { atBatch: b.index, bdSeqBefore, bdSeqAfter: edge.bdSeq };
    }

    await redeliver(dueDuplicates);
    dueDuplicates = b.duplicated ? [prepared] : [];
    if (o.ratePerSec > 0) {
      if (o.pacing === 'real') await sleep(1000 / o.ratePerSec);
      else ctx.clock.advance(1000 / o.ratePerSec);
    }
  }
  // Store-and-forward: the held-back batches arrive together, with their original (old) times.
  for (const p of late) await publishSteps(p.steps, deps2, onRecord(p.batch.lotId));
  await redeliver(dueDuplicates);
  await publisher.flush();

  const lots = plan.batches.map((b) => truthOf(b, records.get(b.lotId)!));
  const all = lots.flatMap((l) => l.publishes);
  const count = (f: (l: LotTruth) => boolean) => lots.filter(f).length;
  const result: ScenarioResult = {
    runId: plan.runId,
    seed: plan.seed,
    startedAt,
    finishedAt: ctx.clock.iso(),
    plan,
    lots,
    counts: {
      batches: lots.length,
      good: count((l) => l.outcome === 'good'),
      outOfSpec: count((l) => l.outcome === 'out-of-spec'),
      malformed: count((l) => l.outcome === 'malformed'),
      duplicated: count((l) => l.duplicated),
      reordered: count((l) => l.reordered),
      late: count((l) => l.late),
      deviations: count((l) => l.eventIds.deviationRaised !== undefined),
      published: all.filter((p) => p.published).length,
      dropped: all.filter((p) => !p.published).length,
    },
    ...(edgeDeath ? { edgeDeath } : {}),
  };
  store.runs.push(result);
  if (store.runs.length > 50) store.runs.shift();
  return result;
}

/** The ground truth of one batch: what it was meant to be, and every delivery of its events. */
export function truthOf(b: PlannedBatch, publishes: readonly PublishRecord[]): LotTruth {
  return {
    lotId: b.lotId,
    erpBatch: b.erpBatch,
    orderNumber: b.orderNumber,
    batchId: b.batchId,
    plant: b.plant,
    line: b.line,
    outcome: b.outcome,
    ...(b.outOfSpecParameter ? { outOfSpecParameter: b.outOfSpecParameter } : {}),
    ...(b.malformedKind ? { malformedKind: b.malformedKind } : {}),
    duplicated: b.duplicated,
    reordered: b.reordered,
    late: b.late,
    faults: [...new Set(publishes.flatMap((p) => (p.fault ? [`${p.fault}:${p.topic.split('/').pop()}`] : [])))],
    eventIds: b.eventIds,
    publishes,
  };
}

/** The equipment shows the batch: its lot on every device, the dryer at the batch's values. */
export function telemetryFor(edge: SparkplugEdge, b: PlannedBatch): void {
  edge.setLot(b.lotId);
  const value = (id: string) => Number(b.parameters.find((p) => p.id === id)?.value);
  const temp = value('DRY-TEMP');
  const moisture = value('MOISTURE');
  if (Number.isFinite(temp)) edge.setMetric('dryer-02', 'Dryer/ProductTemperature', temp);
  if (Number.isFinite(moisture)) edge.setMetric('dryer-02', 'Dryer/Moisture', moisture);
}
