import { addControlPlane, Router, SimContext, startSimServer, type SimRequest } from '../core/index.ts';
import { registerAuditTrail } from './audit-trail.ts';
import { Auth, type ApiKeyConfig, type BearerConfig, type ClientConfig } from './auth.ts';
import { registerCapas } from './capas.ts';
import { ApiError } from './errors.ts';
import { registerInspections } from './inspections.ts';
import { BASE, errorResponse, ok, type Qms } from './kit.ts';
import { registerQualityEvents } from './quality-events.ts';
import { RateLimiter, type RateLimitOptions } from './ratelimit.ts';
import { registerReleases } from './releases.ts';
import { Repo } from './repo.ts';
import { QaRobot, type QaRobotOptions } from './robot.ts';
import { applySeed, loadSeed, readRule, type SeedData } from './seed.ts';
import { registerSpecs } from './specs.ts';
import { QmsStore, type RequiredFieldRule } from './store.ts';
import { registerSupplierCases } from './supplier-cases.ts';
import { registerWebhookRoutes } from './webhook-routes.ts';
import { Webhooks, type SubscriptionInput, type WebhookRetryOptions } from './webhooks.ts';

/**
 * The QMS simulator: a generic eQMS REST API under /qms/api/v1 (the contract of
 * flow-nodes/shared/qms/README.md), with the shared /__sim control plane. README.md beside this
 * file lists endpoints, defaults and seed data.
 */

export interface QmsSimulatorOptions {
  readonly port?: number;
  readonly host?: string;
  /** Seed of the random faults (default 1). */
  readonly seed?: number;
  readonly clients?: readonly ClientConfig[];
  readonly apiKeys?: readonly ApiKeyConfig[];
  readonly bearerTokens?: readonly (BearerConfig | string)[];
  /** Access token lifetime in seconds (default 900). */
  readonly tokenTtlSec?: number;
  /** Session idle timeout in seconds (default 1200). */
  readonly sessionIdleSec?: number;
  /** Subscriptions that exist from the start (and again after a reset). */
  readonly webhooks?: readonly SubscriptionInput[];
  readonly webhookRetry?: WebhookRetryOptions;
  readonly qaRobot?: QaRobotOptions;
  readonly rateLimit?: RateLimitOptions;
  /** Tenant rules: fields a record must carry in a state (schema drift by configuration). */
  readonly requiredFields?: readonly RequiredFieldRule[];
  /** PATCH and actions without If-Match → 428 (default false: If-Match is optional). */
  readonly requireIfMatch?: boolean;
  /** Hold every create this long (ms): a retry with the same key meanwhile gets 409 IDEMPOTENCY_KEY_IN_USE. */
  readonly createDelayMs?: number;
  /** A result for a characteristic the spec does not list → 422 (default: kept as unplanned, not counted). */
  readonly strictCharacteristics?: boolean;
  /** Extra seed data on top of the built-in seed (same shape as POST /__sim/seed). */
  readonly seedData?: SeedData;
}

