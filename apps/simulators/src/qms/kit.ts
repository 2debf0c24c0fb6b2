import type { Router, SimContext, SimRequest, SimResponse } from '../core/index.ts';
import type { Auth, Principal } from './auth.ts';
import { ENTITIES, type EntityName } from './entities.ts';
import { ApiError } from './errors.ts';
import type { RateLimiter } from './ratelimit.ts';
import { article, etag, type Actor, type Repo } from './repo.ts';
import type { QmsStore, Rec } from './store.ts';
import { objectBody, type Json } from './validate.ts';

/** What every resource module gets: the store, the repo, auth, the limiter and the router. */
export interface Qms {
  readonly ctx: SimContext;
  readonly store: QmsStore;
  readonly repo: Repo;
  readonly auth: Auth;
  readonly limiter: RateLimiter;
  readonly router: Router;
  /** The QA robot (robot.ts): told when an inspection has all its results. */
  readonly robot: { onResultsComplete(inspectionId: string): void };
  readonly settings: {
    /** PATCH and actions without If-Match → 428. */
    requireIfMatch: boolean;
    /** Hold each create this long (ms) while its Idempotency-Key is "in use". */
    createDelayMs: number;
    /** A result for a characteristic the spec does not list → 422 (default: kept as unplanned). */
    strictCharacteristics: boolean;
  };
}

export const BASE = '/qms/api/v1';

export type Access = 'read' | 'write' | 'sign';
const SCOPES_FOR: Record<Access, readonly string[]> = {
  read: ['qms.read'],
  write: ['qms.write'],
  sign: ['qms.write', 'qms.sign'],
};

export type ApiHandler = (req: SimRequest, who: Principal) => SimResponse | Promise<SimResponse>;

/**
 * Registers an API route under /qms/api/v1: authenticate (401), rate limit (429 or delay),
 * check the scope (403), run; any ApiError becomes its JSON error body, anything else a 500
 * naming the failure (a bug in the simulator, never a crash of the server).
 */
export function route(qms: Qms, method: string, path: string, access: Access, handler: ApiHandler): void {
  qms.router.add(method, BASE + path, async (req) => {
    try {
      const who = qms.auth.authenticate(req);
      const admission = qms.limiter.admit(who.clientId);
      if (admission.delayMs > 0) await sleep(admission.delayMs);
      qms.auth.authorize(who, SCOPES_FOR[access]);
      const res = await handler(req, who);
      return { ...res, headers: { ...admission.headers, ...res.headers } };
    } catch (e) {
      return errorResponse(e);
    }
  });
}

export function errorResponse(e: unknown): SimResponse {
  if (e instanceof ApiError) return e.toResponse();
  return {
    status: 500,
    body: { error: { code: 'SIM_INTERNAL', message: e instanceof Error ? e.message : String(e) } },
  };
}

export const actorOf = (who: Principal): Actor => ({ userId: who.userId, clientId: who.clientId });

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function ok(body: unknown, status = 200, headers: Record<string, string> = {}): SimResponse {
  return { status, body, headers };
}

/** A single record with its ETag (and Location when just created). */
export function recordAnswer(entity: EntityName, rec: Rec, status = 200): SimResponse {
  return {
    status,
    headers: {
      etag: etag(rec),
      ...(status === 201 ? { location: `${BASE}/${ENTITIES[entity].collection}/${encodeURIComponent(rec.id)}` } : {}),
    },
    body: rec,
  };
}

/** 409 DUPLICATE_NATURAL_KEY naming the record that holds the key (the client reads it back). */
export function assertNoDuplicate(qms: Qms, entity: EntityName, fields: Json): void {
  const key = ENTITIES[entity].naturalKey;
  if (key.length === 0 || key.some((f) => fields[f] === undefined)) return;
  const existing = qms.store.all(entity).find((r) => key.every((f) => r[f] === fields[f]));
  if (!existing) return;
  throw new ApiError(
    409,
    'DUPLICATE_NATURAL_KEY',
    `${article(ENTITIES[entity].what)} with ${key.map((f) => `${f} ${JSON.stringify(fields[f])}`).join(' and ')} exists: ${existing.id}`,
    { existingId: existing.id, naturalKey: Object.fromEntries(key.map((f) => [f, fields[f]])) },
    { location: `${BASE}/${ENTITIES[entity].collection}/${encodeURIComponent(existing.id)}` },
  );
}

/**
 * A create with Idempotency-Key semantics (keys scoped per collection): the same key and body
 * answer the first result again with the record as it is now; the same key with another body
 * is 422 IDEMPOTENCY_KEY_REUSED; the same key while the first is still running is 409
 * IDEMPOTENCY_KEY_IN_USE. A create that failed releases its key, so a corrected retry works.
 */
export async function createWithKey(
  qms: Qms,
  entity: EntityName,
  req: SimRequest,
  make: (body: Json) => Rec,
): Promise<SimResponse> {
  const body = objectBody(req);
  const header = req.headers['idempotency-key'];
  const key = typeof header === 'string' && header !== '' ? `${ENTITIES[entity].collection}|${header}` : undefined;
  const bodyKey = stableJson(body);
  if (key !== undefined) {
    const seen = qms.store.idempotency.get(key);
    if (seen && seen.bodyKey !== bodyKey)
      throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${header} was used with another body`);
    if (seen && !seen.done)
      throw new ApiError(
        409,
        'IDEMPOTENCY_KEY_IN_USE',
        `a request with Idempotency-Key ${header} is still running`,
        {},
        { 'retry-after': '1' },
      );
    const first = seen?.recordId ? qms.store.records[entity].get(seen.recordId) : undefined;
    if (first) {
      const answer = recordAnswer(entity, first, 201);
      return { ...answer, headers: { ...answer.headers, 'idempotent-replayed': 'true' } };
    }
  }
  const entry = { bodyKey, done: false } as { bodyKey: string; done: boolean; recordId?: string };
  if (key !== undefined) qms.store.idempotency.set(key, entry);
  try {
    if (qms.settings.createDelayMs > 0) await sleep(qms.settings.createDelayMs);
    const rec = make(body);
    entry.recordId = rec.id;
    entry.done = true;
    return recordAnswer(entity, rec, 201);
  } catch (e) {
    if (key !== undefined) qms.store.idempotency.delete(key);
    throw e;
  }
}

/** JSON with sorted keys: two bodies that mean the same compare equal. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Json)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** The fields of a PATCH or action body a client may change on this kind of record. */
export function patchableOf(entity: EntityName, body: Json, extraAllowed: readonly string[] = []): Json {
  const allowed = new Set([...ENTITIES[entity].patchable, ...extraAllowed]);
  const refused = Object.keys(body).filter((k) => !allowed.has(k));
  if (refused.length > 0)
    throw new ApiError(
      422,
      'READ_ONLY_FIELD',
      `${refused.join(', ')} cannot be changed here${refused.includes('state') ? ' (use the actions endpoints)' : ''}`,
      { fields: refused, changeable: [...ENTITIES[entity].patchable] },
    );
  return Object.fromEntries(Object.entries(body).filter(([k]) => allowed.has(k)));
}
