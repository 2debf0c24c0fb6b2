import type { SimContext } from '../core/index.ts';
import type { BatchRecord, MesOrder, MesStore } from './store.ts';
import type { UnsPublisher } from './uns.ts';

/**
 * Retained UNS state: `…/mes/state/orders/<orderNumber>` and `…/mes/state/lots/<lotId>`, the
 * current picture a late subscriber gets at once. Topics are remembered so reset and close can
 * clear them (an empty retained message) and leave a shared broker clean.
 */
export class RetainedState {
  constructor(
    private readonly publisher: UnsPublisher,
    private readonly store: MesStore,
    private readonly ctx: SimContext,
  ) {}

  async order(o: MesOrder): Promise<void> {
    const topic = `${o.topicBase}/state/orders/${o.orderNumber}`;
    this.store.retainedTopics.add(topic);
    await this.publisher.publishState(topic, {
      orderNumber: o.orderNumber,
      orderType: o.orderType,
      materialId: o.materialId,
      plantId: o.plantId,
      plannedQty: o.plannedQty,
      mesJobId: o.mesJobId,
      status: o.status,
      lots: o.lots,
      updatedAt: this.ctx.clock.iso(),
    });
  }

  async lot(b: BatchRecord): Promise<void> {
    const topic = `${b.topicBase}/state/lots/${b.lotId}`;
    this.store.retainedTopics.add(topic);
    const hold = this.store.activeHold(b.lotId);
    await this.publisher.publishState(topic, {
      lotId: b.lotId,
      erpBatch: b.erpBatch,
      orderNumber: b.orderNumber,
      materialId: b.materialId,
      plantId: b.plantId,
      status: b.status,
      ...(b.completion ? { qty: b.completion.producedLot.qty } : {}),
      ...(hold ? { hold: { holdId: hold.holdId, holdType: hold.holdType, reason: hold.reason } } : {}),
      updatedAt: this.ctx.clock.iso(),
    });
  }

  /** Clears every retained topic this simulator set. */
  async clear(): Promise<void> {
    for (const topic of this.store.retainedTopics) await this.publisher.publishState(topic, null);
    this.store.retainedTopics.clear();
  }
}
