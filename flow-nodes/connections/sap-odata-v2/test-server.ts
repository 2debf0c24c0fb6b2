import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTestServer, type SeenRequest } from '../http/test-server.ts';
import {
  EntitySet,
  entityJson,
  etagOf,
  keyPath,
  queryRows,
  type EntitySetSpec,
  type Stored,
} from './test-server-data.ts';
import { ODataError, parseKey, parseLiteral, plain, type Row } from './test-server-query.ts';

/**
 * Test support: a small SAP Gateway look-alike on 127.0.0.1 and a random port, for testing the
 * sap-odata-v2 client and the sap.odata node over real HTTP. It enforces what real S/4 enforces
 * and clients get wrong: sap-client on every request, CSRF token bound to the session cookie,
 * If-Match (428 without, 412 when stale), V2 wire formats in bodies, strict $filter typing,
 * server-driven paging with __next, V2 error bodies. Faults: 429/503 with Retry-After, a V2
 * rejection, a write that commits and then never answers, a concurrent change after a read.
 * Not the ERP simulator: no business rules of its own (an entity set's onInsert hook adds them:
 * test-server-erp.ts seeds a small S/4 plant for the erp.* nodes), no $batch, no $metadata.
 */

export const SERVICE_PATH = '/sap/opu/odata/sap';

export interface SapTestServerOptions {
  /** @default '100' */
  readonly client?: string;
  /** When set, requests must carry these Basic credentials. */
  readonly basic?: { readonly username: string; readonly password: string };
  /** When set, requests may carry this bearer token instead. */
  readonly bearer?: string;
  /** Rows per page before __next. @default 1000 */
  readonly pageSize?: number;
}

interface FaultMatch {
  /** How many requests it applies to. @default 1 */
  times?: number;
  /** Only requests with these methods. @default all */
  readonly methods?: readonly string[];
}

export type SapFault = FaultMatch &
  (
    | {
        readonly kind: 'unavailable';
        readonly status?: 429 | 502 | 503 | 504;
        readonly retryAfter?: string;
        readonly html?: boolean;
      }
    | {
        readonly kind: 'reject';
        readonly status: number;
        readonly code: string;
        readonly message: string;
        readonly details?: ReadonlyArray<Record<string, string>>;
      }
    /** The change is applied, then the answer never comes: a blind retry would post twice. */
    | { readonly kind: 'commit-then-hang' }
    /** Right after an entity is read, another user changes it, so the ETag just read is stale. */
    | { readonly kind: 'change-after-read' }
  );

/** A function import: gets its parameters as plain values, returns the `d` to answer with. */
export interface FunctionImport {
  readonly method: 'GET' | 'POST';
  handle(params: Row, server: SapTestServer): unknown;
}

export interface SapTestServer {
  readonly origin: string;
  /** origin + /sap/opu/odata/sap: the connection's baseUrl. */
  readonly baseUrl: string;
  readonly requests: SeenRequest[];
  define(service: string, entitySet: string, spec: EntitySetSpec): EntitySet;
  /** The row as stored (wire form), or undefined. */
  entity(service: string, entitySet: string, key: Row): Row | undefined;
  /** Another user's change: the row changes and its ETag moves on. */
  change(service: string, entitySet: string, key: Row, changes: Row): void;
  defineFunction(service: string, name: string, fn: FunctionImport): void;
  /** Ends every security session, as a session timeout does: tokens and cookies stop working. */
  expireSessions(): void;
  fault(fault: SapFault): void;
  close(): Promise<void>;
}

const MODIFYING = new Set(['POST', 'PUT', 'PATCH', 'MERGE', 'DELETE']);

