import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { drift, type SimContext } from '../core/index.ts';

/**
 * SAP business events as key-only CloudEvents 1.0, to registered webhooks (HTTP POST,
 * `application/cloudevents+json`) and, when an MQTT broker is configured, on
 * `sap/s4/beh/<object>/v1/<Object>/<Event>/v1` with QoS 1. Each event first goes through the
 * fault engine (by type, then by MQTT topic): dropped, sent twice with the same id, held back so
 * later events overtake it, or drifted. Every delivery attempt is recorded in the outbox.
 */
export interface CloudEvent {
  readonly specversion: '1.0';
  readonly type: string;
  readonly source: string;
  readonly id: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: Record<string, unknown>;
}

export const EVENT_TYPES = {
  orderCreated: 'sap.s4.beh.productionorder.v1.ProductionOrder.Created.v1',
  orderChanged: 'sap.s4.beh.productionorder.v1.ProductionOrder.Changed.v1',
  orderReleased: 'sap.s4.beh.productionorder.v1.ProductionOrder.Released.v1',
  lotCreated: 'sap.s4.beh.inspectionlot.v1.InspectionLot.Created.v1',
  lotChanged: 'sap.s4.beh.inspectionlot.v1.InspectionLot.Changed.v1',
  lotCanceled: 'sap.s4.beh.inspectionlot.v1.InspectionLot.Canceled.v1',
  materialDocumentCreated: 'sap.s4.beh.materialdocument.v1.MaterialDocument.Created.v1',
  batchChanged: 'sap.s4.beh.batch.v1.Batch.Changed.v1',
  qualityInfoRecordChanged: 'sap.s4.beh.qualityinforecord.v1.QualityInfoRecord.Changed.v1',
} as const;

/** `sap.s4.beh.productionorder.v1.ProductionOrder.Created.v1` → `sap/s4/beh/productionorder/v1/ProductionOrder/Created/v1`. */
export function topicOf(type: string): string {
  return type.replaceAll('.', '/');
}

export class EventBus {
  readonly webhooks = new Set<string>();
  private mqtt: MqttClient | undefined;
  private readonly pending = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly ctx: SimContext,
    private readonly source: () => string,
  ) {}

  attachMqtt(client: MqttClient): void {
    this.mqtt = client;
  }

  emit(type: string, data: Record<string, string>): CloudEvent {
    const event: CloudEvent = {
      specversion: '1.0',
      type,
      source: this.source(),
      id: randomUUID(),
      time: this.ctx.clock.iso(),
      datacontenttype: 'application/json',
      data,
    };
    const topic = topicOf(type);
    const effect = this.ctx.faults.forEvent(type) ?? this.ctx.faults.forEvent(topic);
    if (effect?.kind === 'drop') {
      this.ctx.outbox.add({
        at: this.ctx.clock.iso(),
        channel: 'none',
        target: topic,
        event,
        fault: 'drop',
        delivered: false,
      });
      return event;
    }
    const sent = effect?.kind === 'schema-drift' ? (drift(event, effect) as CloudEvent) : event;
    const fault = effect?.kind;
    if (effect?.kind === 'duplicate') {
      this.deliver(sent, topic, fault);
      this.later(effect.afterMs ?? 50, () => this.deliver(sent, topic, fault));
    } else if (effect?.kind === 'out-of-order') {
      this.later(effect.delayMs ?? 500, () => this.deliver(sent, topic, fault));
    } else this.deliver(sent, topic, fault);
    return event;
  }

  /** Resolves when every delivery started so far (including delayed ones) has finished. */
  async idle(): Promise<void> {
    while (this.pending.size > 0 || this.timers.size > 0) {
      await Promise.allSettled([...this.pending]);
      if (this.timers.size > 0) await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private deliver(event: CloudEvent, topic: string, fault: string | undefined): void {
    for (const url of this.webhooks) this.track(this.post(url, event, fault));
    if (this.mqtt) this.track(this.publish(this.mqtt, topic, event, fault));
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async post(url: string, event: CloudEvent, fault: string | undefined): Promise<void> {
    const entry = this.ctx.outbox.add({
      at: this.ctx.clock.iso(),
      channel: 'webhook',
      target: url,
      event,
      ...(fault ? { fault } : {}),
    });
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(5000),
      });
      await res.arrayBuffer();
      entry.delivered = res.ok;
    } catch {
      // At-least-once is the receiver's problem here: a failed delivery is recorded, not retried.
      entry.delivered = false;
    }
  }

  private async publish(
    client: MqttClient,
    topic: string,
    event: CloudEvent,
    fault: string | undefined,
  ): Promise<void> {
    const entry = this.ctx.outbox.add({
      at: this.ctx.clock.iso(),
      channel: 'mqtt',
      target: topic,
      event,
      ...(fault ? { fault } : {}),
    });
    try {
      await client.publishAsync(topic, JSON.stringify(event), { qos: 1 });
      entry.delivered = true;
    } catch {
      entry.delivered = false;
    }
  }
}
