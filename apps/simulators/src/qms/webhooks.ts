import { createHmac } from 'node:crypto';
import { drift, type SimContext } from '../core/index.ts';
import { ApiError, invalidField } from './errors.ts';
import type { Delivery, QmsEvent, QmsStore, Subscription } from './store.ts';
import type { Json } from './validate.ts';

/**
 * Webhook events. Every state change becomes `{ eventId, type, occurredAt, sequence, data }`,
 * POSTed as JSON to each matching subscription with `X-QMS-Signature` = lower-case hex
 * HMAC-SHA256 of the raw body under the subscription's secret (what Millrace's trigger.webhook
 * verifies) and `X-QMS-Timestamp` (unix seconds of occurredAt; occurredAt is in the signed body,
 * so a replayed delivery cannot pass as a new one). Failed deliveries are retried with
 * exponential backoff, a bounded number of times. Each emission passes through the fault
 * engine once: duplicate (same eventId twice), out-of-order (held back), drop (a gap only an
 * updatedSince poll reveals), schema-drift (renamed fields).
 */

export interface WebhookRetryOptions {
  /** Attempts per delivery, first included (default 4). */
  readonly maxAttempts?: number;
  /** First retry after this long, doubling each time (default 100 ms). */
  readonly baseDelayMs?: number;
  /** Per attempt (default 5000 ms). */
  readonly timeoutMs?: number;
}

export interface SubscriptionInput {
  readonly url: string;
  readonly events?: readonly string[];
  readonly secret?: string;
}

const EVENT_PATTERN = /^(\*|[a-z_]+\.(\*|[a-z_]+))$/;

export class Webhooks {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly inflight = new Set<AbortController>();
  private stopped = false;

  constructor(
    private readonly ctx: SimContext,
    private readonly store: QmsStore,
    private readonly retry: WebhookRetryOptions = {},
  ) {}

  /** Validates and stores a subscription; without a secret one is made up (and answered once). */
  subscribe(input: unknown): Subscription {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new ApiError(400, 'BODY_NOT_OBJECT', 'send { "url": "…", "events"?: […], "secret"?: "…" }');
    const b = input as Json;
    if (typeof b.url !== 'string' || b.url === '')
      throw new ApiError(422, 'REQUIRED_FIELD_MISSING', 'a subscription needs url', { fields: ['url'] });
    let url: URL;
    try {
      url = new URL(b.url);
    } catch {
      throw invalidField('url', 'is not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidField('url', 'must be http or https');
    const events = b.events === undefined ? ['*'] : b.events;
    if (!Array.isArray(events) || events.some((e) => typeof e !== 'string' || !EVENT_PATTERN.test(e)))
      throw invalidField('events', 'must be a list of event types such as "inspection.decided", "capa.*" or "*"');
    if (b.secret !== undefined && (typeof b.secret !== 'string' || b.secret.length < 8))
      throw invalidField('secret', 'must be a string of at least 8 characters');
    const id = this.store.nextId('WH');
    const secret =
      (b.secret as string | undefined) ??
      `whsec_${createHmac('sha256', `qms-sim-${this.ctx.seed}`).update(id).digest('hex').slice(0, 32)}`;
    const sub: Subscription = {
      id,
      url: url.href,
      events: events as string[],
      secret,
      createdAt: this.ctx.clock.iso(),
    };
    this.store.subscriptions.set(id, sub);
    return sub;
  }

  emit(type: string, data: Json): QmsEvent {
    const sequence = this.store.next('event');
    const event: QmsEvent = {
      eventId: `evt-${String(sequence).padStart(8, '0')}`,
      type,
      occurredAt: this.ctx.clock.iso(),
      sequence,
      data,
    };
    this.store.events.push(event);
    const effect = this.ctx.faults.forEvent(type);
    const subs = [...this.store.subscriptions.values()].filter((s) => matches(s.events, type));
    if (subs.length === 0) {
      this.ctx.outbox.add({ at: event.occurredAt, channel: 'webhook', target: '', event, delivered: false });
      return event;
    }
    const body = effect?.kind === 'schema-drift' ? drift(event, effect) : event;
    const raw = JSON.stringify(body);
    const delayMs =
      effect?.kind === 'out-of-order' ? (effect.delayMs ?? 500) : effect?.kind === 'delay' ? effect.ms : 0;
    for (const sub of subs) {
      const copies = effect?.kind === 'duplicate' ? 2 : 1;
      for (let copy = 1; copy <= copies; copy++) {
        const delivery: Delivery = {
          deliveryId: this.store.nextId('DLV'),
          subscriptionId: sub.id,
          url: sub.url,
          eventId: event.eventId,
          type,
          ...(effect ? { fault: effect.kind } : {}),
          ...(copy > 1 ? { copy } : {}),
          status: effect?.kind === 'drop' ? 'dropped' : 'pending',
          attempts: 0,
        };
        this.store.deliveries.push(delivery);
        const entry = this.ctx.outbox.add({
          at: event.occurredAt,
          channel: 'webhook',
          target: sub.url,
          event: body,
          ...(effect ? { fault: effect.kind } : {}),
          delivered: false,
        });
        if (effect?.kind === 'drop') continue;
        const wait = delayMs + (copy > 1 && effect?.kind === 'duplicate' ? (effect.afterMs ?? 50) : 0);
        this.later(wait, () => this.attempt(sub, raw, event, delivery, entry));
      }
    }
    return event;
  }

  /** Stops retries and in-flight deliveries (close, reset). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.inflight) c.abort();
    this.inflight.clear();
  }

  resume(): void {
    this.stopped = false;
  }

  /** Resolves when no delivery is waiting or running (tests: "after the events settle"). */
  async idle(timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((this.timers.size > 0 || this.inflight.size > 0) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 10));
  }

  private later(ms: number, fn: () => Promise<void>): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void fn();
    }, ms);
    this.timers.add(t);
  }

  private async attempt(
    sub: Subscription,
    raw: string,
    event: QmsEvent,
    d: Delivery,
    entry: { delivered?: boolean },
  ): Promise<void> {
    if (this.stopped) return;
    d.attempts++;
    const controller = new AbortController();
    this.inflight.add(controller);
    const timer = setTimeout(() => controller.abort(), this.retry.timeoutMs ?? 5000);
    try {
      const res = await fetch(sub.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-qms-signature': sign(sub.secret, raw),
          'x-qms-timestamp': String(Math.floor(Date.parse(event.occurredAt) / 1000)),
          'x-qms-event-id': event.eventId,
          'x-qms-event-type': event.type,
          'x-qms-delivery-id': d.deliveryId,
        },
        body: raw,
        signal: controller.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      d.lastStatus = res.status;
      if (res.ok) {
        d.status = 'delivered';
        d.deliveredAt = this.ctx.clock.iso();
        entry.delivered = true;
        return;
      }
      d.lastError = `HTTP ${res.status}`;
    } catch (e) {
      d.lastError = e instanceof Error ? e.message : String(e);
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
    if (this.stopped) return;
    if (d.attempts >= (this.retry.maxAttempts ?? 4)) {
      d.status = 'failed';
      return;
    }
    this.later((this.retry.baseDelayMs ?? 100) * 2 ** (d.attempts - 1), () => this.attempt(sub, raw, event, d, entry));
  }
}

/** Lower-case hex HMAC-SHA256 of the raw body. */
export function sign(secret: string, raw: string): string {
  return createHmac('sha256', secret).update(raw).digest('hex');
}

function matches(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}
