import { ENTITIES, type EntityName } from './entities.ts';
import { badRequest } from './errors.ts';
import { BASE } from './kit.ts';
import type { Rec } from './store.ts';
import { queryInstant } from './validate.ts';

/**
 * Collection reads: `?updatedSince=&cursor=&limit=` plus equality filters. Records come in a
 * stable order (updatedAt, then id) and the cursor is the position of the last one returned
 * (keyset paging), so pages never skip or repeat a record however many are created meanwhile.
 * The cursor is opaque to clients: base64url JSON that they only hand back.
 */

const RESERVED = new Set(['updatedSince', 'cursor', 'limit']);
export const MAX_LIMIT = 200;
const DEFAULT_LIMIT = 50;

interface Position {
  readonly u: string;
  readonly i: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
  readonly cursor: string | null;
}

export function readLimit(query: URLSearchParams, max = MAX_LIMIT, fallback = DEFAULT_LIMIT): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw badRequest('INVALID_QUERY', `limit must be an integer from 1 to ${max}`, { parameter: 'limit' });
  return n;
}

function readCursor(query: URLSearchParams): Position | undefined {
  const raw = query.get('cursor');
  if (raw === null || raw === '') return undefined;
  try {
    const p = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Position>;
    if (typeof p.u === 'string' && typeof p.i === 'string') return { u: p.u, i: p.i };
  } catch {
    // fall through to the 400
  }
  throw badRequest('INVALID_CURSOR', 'cursor is not one this API handed out; start again without it', {
    parameter: 'cursor',
  });
}

/** Equality filters on the allowed fields; an array field matches when it contains the value. */
export function filterByQuery(items: Rec[], query: URLSearchParams, allowed: readonly string[]): Rec[] {
  const filters = [...query.entries()].filter(([k]) => !RESERVED.has(k));
  const unknown = filters.map(([k]) => k).filter((k) => !allowed.includes(k));
  if (unknown.length > 0)
    throw badRequest('UNKNOWN_FILTER', `cannot filter on ${unknown.join(', ')}; filters: ${allowed.join(', ')}`, {
      parameters: unknown,
      allowed,
    });
  return items.filter((r) =>
    filters.every(([k, v]) => {
      const field = r[k];
      return Array.isArray(field) ? field.map(String).includes(v) : field !== undefined && String(field) === v;
    }),
  );
}

/** One page of `items` in (orderField, id) order, after the cursor, changed at or after updatedSince. */
export function page<T extends { id: string }>(
  items: T[],
  query: URLSearchParams,
  path: string,
  orderField: (t: T) => string,
  max = MAX_LIMIT,
): Page<T> {
  const limit = readLimit(query, max);
  const since = queryInstant(query, 'updatedSince');
  const after = readCursor(query);
  const sorted = items
    .filter((t) => since === undefined || Date.parse(orderField(t)) >= since)
    .sort((a, b) => cmp(orderField(a), orderField(b)) || cmp(a.id, b.id));
  const start = after
    ? sorted.filter((t) => cmp(orderField(t), after.u) > 0 || (orderField(t) === after.u && cmp(t.id, after.i) > 0))
    : sorted;
  const pageItems = start.slice(0, limit);
  const last = pageItems[pageItems.length - 1];
  if (start.length <= limit || !last) return { items: pageItems, next: null, cursor: null };
  const cursor = Buffer.from(JSON.stringify({ u: orderField(last), i: last.id })).toString('base64url');
  const nextQuery = new URLSearchParams(query);
  nextQuery.set('cursor', cursor);
  nextQuery.set('limit', String(limit));
  return { items: pageItems, next: `${path}?${nextQuery.toString()}`, cursor };
}

/** GET /{collection}: filters, updatedSince, cursor, limit. */
export function listRecords(entity: EntityName, items: Rec[], query: URLSearchParams): Page<Rec> {
  const filtered = filterByQuery(items, query, ENTITIES[entity].filters);
  return page(filtered, query, `${BASE}/${ENTITIES[entity].collection}`, (r) => r.updatedAt);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
