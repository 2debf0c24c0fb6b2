import { notFound } from './errors.ts';
import { ok, route, type Qms } from './kit.ts';
import type { Subscription } from './store.ts';
import { objectBody } from './validate.ts';
import type { Webhooks } from './webhooks.ts';

/** POST /webhooks subscribes `{ url, events?, secret? }`; the secret is shown only in that answer. */
export function registerWebhookRoutes(qms: Qms, hooks: Webhooks): void {
  const pub = ({ secret: _s, ...s }: Subscription) => s;
  route(qms, 'POST', '/webhooks', 'write', (req) => {
    const sub = hooks.subscribe(objectBody(req));
    return ok(sub, 201, { location: `/qms/api/v1/webhooks/${sub.id}` });
  });
  route(qms, 'GET', '/webhooks', 'read', () =>
    ok({ items: [...qms.store.subscriptions.values()].map(pub), next: null }),
  );
  route(qms, 'GET', '/webhooks/:id', 'read', (req) => {
    const sub = qms.store.subscriptions.get(req.params.id!);
    if (!sub) throw notFound('webhook subscription', req.params.id!);
    return ok(pub(sub));
  });
  route(qms, 'DELETE', '/webhooks/:id', 'write', (req) => {
    if (!qms.store.subscriptions.delete(req.params.id!)) throw notFound('webhook subscription', req.params.id!);
    return { status: 204 };
  });
}