export interface QmsSimulator {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** http://127.0.0.1:<port>/qms/api/v1: a qms-rest binding's baseUrl. */
  readonly baseUrl: string;
  readonly port: number;
  readonly ctx: SimContext;
  /** All collections, the audit trail, decisions, webhook events and deliveries, as plain JSON. */
  store(): Record<string, unknown>;
  /** The live objects, for tests that need to reach in (the robot, the webhooks, the store). */
  readonly internals: { qms: Qms; robot: QaRobot; webhooks: Webhooks };
  /** Resolves when no webhook delivery is waiting or running. */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startQmsSimulator(options: QmsSimulatorOptions = {}): Promise<QmsSimulator> {
  const ctx = new SimContext('qms', options.seed ?? 1);
  const store = new QmsStore();
  const router = new Router();
  const webhooks = new Webhooks(ctx, store, options.webhookRetry);
  const repo = new Repo(store, ctx.clock, (type, data) => webhooks.emit(type, data));
  const robot = new QaRobot(() => qms, options.qaRobot ?? { enabled: false });
  const qms: Qms = {
    ctx,
    store,
    repo,
    auth: new Auth(ctx, store, options),
    limiter: new RateLimiter(options.rateLimit),
    router,
    robot,
    settings: {
      requireIfMatch: options.requireIfMatch ?? false,
      createDelayMs: options.createDelayMs ?? 0,
      strictCharacteristics: options.strictCharacteristics ?? false,
    },
  };

  const load = () => {
    loadSeed(qms);
    for (const rule of options.requiredFields ?? []) store.requiredFields.push(readRule(rule));
    if (options.seedData) applySeed(qms, options.seedData);
    for (const w of options.webhooks ?? []) webhooks.subscribe(w);
  };
  load();

  registerControl(qms, robot, () => {
    webhooks.stop();
    robot.stop();
    store.reset();
    qms.auth.clear();
    qms.limiter.reset();
    load();
    webhooks.resume();
  });
  registerAuthRoutes(qms);
  registerInspections(qms);
  registerSpecs(qms);
  registerQualityEvents(qms);
  registerCapas(qms);
  registerSupplierCases(qms);
  registerReleases(qms);
  registerAuditTrail(qms);
  registerWebhookRoutes(qms, webhooks);

  const server = await startSimServer({
    ctx,
    router,
    ...(options.port ? { port: options.port } : {}),
    host: options.host ?? '127.0.0.1',
  });
  const snapshot = () => ({ ...store.snapshot(), robot: { errors: [...robot.errors] } });
  return {
    url: server.url,
    baseUrl: server.url + BASE,
    port: server.port,
    ctx,
    store: snapshot,
    internals: { qms, robot, webhooks },
    settle: (timeoutMs) => webhooks.idle(timeoutMs),
    async close() {
      robot.stop();
      webhooks.stop();
      await server.close();
    },
  };
}

function formOf(req: SimRequest): URLSearchParams {
  if (req.body && typeof req.body === 'object' && !Array.isArray(req.body))
    return new URLSearchParams(
      Object.entries(req.body as Record<string, unknown>).map(([k, v]) => [k, String(v)] as [string, string]),
    );
  return new URLSearchParams(req.bodyText);
}

/** The token, revocation and session endpoints: public, and limited per client id. */
function registerAuthRoutes(qms: Qms): void {
  qms.router.post(`${BASE}/oauth/token`, (req) => {
    try {
      const form = formOf(req);
      const admission = qms.limiter.admit(`token:${form.get('client_id') ?? 'anonymous'}`);
      // Veeva's auth endpoint does not slow down: over its budget it fails.
      if (admission.delayMs > 0)
        throw new ApiError(
          429,
          'API_LIMIT_EXCEEDED',
          'the token endpoint is over its burst limit',
          {},
          { 'retry-after': '1' },
        );
      const auth = req.headers.authorization;
      return ok(qms.auth.issueToken(form, typeof auth === 'string' ? auth : undefined), 200, {
        'cache-control': 'no-store',
      });
    } catch (e) {
      return errorResponse(e);
    }
  });
  qms.router.post(`${BASE}/oauth/revoke`, (req) => {
    const token = formOf(req).get('token');
    if (!token) return errorResponse(new ApiError(400, 'invalid_request', 'send token=<the token to revoke>'));
    qms.auth.revokeToken(token);
    return { status: 200, body: {} };
  });
  qms.router.post(`${BASE}/auth`, (req) => {
    try {
      const form = formOf(req);
      const sessionId = qms.auth.openSession(form.get('username'), form.get('password'));
      return ok({ responseStatus: 'SUCCESS', sessionId, userId: form.get('username') });
    } catch (e) {
      return errorResponse(e);
    }
  });
}

/**
 * The shared /__sim control plane, plus QMS knobs under /__sim/qms. POST /__sim/seed is
 * answered here (registered before the shared one) so bad seed data gets a 400 naming the
 * problem rather than a 500.
 */
function registerControl(qms: Qms, robot: QaRobot, reset: () => void): void {
  const { router, store, ctx } = qms;
  router.post('/__sim/seed', (req) => {
    try {
      return ok({ seeded: true, counts: applySeed(qms, req.body ?? {}) });
    } catch (e) {
      return errorResponse(e);
    }
  });
  router.post('/__sim/qms/config', (req) => {
    try {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if ('rateLimit' in b) qms.limiter.options = (b.rateLimit ?? undefined) as RateLimitOptions | undefined;
      if ('qaRobot' in b)
        robot.options = {
          ...(b.qaRobot as QaRobotOptions),
          enabled: (b.qaRobot as QaRobotOptions | null)?.enabled === true,
        };
      if (Array.isArray(b.requiredFields)) store.requiredFields = b.requiredFields.map(readRule);
      if (typeof b.requireIfMatch === 'boolean') qms.settings.requireIfMatch = b.requireIfMatch;
      if (typeof b.createDelayMs === 'number') qms.settings.createDelayMs = b.createDelayMs;
      if (typeof b.strictCharacteristics === 'boolean') qms.settings.strictCharacteristics = b.strictCharacteristics;
      return ok({
        rateLimit: qms.limiter.options ?? null,
        qaRobot: robot.options,
        requiredFields: store.requiredFields,
        ...qms.settings,
      });
    } catch (e) {
      return errorResponse(e);
    }
  });
  // Token trouble mid-flow: { "revoke": true } or { "expire": true }.
  router.post('/__sim/qms/tokens', (req) => {
    const b = (req.body ?? {}) as { revoke?: boolean; expire?: boolean };
    if (b.revoke) qms.auth.revokeAllTokens();
    if (b.expire) qms.auth.expireAllTokens();
    return ok({ revoked: b.revoke === true, expired: b.expire === true });
  });
  router.post('/__sim/qms/robot/decide/:id', (req) => {
    robot.decide(req.params.id!);
    return ok({ inspection: store.records.inspection.get(req.params.id!) ?? null });
  });
  addControlPlane(router, ctx, {
    reset: () => reset(),
    seed: (data) => void applySeed(qms, data),
    store: () => ({ ...store.snapshot(), robot: { errors: [...robot.errors] } }),
  });
}
