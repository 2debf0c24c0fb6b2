import type { MqttClient } from 'mqtt';
import { drift, type FaultEffect, type SimContext } from '../core/index.ts';
import type { PublishRecord } from './types.ts';
import { sleep } from './util.ts';

/** What a caller says about a message besides its body. */
export interface EventMeta {
  readonly eventId: string;
  readonly type: string;
  /** The UNS event name (batch-completed …), for webhook filters. */
  readonly name: string;
  /** Called with what happened to each delivery (the first, duplicates, a drop). */
  readonly onRecord?: (r: PublishRecord) => void;
}

export type MessageListener = (topic: string, body: string, meta: EventMeta) => void;

/**
 * Publishes UNS business events (QoS 1, not retained) and retained state, through the fault
 * engine: every publish asks `ctx.faults.forEvent(topic)`, so a rule on `**\/batch-completed` can
 * drop, duplicate (DUP flag, same id), hold back (out-of-order) or drift an event. Delayed
 * deliveries are tracked so a scenario can wait for all of them before reporting its truth.
 */
export class UnsPublisher {
  private readonly pending = new Set<Promise<void>>();
  private readonly listeners: MessageListener[] = [];

  constructor(
    private readonly client: MqttClient,
    private readonly ctx: SimContext,
    private readonly protocolVersion: 4 | 5,
  ) {}

  onMessage(listener: MessageListener): void {
    this.listeners.push(listener);
  }

  /**
   * One event. `body` is an object (sent as JSON) or text (a deliberately malformed event).
   * `redelivery` marks a scenario duplicate: sent with DUP, past the fault engine (it stands for
   * a delivery that already went through it once).
   */
  async publishEvent(topic: string, body: object | string, meta: EventMeta, redelivery = false): Promise<void> {
    const effect = redelivery ? undefined : this.ctx.faults.forEvent(topic);
    if (effect?.kind === 'drop') {
      this.record(topic, body, meta, { dup: false, fault: 'drop', published: false });
      return;
    }
    const sent = effect?.kind === 'schema-drift' && typeof body === 'object' ? driftEvent(body, effect) : body;
    if (effect?.kind === 'out-of-order' || effect?.kind === 'delay') {
      const ms = effect.kind === 'delay' ? effect.ms : (effect.delayMs ?? 200);
      this.track(sleep(ms).then(() => this.send(topic, sent, meta, { dup: false, fault: effect.kind })));
      return;
    }
    await this.send(topic, sent, meta, { dup: redelivery, ...(effect ? { fault: effect.kind } : {}) });
    if (effect?.kind === 'duplicate') {
      const again = () => this.send(topic, sent, meta, { dup: true, fault: 'duplicate' });
      if (effect.afterMs) this.track(sleep(effect.afterMs).then(again));
      else await again();
    }
  }

  /** Retained state (`…/mes/state/…`); null clears it. Faults do not apply: state is not an event. */
  async publishState(topic: string, state: object | null): Promise<void> {
    const payload = state === null ? '' : JSON.stringify(state);
    await this.client.publishAsync(topic, payload, { qos: 1, retain: true });
  }

  /** Resolves once every held-back or delayed delivery has gone out. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private async send(
    topic: string,
    body: object | string,
    meta: EventMeta,
    how: { dup: boolean; fault?: string },
  ): Promise<void> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    await this.client.publishAsync(topic, text, {
      qos: 1,
      retain: false,
      dup: how.dup,
      ...(this.protocolVersion === 5
        ? { properties: { contentType: 'application/json', userProperties: { eventid: meta.eventId } } }
        : {}),
    });
    this.record(topic, body, meta, { ...how, published: true });
    for (const l of this.listeners) l(topic, text, meta);
  }

  private record(
    topic: string,
    body: object | string,
    meta: EventMeta,
    how: { dup: boolean; fault?: string; published: boolean },
  ): void {
    const at = this.ctx.clock.iso();
    this.ctx.outbox.add({
      at,
      channel: 'mqtt',
      target: topic,
      event: body,
      ...(how.fault ? { fault: how.fault } : {}),
      delivered: how.published,
    });
    meta.onRecord?.({
      topic,
      eventId: meta.eventId,
      type: meta.type,
      at,
      dup: how.dup,
      ...(how.fault ? { fault: how.fault } : {}),
      published: how.published,
    });
  }
}

/**
 * Schema drift on an event. A rule that says how (rename/remove/numbersAsStrings) gets exactly
 * that (core `drift`, on `data`); a bare `{ kind: "schema-drift" }` gets the MES's own v2 form:
 * `producedLot { lotId … }` becomes `lot { id … }` (and a consumption's `lotId` becomes
 * `lot.id`), and the type ends in `.v2`, the drift a consumer pinned to v1 must notice.
 */
export function driftEvent(event: object, effect: Extract<FaultEffect, { kind: 'schema-drift' }>): object {
  const e = event as { type?: unknown; data?: unknown };
  if (effect.rename || effect.remove || effect.numbersAsStrings) return { ...e, data: drift(e.data, effect) };
  const data = { ...(e.data as Record<string, unknown>) };
  if (data.producedLot && typeof data.producedLot === 'object') {
    const { lotId, ...rest } = data.producedLot as Record<string, unknown>;
    delete data.producedLot;
    data.lot = { id: lotId, ...rest };
  } else if (typeof data.lotId === 'string') {
    data.lot = { id: data.lotId };
    delete data.lotId;
  }
  if (data.schemaVersion === 1) data.schemaVersion = 2;
  const type = typeof e.type === 'string' ? e.type.replace(/\.v1$/, '.v2') : e.type;
  return { ...e, type, data };
}
