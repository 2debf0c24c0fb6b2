import { timingSafeEqual } from 'node:crypto';
import type { Handler, Router, SimContext, SimRequest, SimResponse } from '../core/index.ts';
import { checkHoldBody, holdBody, placeHold, releaseHold } from './holds.ts';
import { parseOrder } from './orders.ts';
import { envelope } from './payloads.ts';
import type { RetainedState } from './state.ts';
import type { BatchRecord, MesOrder, MesStore } from './store.ts';
import type { PlantLayout } from './types.ts';
import type { UnsPublisher } from './uns.ts';
import { apiError, seededUuid, stableJson } from './util.ts';
import { addWebhookRoutes } from './webhooks.ts';

export const API_BASE = '/mes/api/v1';
export const DEFAULT_API_KEY = 'mes-sim-key';

export interface RestDeps {
  readonly ctx: SimContext;
  readonly store: MesStore;
  readonly state: RetainedState;
  readonly publisher: UnsPublisher;
  readonly sites: Readonly<Record<string, PlantLayout>>;
  readonly topicBase: (plant: string, line: string) => string;
  readonly source: (plant: string) => string;
  /** false: no auth. */
  readonly apiKey: string | false;
}

/**
 * API-key auth as the Millrace http connection sends it: `X-API-Key: <key>` (its default
 * header), or `Authorization: Bearer <key>` / `ApiKey <key>`. 401 with a JSON error otherwise.
 */
function guardFor(apiKey: string | false) {
  return (h: Handler): Handler =>
    (req: SimRequest) => {
      if (apiKey === false) return h(req);
      const header = req.headers['x-api-key'];
      const auth = req.headers.authorization;
      const given =
        typeof header === 'string' ? header : typeof auth === 'string' ? auth.replace(/^(Bearer|ApiKey)\s+/i, '') : '';
      const a = Buffer.from(given);
      const b = Buffer.from(apiKey);
      if (a.length === b.length && timingSafeEqual(a, b)) return h(req);
      return {
        status: 401,
        headers: { 'www-authenticate': 'ApiKey header="X-API-Key"' },
        body: { error: { code: 'UNAUTHORIZED', message: 'send the MES API key in X-API-Key' } },
      };
    };
}

export function addMesApi(router: Router, deps: RestDeps): void {
  const { store, ctx } = deps;
  const guard = guardFor(deps.apiKey);
  const b = API_BASE;

  router.post(
    `${b}/orders`,
    guard((req) => receiveOrder(req.body, deps)),
  );
  router.get(
    `${b}/orders`,
    guard(() => ({ status: 200, body: { orders: [...store.orders.values()].map(orderBody) } })),
  );
  router.get(
    `${b}/orders/:id`,
    guard((req) => {
      const o = store.orders.get(req.params.id!);
      return o ? { status: 200, body: orderBody(o) } : apiError(404, 'ORDER_NOT_FOUND', `no order ${req.params.id}`);
    }),
  );
  router.get(
    `${b}/batches/:lotId`,
    guard((req) => {
      const r = store.batches.get(req.params.lotId!);
      return r ? { status: 200, body: batchBody(r, store) } : lotNotFound(req.params.lotId!);
    }),
  );
  router.get(
    `${b}/batches/:lotId/ebr-summary`,
    guard((req) => {
      const r = store.batches.get(req.params.lotId!);
      return r ? { status: 200, body: ebrSummary(r, store) } : lotNotFound(req.params.lotId!);
    }),
  );
  router.get(
    `${b}/batches/:lotId/holds`,
    guard((req) => {
      const r = store.batches.get(req.params.lotId!);
      if (!r) return lotNotFound(req.params.lotId!);
      return { status: 200, body: { holds: r.holds.map((id) => holdBody(store.holds.get(id)!)) } };
    }),
  );
  router.post(
    `${b}/batches/:lotId/holds`,
    guard((req) => postHold(req, deps)),
  );
  router.post(
    `${b}/batches/:lotId/holds/:holdId/release`,
    guard(async (req) => {
      const hold = store.holds.get(req.params.holdId!);
      if (!hold || hold.lotId !== req.params.lotId)
        return apiError(404, 'HOLD_NOT_FOUND', `lot ${req.params.lotId} has no hold ${req.params.holdId}`);
      if (hold.status !== 'active')
        return apiError(409, 'ILLEGAL_TRANSITION', `hold ${hold.holdId} is ${hold.status}`, {
          currentState: hold.status,
          allowedNextStates: [],
        });
      await releaseHold(hold, { store, state: deps.state, ctx });
      return { status: 200, body: holdBody(hold) };
    }),
  );
  addWebhookRoutes(router, b, store, ctx, guard);
}

