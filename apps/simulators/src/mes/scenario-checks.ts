import { expect } from 'vitest';
import { validateEvent } from '@millrace/canonical';
import { judge, positionOf, tally, type Received } from './test-support.ts';
import type { ScenarioPlan, ScenarioResult } from './types.ts';

/**
 * The checks a scenario's message stream must pass, shared by the embedded-broker and the
 * Mosquitto test: what a subscriber received agrees with the plan and the ground truth.
 */
export function expectStreamMatchesTruth(plan: ScenarioPlan, result: ScenarioResult, received: readonly Received[]) {
  const events = received.filter((m) => m.topic.includes('/mes/events/'));
  // The plan shown before the run is the plan that ran.
  expect(result.plan).toEqual(plan);
  expect(events).toHaveLength(result.counts.published);

  // Counts a consumer arrives at from the bytes alone equal the ground truth.
  const t = tally(events);
  expect(t.problems).toEqual([]);
  expect({ good: t.good, outOfSpec: t.outOfSpec, malformed: t.malformed, duplicated: t.duplicated }).toEqual({
    good: result.counts.good,
    outOfSpec: result.counts.outOfSpec,
    malformed: result.counts.malformed,
    duplicated: result.counts.duplicated,
  });

  for (const lot of result.lots) {
    const planned = plan.batches.find((b) => b.lotId === lot.lotId)!;
    const id = lot.eventIds.batchCompleted;
    const copies = events.filter((m) => m.topic.endsWith('/batch-completed') && m.text.includes(`"id":"${id}"`));
    expect(copies.length, `${lot.lotId} batch-completed deliveries`).toBe(lot.duplicated ? 2 : 1);
    expect(copies[0]!.topic).toBe(`${planned.topicBase}/events/batch-completed`);
    const verdict = judge(copies[0]!.text);
    if (lot.outcome === 'malformed') {
      expect(verdict.kind, `${lot.lotId} (${lot.malformedKind}) is refused`).toBe('invalid');
      continue;
    }
    if (verdict.kind !== 'valid') throw new Error(`${lot.lotId} does not validate: ${verdict.reason}`);
    const data = verdict.event.data as {
      productionOrderId: string;
      producedLot: { lotId: string; erpBatch: string; materialId: string; qty: { value: string; uom: string } };
      processParameters: Array<{ name: string; inSpec: boolean }>;
    };
    expect(data.productionOrderId).toBe(planned.orderNumber);
    expect(data.producedLot).toMatchObject({
      lotId: planned.lotId,
      erpBatch: planned.erpBatch,
      materialId: 'FG-1000',
      qty: { value: planned.quantity.value, uom: 'KGM' },
    });
    const flagged = data.processParameters.filter((p) => !p.inSpec).map((p) => p.name);
    expect(flagged).toEqual(lot.outcome === 'out-of-spec' ? [lot.outOfSpecParameter] : []);

    // Out of order: batch-completed overtakes the last material-consumed, and only then.
    const lastConsumed = lot.eventIds.materialConsumed.at(-1)!;
    expect(positionOf(events, id) < positionOf(events, lastConsumed), `${lot.lotId} reordered`).toBe(lot.reordered);
  }

  // The other events are valid too (order-received and batch-started have MES-own types).
  for (const m of events) {
    const name = m.topic.split('/').pop();
    if (name !== 'material-consumed' && name !== 'deviation-raised') continue;
    expect(validateEvent(JSON.parse(m.text)), `${m.topic}`).toEqual([]);
  }
  const deviations = events.filter((m) => m.topic.endsWith('/deviation-raised'));
  expect(deviations).toHaveLength(result.counts.deviations);
  // Every planned order arrived as order-received, with the planned order number.
  const orders = events
    .filter((m) => m.topic.endsWith('/order-received'))
    .map((m) => (JSON.parse(m.text) as { data: { orderNumber: string } }).data.orderNumber);
  expect(orders.sort()).toEqual(plan.orders.map((o) => o.orderNumber).sort());
}