export async function startSapTestServer(options: SapTestServerOptions = {}): Promise<SapTestServer> {
  const client = options.client ?? '100';
  const pageSize = options.pageSize ?? 1000;
  const cookieName = `SAP_SESSIONID_SIM_${client}`;
  const sets = new Map<string, EntitySet>();
  const functions = new Map<string, FunctionImport>();
  const sessions = new Map<string, string>(); // session id → CSRF token
  const faults: SapFault[] = [];
  let transaction = 0;

  const http = await startTestServer((req, res, body) => handle(req, res, body));
  const setOf = (service: string, name: string) => {
    const set = sets.get(`${service}/${name}`);
    if (!set) throw new Error(`no entity set ${service}/${name}`);
    return set;
  };

  const server: SapTestServer = {
    origin: http.origin,
    baseUrl: http.origin + SERVICE_PATH,
    requests: http.requests,
    define(service, entitySet, spec) {
      const set = new EntitySet(service, entitySet, spec);
      sets.set(`${service}/${entitySet}`, set);
      return set;
    },
    entity: (service, entitySet, key) => setOf(service, entitySet).get(key)?.row,
    change(service, entitySet, key, changes) {
      setOf(service, entitySet).update(setOf(service, entitySet).find(key), changes);
    },
    defineFunction: (service, name, fn) => void functions.set(`${service}/${name}`, fn),
    expireSessions: () => sessions.clear(),
    fault: (fault) => void faults.push({ ...fault }),
    close: () => http.close(),
  };

  /** The first pending fault of one of `kinds` that matches the request, used up by one. */
  function takeFault<K extends SapFault['kind']>(kinds: readonly K[], method: string) {
    const index = faults.findIndex(
      (f) => (kinds as readonly string[]).includes(f.kind) && (!f.methods || f.methods.includes(method)),
    );
    if (index < 0) return undefined;
    const fault = faults[index]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) faults.splice(index, 1);
    return fault as Extract<SapFault, { kind: K }>;
  }

  function sendError(res: ServerResponse, e: ODataError, details?: ReadonlyArray<Record<string, string>>) {
    const id = `SIM${String(++transaction).padStart(8, '0')}`;
    json(res, e.status, {
      error: {
        code: e.code,
        message: { lang: 'en', value: e.message },
        innererror: {
          transactionid: id,
          errordetails: details ?? [
            { code: e.code, message: e.message, propertyref: '', severity: 'error', target: '' },
          ],
        },
      },
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', http.origin);
    try {
      if (!url.pathname.startsWith(SERVICE_PATH)) throw new ODataError(404, 'SIM/404', 'Not an OData path.');
      if (url.searchParams.get('sap-client') !== client)
        throw new ODataError(
          400,
          '/IWFND/CM_BEC/026',
          `sap-client ${url.searchParams.get('sap-client') ?? '(none)'} is not client ${client}.`,
        );
      if (!authorized(req)) {
        res.writeHead(401, { 'www-authenticate': `Basic realm="SAP NetWeaver Application Server [SIM/${client}]"` });
        res.end('Logon failed');
        return;
      }
      const unavailable = takeFault(['unavailable'], method);
      if (unavailable) {
        const status = unavailable.status ?? 503;
        if (unavailable.retryAfter) res.setHeader('retry-after', unavailable.retryAfter);
        if (!unavailable.html) return sendError(res, new ODataError(status, 'SIM/503', 'The system is not available.'));
        // The Web Dispatcher answers a maintenance window with a page, not with OData.
        res.writeHead(status, { 'content-type': 'text/html' });
        res.end('<html><body>Service unavailable: maintenance</body></html>');
        return;
      }
      if (!csrf(req, res, method)) return;
      const reject = takeFault(['reject'], method);
      if (reject) return sendError(res, new ODataError(reject.status, reject.code, reject.message), reject.details);
      route(method, url, req, body, res);
    } catch (e) {
      if (e instanceof ODataError) return sendError(res, e);
      throw e;
    }
  }

  function authorized(req: IncomingMessage): boolean {
    if (!options.basic && !options.bearer) return true;
    const given = req.headers.authorization ?? '';
    if (options.bearer && given === `Bearer ${options.bearer}`) return true;
    const { username, password } = options.basic ?? {};
    return !!options.basic && given === 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
  }

  /** Issues tokens on a Fetch, checks them on writes; false when it has answered. */
  function csrf(req: IncomingMessage, res: ServerResponse, method: string): boolean {
    const sid = new RegExp(`(?:^|;\\s*)${cookieName}=([^;]+)`).exec(req.headers.cookie ?? '')?.[1];
    const header = String(req.headers['x-csrf-token'] ?? '');
    if ((method === 'GET' || method === 'HEAD') && header.toLowerCase() === 'fetch') {
      let session = sid && sessions.has(sid) ? sid : undefined;
      if (!session) {
        session = randomBytes(12).toString('hex');
        sessions.set(session, randomBytes(16).toString('base64url'));
        res.setHeader('set-cookie', [
          `${cookieName}=${session}; path=/; HttpOnly`,
          `sap-usercontext=sap-client=${client}; path=/`,
        ]);
      }
      res.setHeader('x-csrf-token', sessions.get(session)!);
      return true;
    }
    if (!MODIFYING.has(method)) return true;
    if (sid && sessions.has(sid) && header !== '' && sessions.get(sid) === header) return true;
    res.writeHead(403, { 'x-csrf-token': 'Required', 'content-type': 'text/plain' });
    res.end('CSRF token validation failed');
    return false;
  }

  function route(method: string, url: URL, req: IncomingMessage, body: string, res: ServerResponse) {
    const rest = url.pathname.slice(SERVICE_PATH.length + 1);
    const slash = rest.indexOf('/');
    const service = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
    const segment = slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1));
    const serviceUrl = `${http.origin}${SERVICE_PATH}/${service}`;
    const names = [...sets.values()].filter((s) => s.service === service).map((s) => s.name);
    if (names.length === 0 && ![...functions.keys()].some((k) => k.startsWith(service + '/')))
      throw new ODataError(
        404,
        '/IWFND/MED/170',
        `No service found for namespace '', name '${service}', version '0001'.`,
      );
    if (segment === '') return json(res, 200, { d: { EntitySets: names } });

    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/.exec(segment);
    if (!m) throw new ODataError(404, '/IWBEP/CM_MGW_RT/020', `Resource not found for segment '${segment}'.`);
    const fn = functions.get(`${service}/${m[1]}`);
    if (fn && m[2] === undefined) return callFunction(fn, method, url, res);
    const set = sets.get(`${service}/${m[1]}`);
    if (!set) throw new ODataError(404, '/IWBEP/CM_MGW_RT/020', `Resource not found for segment '${m[1]}'.`);
    const list = (name: string) => url.searchParams.get(name)?.split(',').filter(Boolean) ?? [];
    const view = { select: list('$select'), expand: list('$expand') };

    if (m[2] === undefined) {
      if (method === 'GET') return readCollection(set, url, serviceUrl, res);
      if (method !== 'POST') throw new ODataError(405, 'SIM/405', `${method} is not allowed on a collection.`);
      const posted = entityBody(body);
      const stored = set.insert(posted);
      if (takeFault(['commit-then-hang'], method)) return; // committed; the answer never comes
      // A deep insert is answered with what it created inline, as Gateway does.
      const inline = (set.spec.navigations ?? []).filter((n) => n in posted);
      return json(
        res,
        201,
        { d: entityJson(set, stored, serviceUrl, { expand: inline }) },
        {
          etag: etagOf(stored),
          location: `${serviceUrl}/${keyPath(set, stored.row)}`,
        },
      );
    }

    const stored = set.find(parseKey(m[2], set.spec.keys));
    if (method === 'GET') {
      json(res, 200, { d: entityJson(set, stored, serviceUrl, view) }, { etag: etagOf(stored) });
      if (takeFault(['change-after-read'], 'GET')) stored.version++;
      return;
    }
    if (!['PATCH', 'MERGE', 'PUT', 'DELETE'].includes(method))
      throw new ODataError(405, 'SIM/405', `${method} is not allowed on an entity.`);
    checkIfMatch(req.headers['if-match'], stored);
    if (method === 'DELETE') set.delete(stored);
    else set.update(stored, entityBody(body));
    if (takeFault(['commit-then-hang'], method)) return;
    res.writeHead(204, method === 'DELETE' ? {} : { etag: etagOf(stored) });
    res.end();
  }

  function readCollection(set: EntitySet, url: URL, serviceUrl: string, res: ServerResponse) {
    const params = url.searchParams;
    const rows = queryRows(set, params);
    const from = Number(params.get('$skiptoken') ?? '0');
    const page = rows.slice(from, from + pageSize);
    const list = (name: string) => params.get(name)?.split(',').filter(Boolean) ?? [];
    const d: Row = {
      results: page.map((s) => entityJson(set, s, serviceUrl, { select: list('$select'), expand: list('$expand') })),
    };
    if (params.get('$inlinecount') === 'allpages') d.__count = String(rows.length);
    if (from + pageSize < rows.length) {
      // Like Gateway, the link repeats the query options but not sap-client.
      const next = new URLSearchParams(params);
      next.delete('sap-client');
      next.set('$skiptoken', String(from + pageSize));
      d.__next = `${serviceUrl}/${set.name}?${next.toString()}`;
    }
    json(res, 200, { d });
  }

  function callFunction(fn: FunctionImport, method: string, url: URL, res: ServerResponse) {
    if (method !== fn.method) throw new ODataError(405, 'SIM/405', `The function import needs ${fn.method}.`);
    const params: Row = {};
    for (const [name, value] of url.searchParams) {
      if (!name.startsWith('$') && !name.startsWith('sap-')) params[name] = plain(parseLiteral(value));
    }
    const result = fn.handle(params, server);
    if (result === undefined) {
      res.writeHead(204);
      res.end();
    } else json(res, 200, { d: result });
  }

  return server;
}

function checkIfMatch(given: string | undefined, stored: Stored): void {
  if (given === undefined || given === '')
    throw new ODataError(428, '/IWBEP/CM_MGW_RT/004', 'The request has to be conditional (ETag required).');
  if (given !== '*' && given !== etagOf(stored))
    throw new ODataError(412, '/IWBEP/CM_MGW_RT/111', 'The entity was changed by someone else (ETag mismatch).');
}

/** A write body, `{ d: {...} }` or bare; __metadata is dropped as Gateway does. */
function entityBody(text: string): Row {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ODataError(400, '/IWBEP/CM_MGW_RT/013', 'The request body is not JSON.');
  }
  if (body !== null && typeof body === 'object' && 'd' in body) body = (body as { d: unknown }).d;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ODataError(400, '/IWBEP/CM_MGW_RT/013', 'The request body is not an entity.');
  const { __metadata: _metadata, ...row } = body as Row;
  return row;
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', dataserviceversion: '2.0', ...headers });
  res.end(JSON.stringify(value));
}