const lotNotFound = (lotId: string) => apiError(404, 'LOT_NOT_FOUND', `the MES has no lot ${lotId}`);

/**
 * The hold, per mes.send-hold: 201 `{ holdId, status: "active" }`; 409 HOLD_ACTIVE with
 * `existingId` when the lot is on hold already; 404 for an unknown lot; 422/400 for a bad body.
 * The same Idempotency-Key with the same body gets the first answer again; with another body,
 * 422 IDEMPOTENCY_KEY_REUSED.
 */
async function postHold(req: SimRequest, deps: RestDeps): Promise<SimResponse> {
  const lotId = req.params.lotId!;
  const key = req.headers['idempotency-key'];
  const fingerprint = `${lotId}|${req.body === undefined ? req.bodyText : stableJson(req.body)}`;
  if (typeof key === 'string' && key !== '') {
    const seen = deps.store.holdKeys.get(key);
    if (seen && seen.body !== fingerprint)
      return apiError(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key came with a different request before');
    if (seen) return { status: seen.status, headers: { 'idempotent-replayed': 'true' }, body: seen.answer };
  }
  const checked = checkHoldBody(req.body, lotId);
  if (!checked.ok) return apiError(checked.status, checked.code, checked.message, { fields: checked.fields });
  const outcome = await placeHold(
    {
      lotId,
      reason: checked.reason,
      holdType: checked.holdType,
      ...(checked.requestedBy ? { requestedBy: checked.requestedBy } : {}),
      ...(checked.runId ? { runId: checked.runId } : {}),
      via: 'http',
    },
    { store: deps.store, state: deps.state, ctx: deps.ctx },
  );
  if (outcome.kind === 'unknown-lot') return lotNotFound(lotId);
  if (outcome.kind === 'already')
    return apiError(409, 'HOLD_ACTIVE', `lot ${lotId} is already on hold (${outcome.hold.holdId})`, {
      existingId: outcome.hold.holdId,
      currentState: 'on_hold',
    });
  const answer = holdBody(outcome.hold);
  if (typeof key === 'string' && key !== '') deps.store.holdKeys.set(key, { body: fingerprint, status: 201, answer });
  return { status: 201, headers: { location: `${API_BASE}/batches/${encodeURIComponent(lotId)}/holds` }, body: answer };
}

/** An order download (also used by /__sim/seed): stored, order-received published, retained state set. */
export async function receiveOrder(body: unknown, deps: RestDeps): Promise<SimResponse> {
  const parsed = parseOrder(body, deps.sites);
  if (!parsed.ok)
    return apiError(parsed.status, parsed.code, parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; '), {
      problems: parsed.problems,
    });
  const o = parsed.order;
  const existing = deps.store.orders.get(o.orderNumber);
  if (existing) {
    const same =
      existing.materialId === o.materialId &&
      existing.plantId === o.plantId &&
      Number(existing.plannedQty.value) === Number(o.plannedQty.value);
    // The ERP sends an order again after a timeout: the same order is not a conflict.
    return same
      ? { status: 200, body: orderBody(existing) }
      : apiError(409, 'ORDER_EXISTS', `order ${o.orderNumber} exists with other data`, { existingId: o.orderNumber });
  }
  const layout = deps.sites[o.plantId]!;
  const line = o.line ?? layout.lines[0]!;
  const now = deps.ctx.clock.iso();
  const eventId = seededUuid(deps.ctx.rng);
  const order: MesOrder = {
    ...o,
    line,
    topicBase: deps.topicBase(o.plantId, line),
    mesJobId: `JOB-${o.orderNumber}`,
    source: 'rest',
    status: 'received',
    lots: [],
    receivedAt: now,
    updatedAt: now,
    eventId,
  };
  deps.store.orders.set(o.orderNumber, order);
  const event = envelope('order-received', eventId, deps.source(o.plantId), now, o.orderNumber, o.orderNumber, {
    productionOrderId: o.orderNumber,
    orderNumber: o.orderNumber,
    orderType: o.orderType,
    materialId: o.materialId,
    plantId: o.plantId,
    plannedQty: { value: o.plannedQty.value, uom: o.plannedQty.unit === 'KG' ? 'KGM' : o.plannedQty.unit },
    mesJobId: order.mesJobId,
    line,
    receivedAt: now,
  });
  await deps.publisher.publishEvent(`${order.topicBase}/events/order-received`, event, {
    eventId,
    type: event.type,
    name: 'order-received',
  });
  await deps.state.order(order);
  return { status: 201, headers: { location: `${API_BASE}/orders/${order.orderNumber}` }, body: orderBody(order) };
}

