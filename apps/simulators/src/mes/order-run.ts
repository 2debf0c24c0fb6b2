import { Rng } from '../core/index.ts';
import { prepareBatch, publishSteps } from './batch.ts';
import { buildBatch } from './plan.ts';
import { telemetryFor, truthOf, type ScenarioDeps } from './scenario.ts';
import { DEFAULT_PARAMETERS, MALFORMED_KINDS, type LotTruth, type MalformedKind, type PublishRecord } from './types.ts';
import { mixSeed } from './util.ts';

export interface OrderRunOptions {
  /** Default 'good'. */
  readonly outcome?: 'good' | 'out-of-spec' | 'malformed';
  /** For 'out-of-spec': which parameter (DRY-TEMP, MOISTURE, ASSAY); default drawn from the seed. */
  readonly outOfSpecParameter?: string;
  /** For 'malformed': default 'missing-producedLot'. */
  readonly malformedKind?: MalformedKind;
  /** Publish the batch-completed a second time (same id, DUP). */
  readonly duplicate?: boolean;
  /** Publish batch-completed before the last material-consumed. */
  readonly reordered?: boolean;
}

export class OrderRunError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs one batch for an order the MES received over REST (the ERP's order download): the path
 * "order released → MES receives order → batch runs → batch completed" for an end-to-end test
 * that starts in the ERP. The order-received event went out when the order arrived, so the
 * batch starts at batch-started. Its lot takes the order's ERP batch (CHARG) when it has one.
 */
export async function runOrder(orderNumber: string, body: unknown, deps: ScenarioDeps): Promise<LotTruth> {
  const { store, ctx } = deps;
  const order = store.orders.get(orderNumber);
  if (!order) throw new OrderRunError(404, 'ORDER_NOT_FOUND', `no order ${orderNumber}`);
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body)))
    throw new OrderRunError(400, 'BAD_REQUEST', 'send the options as a JSON object');
  const o = (body ?? {}) as OrderRunOptions;
  const outcome = o.outcome ?? 'good';
  if (!['good', 'out-of-spec', 'malformed'].includes(outcome))
    throw new OrderRunError(400, 'INVALID_FIELD', 'outcome must be good, out-of-spec or malformed');
  if (o.outOfSpecParameter !== undefined && !DEFAULT_PARAMETERS.some((p) => p.id === o.outOfSpecParameter))
    throw new OrderRunError(
      400,
      'INVALID_FIELD',
      `outOfSpecParameter must be one of ${DEFAULT_PARAMETERS.map((p) => p.id).join(', ')}`,
    );
  if (o.malformedKind !== undefined && !MALFORMED_KINDS.includes(o.malformedKind))
    throw new OrderRunError(400, 'INVALID_FIELD', `malformedKind must be one of ${MALFORMED_KINDS.join(', ')}`);
  const layout = deps.planContext().sites[order.plantId]!;

  const lotSeq = ++store.counters.lots;
  const nth = order.lots.length + 1;
  const batch = buildBatch(new Rng(mixSeed(ctx.seed, 1_000_003, lotSeq)), {
    index: nth,
    orderNumber,
    orderType: order.orderType,
    materialId: order.materialId,
    plant: order.plantId,
    layout,
    line: order.line,
    topicBase: order.topicBase,
    lotSeq,
    plannedQty: Number(order.plannedQty.value),
    unit: order.plannedQty.unit,
    batchId: nth === 1 ? order.mesJobId : `${order.mesJobId}-${nth}`,
    ...(order.erpBatch && nth === 1 ? { erpBatch: order.erpBatch } : {}),
    specs: DEFAULT_PARAMETERS,
    outOfSpec: outcome === 'out-of-spec' ? (o.outOfSpecParameter ?? true) : false,
    ...(outcome === 'malformed' ? { malformedKind: o.malformedKind ?? 'missing-producedLot' } : {}),
    duplicated: o.duplicate === true,
    reordered: o.reordered === true,
    late: false,
    deviations: true,
    orderReceivedId: order.eventId,
  });
  const prepared = prepareBatch(batch, {
    specs: DEFAULT_PARAMETERS,
    endMs: ctx.clock.now(),
    source: deps.source(batch),
  });
  const records: PublishRecord[] = [];
  const onRecord = (r: PublishRecord) => records.push(r);
  if (deps.edge) telemetryFor(deps.edge, batch);
  const steps = prepared.steps.filter((s) => s.name !== 'order-received');
  await publishSteps(steps, { publisher: deps.publisher, state: deps.state, store }, onRecord);
  if (batch.duplicated) {
    const done = steps.find((s) => s.name === 'batch-completed')!;
    await deps.publisher.publishEvent(
      done.topic,
      done.body,
      { eventId: done.eventId, type: 'mes.batch.completed.v1', name: done.name, onRecord },
      true,
    );
  }
  await deps.publisher.flush();
  const truth = truthOf(batch, records);
  store.orderRuns.push(truth);
  return truth;
}
