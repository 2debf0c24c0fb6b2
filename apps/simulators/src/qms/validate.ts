import { ApiError, badRequest, invalidField, requiredMissing } from './errors.ts';

/**
 * Checks on request bodies. Each names the field it refuses, so a 4xx says exactly what to fix.
 * Picklist values are accepted in any case and stored in the canonical spelling, as the client
 * compares them by meaning.
 */

export type Json = Record<string, unknown>;

/** The JSON object body of a request, or a 400 saying why there is none. */
export function objectBody(req: { bodyText: string; body: unknown }, optional = false): Json {
  if (req.bodyText.trim() === '') {
    if (optional) return {};
    throw badRequest('BODY_REQUIRED', 'this request needs a JSON object body');
  }
  if (req.body === undefined) throw badRequest('INVALID_JSON', 'the body is not valid JSON');
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body))
    throw badRequest('BODY_NOT_OBJECT', 'the body must be a JSON object');
  return req.body as Json;
}

export function requireFields(body: Json, fields: readonly string[], context?: string): void {
  const missing = fields.filter((f) => body[f] === undefined || body[f] === null || body[f] === '');
  if (missing.length > 0) throw requiredMissing(missing, context);
}

export function optString(body: Json, field: string, max = 4000): string | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw invalidField(field, 'must be a non-empty string');
  if (v.length > max) throw invalidField(field, `must be at most ${max} characters`);
  return v;
}

export function optRef(body: Json, field: string): string | undefined {
  const v = optString(body, field, 128);
  if (v !== undefined && v.trim() !== v) throw invalidField(field, 'must not start or end with spaces');
  return v;
}

export function optChoice<T extends string>(body: Json, field: string, allowed: readonly T[]): T | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  const norm =
    typeof v === 'string'
      ? v
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '_')
      : undefined;
  const hit = allowed.find((a) => a === norm);
  if (!hit) throw invalidField(field, `must be one of ${allowed.join(', ')}`, { allowed });
  return hit;
}

export function optRefList(body: Json, field: string): string[] | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.trim() === ''))
    throw invalidField(field, 'must be a list of non-empty strings');
  return v as string[];
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i;

export function optTimestamp(body: Json, field: string): string | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !TIMESTAMP.test(v) || Number.isNaN(Date.parse(v)))
    throw invalidField(field, 'must be an RFC 3339 timestamp with an offset, such as 2026-03-09T17:00:00+01:00');
  return v;
}

/** A query parameter timestamp (updatedSince, from, to) as epoch ms. */
export function queryInstant(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw badRequest('INVALID_QUERY', `${name} must be an RFC 3339 timestamp`, { parameter: name });
  return ms;
}

export const DECIMAL = /^-?\d+(\.\d+)?$/;
export const UOM = /^[A-Z0-9]{1,3}$/;

/** `{ value: "480.000", uom: "KGM" }`, as the canonical model writes quantities. */
export function optQuantity(body: Json, field: string): { value: string; uom: string } | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  const q = v as { value?: unknown; uom?: unknown };
  if (typeof v !== 'object' || v === null || typeof q.value !== 'string' || !/^\d+(\.\d+)?$/.test(q.value))
    throw invalidField(field, 'must be { "value": "<decimal string>", "uom": "<UN/CEFACT code>" }');
  if (typeof q.uom !== 'string' || !UOM.test(q.uom))
    throw invalidField(`${field}.uom`, 'must be a UN/CEFACT Rec 20 code such as KGM');
  return { value: q.value, uom: q.uom };
}

export function optVersionedRef(body: Json, field: string): { id: string; version: string } | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  const r = v as { id?: unknown; version?: unknown };
  if (typeof v !== 'object' || v === null || typeof r.id !== 'string' || r.id === '')
    throw invalidField(field, 'must be { "id": "…", "version": "…" }');
  if (typeof r.version !== 'string' || r.version === '') throw invalidField(`${field}.version`, 'must be a string');
  return { id: r.id, version: r.version };
}

/** Fields a client may not set: the QMS owns them. */
export function refuseOwned(body: Json, owned: readonly string[]): void {
  const found = owned.filter((f) => body[f] !== undefined);
  if (found.length > 0)
    throw new ApiError(422, 'READ_ONLY_FIELD', `${found.join(', ')} cannot be set by a client`, { fields: found });
}
