import type { BatchCompletion } from '@millrace/canonical';
import {
  batchStartedData,
  batchTimes,
  completionData,
  consumptionData,
  deviationData,
  envelope,
  EVENT_TYPES,
  hierarchyScope,
  orderReceivedData,
  type CloudEventOut,
  type EventName,
} from './payloads.ts';
import type { RetainedState } from './state.ts';
import type { BatchRecord, MesStore } from './store.ts';
import type { MalformedKind, ParameterSpec, PlannedBatch, PublishRecord } from './types.ts';
import type { UnsPublisher } from './uns.ts';

/** One UNS event of a batch, ready to publish, and what the MES's own records do at that moment. */
export interface Step {
  readonly name: EventName;
  readonly eventId: string;
  readonly topic: string;
  /** The CloudEvent, or text for an invalid-JSON event. */
  readonly body: CloudEventOut | string;
  readonly apply: (store: MesStore) => void;
  readonly orderNumber: string;
  /** The produced lot the event belongs to (none for order-received: the batch has not started). */
  readonly lotId?: string;
  /** Retained state to refresh after the event. */
  readonly state: { readonly order?: boolean; readonly lot?: boolean };
}

export interface PreparedBatch {
  readonly batch: PlannedBatch;
  readonly steps: readonly Step[];
  /** The batch-completed as the MES recorded it (valid even when the published one is malformed). */
  readonly completion: BatchCompletion;
}

/**
 * The events of one batch with their times fixed now (the batch ends at `endMs`), in the order
 * they go out: order-received, batch-started, material-consumed per component, a deviation for
 * an out-of-spec parameter, batch-completed. A reordered batch sends batch-completed before its
 * last material-consumed; a malformed one sends a broken batch-completed.
 */
