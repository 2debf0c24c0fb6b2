import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FlowPlan } from '@millrace/engine';
import { isSecretRef } from '@millrace/flow-model';
import type { SecretResolver } from './secrets.ts';

export interface WebhookConfig {
  readonly path?: string;
  readonly mode?: 'async' | 'sync';
  readonly syncTimeoutMs?: number;
  readonly maxBodyBytes?: number;
  readonly schema?: string | Record<string, unknown>;
  readonly auth?:
    { kind: 'none' } | { kind: 'bearer'; token: unknown } | { kind: 'hmac-sha256'; secret: unknown; header?: string };
}

export interface WebhookRoute {
  readonly flowId: string;
  readonly nodeId: string;
  readonly config: WebhookConfig;
  /** Resolved at deploy time, so a missing secret fails the deploy, not a request. */
  readonly secret: string | null;
}

/** `/hooks/<flowId>` and `/hooks/<flowId>/<path>` for every webhook trigger of a deployed flow. */
export function webhookRoutes(plan: FlowPlan, secrets: SecretResolver): Map<string, WebhookRoute> {
  const routes = new Map<string, WebhookRoute>();
  for (const node of plan.nodes.values()) {
    if (node.node.type !== 'trigger.webhook') continue;
    const config = node.node.config as WebhookConfig;
    const auth = config.auth;
    let secret: string | null = null;
    const ref = auth?.kind === 'bearer' ? auth.token : auth?.kind === 'hmac-sha256' ? auth.secret : undefined;
    if (ref !== undefined) {
      if (!isSecretRef(ref))
        throw new Error(`flow ${plan.id}: webhook "${node.id}" must reference its secret as { "secret": "NAME" }`);
      secret = secrets.get(ref.secret) ?? null;
      if (!secret)
        throw new Error(`flow ${plan.id}: webhook "${node.id}" needs the secret ${ref.secret}, which is not set`);
    }
    const path = `/hooks/${plan.id}${config.path ? `/${config.path}` : ''}`;
    if (routes.has(path)) throw new Error(`flow ${plan.id}: two webhooks answer at ${path}`);
    routes.set(path, { flowId: plan.id, nodeId: node.id, config, secret });
  }
  return routes;
}

/** Checks the caller's credentials; returns a reason when refused. Constant-time comparisons. */
export function checkAuth(route: WebhookRoute, headers: IncomingHttpHeaders, body: Buffer): string | undefined {
  const auth = route.config.auth;
  if (!auth || auth.kind === 'none' || route.secret === null) return undefined;
  if (auth.kind === 'bearer') {
    const given = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (!given) return 'an Authorization: Bearer header is required';
    return safeEqual(given, route.secret) ? undefined : 'the bearer token is not valid';
  }
  const header = (auth.header ?? 'X-Signature').toLowerCase();
  const given = String(headers[header] ?? '').replace(/^sha256=/, '');
  if (!given) return `the ${auth.header ?? 'X-Signature'} header is required`;
  const expected = createHmac('sha256', route.secret).update(body).digest('hex');
  return safeEqual(given.toLowerCase(), expected) ? undefined : 'the signature does not match the body';
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const KEPT_HEADERS = new Set(['traceparent', 'tracestate']);
const SECRET_HEADER = /(auth|token|key|secret|signature|cookie|password)/i;

/**
 * The request headers a run keeps: W3C trace context and `x-` headers (x-request-id,
 * x-correlation-id, …), never credentials (they would end up in the journal, traces and exports).
 * Most requests carry none, so most runs store and parse no headers at all.
 */
export function keptHeaders(headers: IncomingHttpHeaders): string | null {
  let out: Record<string, string> | undefined;
  // for…in, not Object.entries: no array of pairs per request for the headers nobody keeps.
  for (const name in headers) {
    const value = headers[name];
    if (typeof value !== 'string') continue;
    if (!KEPT_HEADERS.has(name) && !(name.startsWith('x-') && !SECRET_HEADER.test(name))) continue;
    (out ??= {})[name] = value;
  }
  return out ? JSON.stringify(out) : null;
}
