import type { ServerResponse } from 'node:http';
import { sendJson, startTestServer, type SeenRequest, type TestServer } from '../../connections/http/test-server.ts';

/**
 * A small QMS for the QMS node tests: a real HTTP server on 127.0.0.1 that keeps records in
 * memory and behaves as shared/qms/README.md says the generic eQMS API does: Idempotency-Key
 * replay, 409 on a duplicate natural key, 422 for a missing required field, OAuth2 client
 * credentials. Faults are queued answers. It is the executable form of the contract the QMS
 * simulator implements, kept small on purpose.
 */

export type Collection = 'inspections' | 'quality-events' | 'capas';
type WireRecord = Record<string, unknown> & { id: string };

export interface FakeAnswer {
  readonly status: number;
  readonly json?: unknown;
  readonly headers?: Record<string, string>;
}

export interface FakeQmsOptions {
  /** How a 409 duplicate names the existing record: its id in the body (default), a Location header, or not at all. */
  readonly duplicateStyle?: 'existingId' | 'location' | 'bare';
  /** Fields a tenant made mandatory, per collection: a create without them is 422 REQUIRED_FIELD_MISSING. */
  readonly required?: Partial<Record<Collection, readonly string[]>>;
  /** Require this bearer token, issued by POST /qms/api/v1/oauth/token. */
  readonly token?: string;
}

export interface FakeQms {
  /** http://127.0.0.1:<port>/qms/api/v1: the qms-rest binding's baseUrl. */
  readonly baseUrl: string;
  readonly origin: string;
  readonly requests: SeenRequest[];
  readonly records: Record<Collection, Map<string, WireRecord>>;
  /** Queues answers for the next requests to the API (not the token endpoint), one each, in order. */
  fail(...answers: FakeAnswer[]): void;
  /** A record the QMS holds already (created by another run, or before it forgot a key). */
  seed(collection: Collection, record: Record<string, unknown>): WireRecord;
  close(): Promise<void>;
}

const ROOT = '/qms/api/v1';
const PREFIX: Record<Collection, string> = { inspections: 'INS', 'quality-events': 'QE', capas: 'CAPA' };
const INITIAL: Record<Collection, string> = { inspections: 'created', 'quality-events': 'opened', capas: 'initiated' };

export async function startFakeQms(options: FakeQmsOptions = {}): Promise<FakeQms> {
  const records: FakeQms['records'] = { inspections: new Map(), 'quality-events': new Map(), capas: new Map() };
  const keys = new Map<string, { body: string; id: string }>();
  const queued: FakeAnswer[] = [];
  let counter = 0;

  const naturalKey = (collection: Collection, r: Record<string, unknown>) =>
    collection === 'inspections' ? `${String(r.lotId)}|${String(r.origin)}` : String(r.externalId);

  const store = (collection: Collection, fields: Record<string, unknown>): WireRecord => {
    counter++;
    const id = `${PREFIX[collection]}-${String(counter).padStart(6, '0')}`;
    const record: WireRecord = {
      state: INITIAL[collection],
      createdAt: '2026-03-02T18:00:00Z',
      ...fields,
      id,
      number: `${PREFIX[collection]}-2026-${String(counter).padStart(4, '0')}`,
    };
    records[collection].set(id, record);
    return record;
  };

  const answer = (res: ServerResponse, a: FakeAnswer) =>
    sendJson(res, a.status, a.json === undefined ? '' : JSON.stringify(a.json), a.headers);

  const server: TestServer = await startTestServer((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://qms');
    if (req.method === 'POST' && url.pathname === `${ROOT}/oauth/token`) {
      return sendJson(res, 200, JSON.stringify({ access_token: options.token ?? 'T', expires_in: 900 }));
    }
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return answer(res, { status: 401, json: { error: { code: 'INVALID_TOKEN', message: 'token expired' } } });
    }
    const next = queued.shift();
    if (next) return answer(res, next);

    const [collection, id] = url.pathname.slice(ROOT.length + 1).split('/') as [Collection, string | undefined];
    if (!(collection in records)) return answer(res, { status: 404, json: { error: { code: 'NOT_FOUND' } } });
    if (req.method === 'GET' && id !== undefined) {
      const record = records[collection].get(decodeURIComponent(id));
      return record ? answer(res, { status: 200, json: record }) : answer(res, { status: 404, json: {} });
    }
    if (req.method === 'GET') {
      const filters = [...url.searchParams.entries()];
      const items = [...records[collection].values()].filter((r) => filters.every(([k, v]) => String(r[k]) === v));
      return answer(res, { status: 200, json: { items, next: null } });
    }
    if (req.method !== 'POST' || id !== undefined) return answer(res, { status: 405, json: {} });

    const fields = JSON.parse(body) as Record<string, unknown>;
    // Keys are scoped to the collection: the same key on another endpoint is another request.
    const header = req.headers['idempotency-key'];
    const key = typeof header === 'string' ? `${collection}|${header}` : undefined;
    if (key !== undefined && keys.has(key)) {
      const seen = keys.get(key)!;
      if (seen.body !== body)
        return answer(res, { status: 422, json: { error: { code: 'IDEMPOTENCY_KEY_REUSED', message: 'key reused' } } });
      // The first answer again, with the record as it is now.
      return answer(res, { status: 201, json: records[collection].get(seen.id) });
    }
    const missing = (options.required?.[collection] ?? []).filter((f) => fields[f] === undefined);
    if (missing.length > 0) {
      return answer(res, {
        status: 422,
        json: { error: { code: 'REQUIRED_FIELD_MISSING', message: 'required', fields: missing } },
      });
    }
    const existing = [...records[collection].values()].find(
      (r) => naturalKey(collection, r) === naturalKey(collection, fields),
    );
    if (existing) {
      const style = options.duplicateStyle ?? 'existingId';
      return answer(res, {
        status: 409,
        json: {
          error: {
            code: 'DUPLICATE_NATURAL_KEY',
            message: 'a record with this natural key exists',
            ...(style === 'existingId' ? { existingId: existing.id } : {}),
          },
        },
        ...(style === 'location' ? { headers: { location: `${ROOT}/${collection}/${existing.id}` } } : {}),
      });
    }
    const record = store(collection, fields);
    if (key !== undefined) keys.set(key, { body, id: record.id });
    return answer(res, { status: 201, json: record, headers: { location: `${ROOT}/${collection}/${record.id}` } });
  });

  return {
    baseUrl: server.origin + ROOT,
    origin: server.origin,
    requests: server.requests,
    records,
    fail: (...answers) => void queued.push(...answers),
    seed: (collection, fields) => store(collection, fields),
    close: () => server.close(),
  };
}