export function prepareBatch(
  b: PlannedBatch,
  o: { specs: readonly ParameterSpec[]; endMs: number; source: string; runId?: string },
): PreparedBatch {
  const t = batchTimes(b, o.endMs);
  const ev = (name: EventName, id: string, time: string, subject: string, data: unknown) =>
    envelope(name, id, o.source, time, subject, b.orderNumber, data);
  const topic = (name: EventName) => `${b.topicBase}/events/${name}`;
  const completion = completionData(b, o.specs, t);

  const steps: Step[] = [
    {
      name: 'order-received',
      eventId: b.eventIds.orderReceived,
      topic: topic('order-received'),
      orderNumber: b.orderNumber,
      body: ev('order-received', b.eventIds.orderReceived, t.start, b.orderNumber, orderReceivedData(b, t.start)),
      apply: (store) => {
        if (store.orders.has(b.orderNumber)) return;
        store.orders.set(b.orderNumber, {
          orderNumber: b.orderNumber,
          orderType: b.orderType,
          materialId: b.materialId,
          plantId: b.plant,
          plannedQty: b.plannedQuantity,
          line: b.line,
          topicBase: b.topicBase,
          mesJobId: b.batchId,
          erpBatch: b.erpBatch,
          source: 'scenario',
          status: 'received',
          lots: [],
          receivedAt: t.start,
          updatedAt: t.start,
          eventId: b.eventIds.orderReceived,
        });
      },
      state: { order: true },
    },
    {
      name: 'batch-started',
      eventId: b.eventIds.batchStarted,
      topic: topic('batch-started'),
      orderNumber: b.orderNumber,
      lotId: b.lotId,
      body: ev('batch-started', b.eventIds.batchStarted, t.start, b.lotId, batchStartedData(b, t.start)),
      apply: (store) => {
        const order = store.orders.get(b.orderNumber)!;
        order.status = 'in_execution';
        order.updatedAt = t.start;
        if (!order.lots.includes(b.lotId)) order.lots.push(b.lotId);
        const record: BatchRecord = {
          lotId: b.lotId,
          erpBatch: b.erpBatch,
          batchId: b.batchId,
          orderNumber: b.orderNumber,
          materialId: b.materialId,
          plantId: b.plant,
          hierarchyScope: hierarchyScope(b),
          topicBase: b.topicBase,
          status: 'in_process',
          startTime: t.start,
          consumption: [],
          holds: [],
          eventIds: [],
          ...(o.runId ? { runId: o.runId } : {}),
        };
        store.batches.set(b.lotId, record);
      },
      state: { order: true, lot: true },
    },
  ];
  const consumed: Step[] = b.components.map((c, i) => {
    const data = consumptionData(b, i, t.consumed[i]!);
    const id = b.eventIds.materialConsumed[i]!;
    return {
      name: 'material-consumed',
      eventId: id,
      topic: topic('material-consumed'),
      orderNumber: b.orderNumber,
      lotId: b.lotId,
      body: ev('material-consumed', id, t.consumed[i]!, c.lotId, data),
      apply: (store) => {
        store.batches.get(b.lotId)?.consumption.push({
          lotId: data.lotId,
          materialId: data.materialId,
          qty: data.qty,
          materialUse: 'consumed',
          ...(data.phase ? { phase: data.phase } : {}),
        });
      },
      state: {},
    };
  });
  const deviation: Step[] = [];
  if (b.eventIds.deviationRaised && b.outOfSpecParameter) {
    const spec = o.specs.find((s) => s.id === b.outOfSpecParameter)!;
    const value = b.parameters.find((p) => p.id === spec.id)!.value;
    const id = b.eventIds.deviationRaised;
    deviation.push({
      name: 'deviation-raised',
      eventId: id,
      topic: topic('deviation-raised'),
      orderNumber: b.orderNumber,
      lotId: b.lotId,
      body: ev('deviation-raised', id, t.deviation, b.lotId, deviationData(b, spec, value, t.deviation)),
      apply: () => undefined,
      state: {},
    });
  }
  const goodEvent = ev('batch-completed', b.eventIds.batchCompleted, t.end, b.lotId, completion);
  const completed: Step = {
    name: 'batch-completed',
    eventId: b.eventIds.batchCompleted,
    topic: topic('batch-completed'),
    orderNumber: b.orderNumber,
    lotId: b.lotId,
    body: b.malformedKind ? malform(goodEvent, b.malformedKind) : goodEvent,
    apply: (store) => {
      const record = store.batches.get(b.lotId);
      const order = store.orders.get(b.orderNumber);
      if (record) {
        if (record.status === 'on_hold') record.statusBeforeHold = 'completed';
        else record.status = 'completed';
        record.endTime = t.end;
        record.completion = completion;
      }
      if (order) {
        order.status = 'completed';
        order.updatedAt = t.end;
      }
    },
    state: { order: true, lot: true },
  };
  // In time order (the deviation is raised late in the batch), unless reordered on purpose.
  const last = consumed.pop()!;
  const tail = b.reordered ? [...deviation, completed, last] : [last, ...deviation, completed];
  return { batch: b, completion, steps: [...steps, ...consumed, ...tail] };
}

/** A deliberately broken batch-completed: the consumer must route it aside, not crash on it. */
export function malform(event: CloudEventOut, kind: MalformedKind): CloudEventOut | string {
  const data = event.data as BatchCompletion;
  switch (kind) {
    case 'invalid-json': {
      const text = JSON.stringify(event);
      return text.slice(0, Math.floor(text.length * 0.6));
    }
    case 'missing-producedLot': {
      const { producedLot: _gone, ...rest } = data;
      return { ...event, data: rest };
    }
    case 'erpBatch-too-long':
      return {
        ...event,
        data: {
          ...data,
          producedLot: { ...data.producedLot, erpBatch: `${data.producedLot.erpBatch ?? ''}-OVERLONG` },
        },
      };
  }
}

/** Publishes the steps in order, applying each to the store and refreshing retained state. */
export async function publishSteps(
  steps: readonly Step[],
  deps: { publisher: UnsPublisher; state: RetainedState; store: MesStore },
  onRecord: (r: PublishRecord) => void,
): Promise<void> {
  for (const s of steps) {
    s.apply(deps.store);
    const record = s.lotId ? deps.store.batches.get(s.lotId) : undefined;
    record?.eventIds.push(s.eventId);
    await deps.publisher.publishEvent(s.topic, s.body, {
      eventId: s.eventId,
      type: EVENT_TYPES[s.name],
      name: s.name,
      onRecord,
    });
    const order = deps.store.orders.get(s.orderNumber);
    if (s.state.order && order) await deps.state.order(order);
    if (s.state.lot && record) await deps.state.lot(record);
  }
}
