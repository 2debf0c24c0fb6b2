import { fromWire, type PropDef, type Row } from './edm.ts';
import { BAD_REQUEST, ODataError, badRequest, errorBody, notFound } from './errors.ts';
import { literalValue, parseKeyPredicate, parseLiteral, type Literal } from './literal.ts';
import { setOf, type EntitySetDef, type FunctionDef, type OpCtx, type ServiceDef } from './model.ts';
import { etagFor, parseQuery, runQuery, serialize, type SerializeCtx } from './query.ts';

/**
 * The generic OData V2 request handler of one service: service document, $metadata, entity sets
 * (GET with query options, POST), entities (GET, PATCH/MERGE/PUT with If-Match, DELETE),
 * one level of navigation, $count and function imports. Used for plain requests and for the
 * parts of a $batch alike; it never throws, every refusal is a V2 error answer.
 */
export interface ODataRequest {
  readonly method: string;
  /** The resource path below the service root, still percent-encoded, without a leading '/'. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly bodyText: string;
  /** The authenticated user (communication user or OAuth2 client). */
  readonly user: string;
}

export interface ODataResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** An object is JSON, a string is sent as is. */
  readonly body?: unknown;
}

export interface EngineOptions {
  /** Server page size (SAP's default limit differs per service; the simulator's is configurable). */
  readonly pageSize: number;
  /** The absolute service root with a trailing slash, from the request's Host. */
  root(req: ODataRequest): string;
  op(req: ODataRequest): OpCtx;
  /** Runs a write so a failure leaves no trace (store snapshot, held-back events). */
  write<T>(fn: () => T): T;
  metadata(): string;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', dataserviceversion: '2.0' };

export class ODataEngine {
  constructor(
    readonly service: ServiceDef,
    private readonly options: EngineOptions,
  ) {}

