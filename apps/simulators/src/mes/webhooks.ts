import type { Router } from '../core/index.ts';
import type { SimContext } from '../core/index.ts';
import { EVENT_TYPES } from './payloads.ts';
import type { MesStore } from './store.ts';
import type { EventMeta } from './uns.ts';
import { apiError } from './util.ts';

const NAMES = Object.keys(EVENT_TYPES);

/**
 * Optional push of the same UNS events over HTTP: `POST /mes/api/v1/webhooks { url, events? }`.
 * Each event goes out as the same body that went to the broker (a malformed one too), with the
 * headers `ce-id`, `ce-type` and `x-mes-topic`. Delivery is best effort, one attempt, recorded
 * in the outbox; a slow receiver does not hold the scenario up.
 */
export function addWebhookRoutes(
  router: Router,
  base: string,
  store: MesStore,
  ctx: SimContext,
  guard: (h: Parameters<Router['get']>[1]) => Parameters<Router['get']>[1],
): void {
  router.post(
    `${base}/webhooks`,
    guard((req) => {
      const b = req.body as { url?: unknown; events?: unknown } | undefined;
      if (!b || typeof b !== 'object') return apiError(400, 'BAD_REQUEST', 'send a JSON object { url, events? }');
      let url: URL | undefined;
      try {
        url = typeof b.url === 'string' ? new URL(b.url) : undefined;
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
        return apiError(400, 'INVALID_FIELD', 'url must be an http:// or https:// URL', { fields: ['url'] });
      const events = b.events ?? [];
      if (!Array.isArray(events) || events.some((e) => !NAMES.includes(e as string)))
        return apiError(400, 'INVALID_FIELD', `events must list some of ${NAMES.join(', ')}`, { fields: ['events'] });
      const id = `WH-${String(++store.counters.webhooks).padStart(3, '0')}`;
      const hook = {
        id,
        url: url.toString(),
        events: events as string[],
        createdAt: ctx.clock.iso(),
        deliveries: 0,
        failures: 0,
      };
      store.webhooks.set(id, hook);
      return { status: 201, headers: { location: `${base}/webhooks/${id}` }, body: hook };
    }),
  );
  router.get(
    `${base}/webhooks`,
    guard(() => ({ status: 200, body: { webhooks: [...store.webhooks.values()] } })),
  );
  router.delete(
    `${base}/webhooks/:id`,
    guard((req) =>
      store.webhooks.delete(req.params.id!)
        ? { status: 204 }
        : apiError(404, 'WEBHOOK_NOT_FOUND', `no webhook ${req.params.id}`),
    ),
  );
}

/** Sends one published event to every webhook that wants it. */
export function deliverToWebhooks(
  store: MesStore,
  ctx: SimContext,
  topic: string,
  body: string,
  meta: EventMeta,
): void {
  for (const hook of store.webhooks.values()) {
    if (hook.events.length > 0 && !hook.events.includes(meta.name)) continue;
    const entry = ctx.outbox.add({
      at: ctx.clock.iso(),
      channel: 'webhook',
      target: hook.url,
      event: body,
      delivered: false,
    });
    void fetch(hook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/cloudevents+json',
        'ce-id': meta.eventId,
        'ce-type': meta.type,
        'x-mes-topic': topic,
      },
      body,
      signal: AbortSignal.timeout(5000),
    })
      .then((res) => {
        entry.delivered = res.ok;
        if (res.ok) hook.deliveries++;
        else hook.failures++;
      })
      .catch(() => {
        hook.failures++;
      });
  }
}