function orderBody(o: MesOrder) {
  const { topicBase: _t, ...rest } = o;
  return rest;
}

function batchBody(r: BatchRecord, store: MesStore) {
  const c = r.completion;
  return {
    lotId: r.lotId,
    erpBatch: r.erpBatch,
    batchId: r.batchId,
    orderNumber: r.orderNumber,
    materialId: r.materialId,
    plantId: r.plantId,
    hierarchyScope: r.hierarchyScope,
    status: r.status,
    startTime: r.startTime,
    ...(r.endTime ? { endTime: r.endTime } : {}),
    ...(c ? { quantity: c.producedLot.qty, manufactureDate: c.producedLot.manufactureDate } : {}),
    ...(c ? { expiryDate: c.producedLot.expiryDate } : {}),
    consumption: r.consumption,
    processParameters: c?.processParameters ?? [],
    equipment: c?.equipment ?? [],
    exceptions: c?.exceptions ?? [],
    // Genealogy one level each way: the lots consumed into this one (none go out of it yet).
    genealogy: {
      parents: r.consumption.map((x) => ({
        lotId: x.lotId,
        materialId: x.materialId,
        qty: x.qty,
        materialUse: 'consumed',
      })),
      children: [],
    },
    holds: r.holds.map((id) => holdBody(store.holds.get(id)!)),
    eventIds: r.eventIds,
    ...(r.runId ? { runId: r.runId } : {}),
  };
}

/** Review by exception: what a QA reviewer must look at before release, and the record hash. */
function ebrSummary(r: BatchRecord, store: MesStore) {
  const c = r.completion;
  const params = c?.processParameters ?? [];
  const exceptions = c?.exceptions ?? [];
  const active = store.activeHold(r.lotId);
  return {
    lotId: r.lotId,
    batchId: r.batchId,
    orderNumber: r.orderNumber,
    status: r.status,
    complete: c !== undefined,
    reviewByException: c !== undefined && exceptions.length === 0,
    exceptionCount: exceptions.length,
    exceptions,
    parameters: {
      total: params.length,
      inSpec: params.filter((p) => p.inSpec).length,
      outOfSpec: params.filter((p) => !p.inSpec).map((p) => ({ name: p.name, value: p.value, uom: p.uom })),
    },
    recordHash: c?.ebr?.recordHash ?? null,
    activeHold: active ? holdBody(active) : null,
  };
}