  handle(req: ODataRequest): ODataResponse {
    try {
      return this.dispatch(req);
    } catch (thrown) {
      const error =
        thrown instanceof ODataError
          ? thrown
          : new ODataError(
              500,
              'SIM/500',
              `Simulator error: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
            );
      return {
        status: error.status,
        headers: { ...JSON_HEADERS, ...error.headers },
        body: errorBody(error, this.service.name, new Date(this.options.op(req).now)),
      };
    }
  }

  private dispatch(req: ODataRequest): ODataResponse {
    const segments = req.path.split('/').filter((s) => s !== '');
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    if (segments.length === 0) {
      if (method !== 'GET') throw methodNotAllowed(method, 'the service document');
      return ok({ d: { EntitySets: this.service.sets.map((s) => s.name) } });
    }
    const first = decode(segments[0]!);
    if (first === '$metadata') {
      if (method !== 'GET') throw methodNotAllowed(method, '$metadata');
      return {
        status: 200,
        headers: { 'content-type': 'application/xml', dataserviceversion: '2.0' },
        body: this.options.metadata(),
      };
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/s.exec(first);
    if (!m) throw badRequest(`Invalid resource path segment '${first}'`);
    const [, name, predicate] = m as unknown as [string, string, string | undefined];
    const set = setOf(this.service, name);
    if (!set) {
      const fn = this.service.functions.find((f) => f.name === name);
      if (fn && predicate === undefined && segments.length === 1) return this.callFunction(fn, method, req);
      throw notFound(name);
    }
    if (predicate === undefined) {
      if (segments.length > 1) {
        if (segments.length === 2 && segments[1] === '$count' && method === 'GET') return this.count(set, req);
        throw badRequest(`Address a single ${set.name} entity by its key before '${segments[1]}'`);
      }
      if (method === 'GET') return this.readCollection(set, set.list(this.op(req)), req);
      if (method === 'POST') return this.create(set, req);
      throw methodNotAllowed(method, `the entity set ${set.name}`);
    }
    const row = this.find(set, predicate, req);
    if (segments.length === 1) {
      if (method === 'GET') return this.readEntity(set, row, req);
      if (method === 'PATCH' || method === 'MERGE' || method === 'PUT') return this.update(set, row, req);
      if (method === 'DELETE') return this.remove(set, row, req);
      throw methodNotAllowed(method, `an entity of ${set.name}`);
    }
    const navName = decode(segments[1]!);
    const nav = set.navs?.[navName];
    if (!nav) throw notFound(navName);
    const target = setOf(this.service, nav.target)!;
    if (method !== 'GET') throw methodNotAllowed(method, `navigation ${navName} (write to ${target.name} instead)`);
    if (segments.length > 3 || (segments.length === 3 && segments[2] !== '$count'))
      throw badRequest('The simulator follows one navigation level only');
    const value = nav.get(row, this.op(req));
    if (nav.many) {
      const list = Array.isArray(value) ? value : [];
      if (segments[2] === '$count') return this.count(target, req, list);
      return this.readCollection(target, list, req);
    }
    const one = Array.isArray(value) ? value[0] : value;
    if (!one) return ok({ d: null });
    return this.readEntity(target, one, req);
  }

  private op(req: ODataRequest): OpCtx {
    return this.options.op(req);
  }

  private sx(req: ODataRequest): SerializeCtx {
    return { service: this.service, root: this.options.root(req), op: this.op(req) };
  }

  private readCollection(set: EntitySetDef, rows: Row[], req: ODataRequest): ODataResponse {
    const q = parseQuery(req.query, set, this.service);
    const page = runQuery(rows, set, q, this.options.pageSize);
    const sx = this.sx(req);
    const d: Row = { results: page.rows.map((r) => serialize(r, set, sx, q.select, q.expand)) };
    if (q.inlinecount) d.__count = String(page.count);
    if (page.nextToken !== undefined) {
      // Like Gateway: the same query with a $skiptoken, and no sap-client (the client must add it).
      const params = [...req.query].filter(([k]) => k !== '$skiptoken' && k !== 'sap-client');
      params.push(['$skiptoken', String(page.nextToken)]);
      const text = params.map(
        ([k, v]) => `${k}=${encodeURIComponent(v).replace(/%(27|28|29|2C|3A|24)/g, (m) => decodeURIComponent(m))}`,
      );
      d.__next = `${sx.root}${req.path}?${text.join('&')}`;
    }
    return ok({ d });
  }

  private count(set: EntitySetDef, req: ODataRequest, rows?: Row[]): ODataResponse {
    const q = parseQuery(req.query, set, this.service);
    const page = runQuery(rows ?? set.list(this.op(req)), set, { ...q, skip: 0, orderby: [] }, Number.MAX_SAFE_INTEGER);
    return {
      status: 200,
      headers: { 'content-type': 'text/plain', dataserviceversion: '2.0' },
      body: String(page.count),
    };
  }

  private readEntity(set: EntitySetDef, row: Row, req: ODataRequest): ODataResponse {
    const q = parseQuery(req.query, set, this.service);
    const etag = etagFor(set, row);
    return ok({ d: serialize(row, set, this.sx(req), q.select, q.expand) }, etag ? { etag } : {});
  }

  private create(set: EntitySetDef, req: ODataRequest): ODataResponse {
    if (!set.create) throw methodNotAllowed('POST', `the entity set ${set.name} (it is read-only)`);
    const body = this.checkedBody(set, req, 'create');
    const op = this.op(req);
    const row = this.options.write(() => set.create!(body, op));
    const sx = this.sx(req);
    const expand = new Map(
      Object.keys(set.navs ?? {})
        .filter((n) => n in body)
        .map((n) => [n, new Map()]),
    );
    const d = serialize(row, set, sx, undefined, expand);
    const etag = etagFor(set, row);
    return {
      status: 201,
      headers: { ...JSON_HEADERS, location: (d.__metadata as { uri: string }).uri, ...(etag ? { etag } : {}) },
      body: { d },
    };
  }

  private update(set: EntitySetDef, row: Row, req: ODataRequest): ODataResponse {
    if (!set.update) throw methodNotAllowed(req.method, `entities of ${set.name} (they are read-only)`);
    this.checkEtag(set, row, req);
    const changes = this.checkedBody(set, req, 'update');
    for (const key of set.keys) {
      if (key in changes && String(changes[key]) !== String(row[key]))
        throw badRequest(`Key property '${key}' cannot be changed`, key);
      delete changes[key];
    }
    this.options.write(() => set.update!(row, changes, this.op(req)));
    const etag = etagFor(set, row);
    return { status: 204, headers: { dataserviceversion: '2.0', ...(etag ? { etag } : {}) } };
  }

  private remove(set: EntitySetDef, row: Row, req: ODataRequest): ODataResponse {
    if (!set.remove) throw methodNotAllowed('DELETE', `entities of ${set.name}`);
    this.checkEtag(set, row, req);
    this.options.write(() => set.remove!(row, this.op(req)));
    return { status: 204, headers: { dataserviceversion: '2.0' } };
  }

  /** 428 without If-Match, 412 when it is not the current ETag; `*` matches any. */
  private checkEtag(set: EntitySetDef, row: Row, req: ODataRequest): void {
    const current = etagFor(set, row);
    if (!current) return;
    const given = req.headers['if-match'];
    if (!given)
      throw new ODataError(
        428,
        '/IWBEP/CM_MGW_RT/167',
        `Precondition required: send If-Match with the ETag of ${set.name}${keyOf(set, row)}`,
      );
    if (given.trim() === '*') return;
    const candidates = given.split(/,(?=\s*(?:W\/)?")/).map((s) => s.trim());
    if (!candidates.includes(current))
      throw new ODataError(
        412,
        '/IWBEP/CM_MGW_RT/166',
        `Precondition failed: ${set.name}${keyOf(set, row)} was changed; its ETag is now ${current}`,
      );
  }

  private find(set: EntitySetDef, predicate: string, req: ODataRequest): Row {
    const given = parseKeyPredicate(predicate);
    const wanted = new Map<string, unknown>();
    if (given.has('')) {
      if (set.keys.length !== 1)
        throw badRequest(
          `${set.name} has the keys ${set.keys.join(', ')}; name each one: (${set.keys.map((k) => `${k}='…'`).join(',')})`,
        );
      wanted.set(set.keys[0]!, keyValue(set, set.keys[0]!, given.get('')!));
    } else {
      for (const k of given.keys())
        if (!set.keys.includes(k)) throw badRequest(`'${k}' is not a key of ${set.name}`, k);
      for (const k of set.keys) {
        const lit = given.get(k);
        if (!lit) throw badRequest(`Key '${k}' of ${set.name} is missing in (${predicate})`, k);
        wanted.set(k, keyValue(set, k, lit));
      }
    }
    const norm = set.normalize ?? {};
    const same = (k: string, a: unknown, b: unknown) => {
      const f = norm[k];
      return f && typeof a === 'string' && typeof b === 'string' ? f(a) === f(b) : a === b;
    };
    const row = set.list(this.op(req)).find((r) => [...wanted].every(([k, v]) => same(k, r[k], v)));
    if (!row) throw notFound(`${set.name}(${predicate})`);
    return row;
  }

  private checkedBody(set: EntitySetDef, req: ODataRequest, mode: 'create' | 'update'): Row {
    let raw: unknown;
    try {
      raw = req.bodyText.trim() === '' ? {} : JSON.parse(req.bodyText);
    } catch {
      throw new ODataError(400, '/IWBEP/CM_MGW_RT/004', 'The request body is not valid JSON');
    }
    if (raw !== null && typeof raw === 'object' && 'd' in raw && Object.keys(raw).length === 1)
      raw = (raw as { d: unknown }).d;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw badRequest(`The body of a ${mode} must be a JSON object of ${set.entityType} properties`);
    const out: Row = {};
    for (const [name, value] of Object.entries(raw)) {
      if (name === '__metadata') continue;
      if (set.navs?.[name]) {
        if (mode === 'update')
          throw badRequest(`Navigation property '${name}' cannot be changed with ${req.method}`, name);
        out[name] = value;
        continue;
      }
      const def = set.props[name];
      if (!def) throw badRequest(`Property '${name}' is invalid: ${set.entityType} has no such property`, name);
      if (value !== null && typeof value === 'object' && '__deferred' in value) continue;
      if (def.readOnly && !set.keys.includes(name)) continue;
      out[name] = fromWire(value, def, name);
    }
    return out;
  }

  private callFunction(fn: FunctionDef, method: string, req: ODataRequest): ODataResponse {
    if (method !== fn.httpMethod) throw methodNotAllowed(method, `function import ${fn.name} (use ${fn.httpMethod})`);
    const params: Row = {};
    for (const name of req.query.keys()) {
      if (name.startsWith('$') || name.startsWith('sap-')) continue;
      if (!fn.params[name]) throw badRequest(`Function import ${fn.name} has no parameter '${name}'`, name);
    }
    for (const [name, def] of Object.entries(fn.params)) {
      const text = req.query.get(name);
      if (text === null || text === '') {
        if (!def.optional) throw badRequest(`Parameter '${name}' of function import ${fn.name} is missing`, name);
        continue;
      }
      params[name] = paramValue(def, name, parseLiteral(text, `parameter ${name}`));
    }
    const op = this.op(req);
    const result = fn.httpMethod === 'POST' ? this.options.write(() => fn.run(params, op)) : fn.run(params, op);
    if (result === undefined) return { status: 204, headers: { dataserviceversion: '2.0' } };
    const set = fn.returns ? setOf(this.service, fn.returns.set)! : undefined;
    if (!set) return ok({ d: { [fn.name]: result } });
    const sx = this.sx(req);
    if (Array.isArray(result))
      return ok({ d: { results: result.map((r) => serialize(r, set, sx, undefined, new Map())) } });
    const etag = etagFor(set, result);
    return ok({ d: serialize(result, set, sx, undefined, new Map()) }, etag ? { etag } : {});
  }
}

function ok(body: unknown, headers: Record<string, string> = {}): ODataResponse {
  return { status: 200, headers: { ...JSON_HEADERS, ...headers }, body };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`Invalid percent-encoding in '${segment}'`);
  }
}

function methodNotAllowed(method: string, what: string): ODataError {
  return new ODataError(405, '/IWBEP/CM_MGW_RT/009', `Method ${method} is not allowed on ${what}`);
}

function keyOf(set: EntitySetDef, row: Row): string {
  return `(${set.keys.map((k) => `${k}='${String(row[k])}'`).join(',')})`;
}

function keyValue(set: EntitySetDef, key: string, lit: Literal): unknown {
  return paramValue(set.props[key]!, key, lit);
}

/** A URI literal as the internal value of a property or parameter of this type; 400 when it does not fit. */
function paramValue(def: PropDef, name: string, lit: Literal): unknown {
  const expected = (what: string) =>
    new ODataError(400, BAD_REQUEST, `Invalid value for '${name}' (${def.type}): expected ${what}`, [
      { code: BAD_REQUEST, message: `Invalid value for '${name}'`, target: name },
    ]);
  switch (def.type) {
    case 'Edm.String':
    case 'Edm.Guid':
    case 'Edm.Time':
      if (lit.t !== 'str') throw expected(`a quoted string such as '1000123'`);
      return fromWire(lit.v, def, name);
    case 'Edm.DateTime':
    case 'Edm.DateTimeOffset':
      if (lit.t !== 'date') throw expected(`datetime'2026-03-01T00:00:00'`);
      return lit.v;
    case 'Edm.Boolean':
      if (lit.t !== 'bool') throw expected('true or false');
      return lit.v;
    default:
      if (lit.t !== 'num' && lit.t !== 'str') throw expected('a number');
      return fromWire(literalValue(lit), def, name);
  }
}
