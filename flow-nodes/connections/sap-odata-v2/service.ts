import { ConfigError, DataError, RemoteError } from '@millrace/node-sdk';
import { excerpt } from '../http/classify.ts';
import type { Answer } from '../http/transport.ts';
import { fromV2, toV2 } from './convert.ts';
import { sapError } from './errors.ts';
import {
  PROPERTY_PATH,
  isTypedValue,
  keyPredicate,
  literal,
  queryString,
  renderFilter,
  type KeyInput,
  type ODataQuery,
} from './query.ts';
import type { SapSession } from './session.ts';

export interface CallOptions {
  readonly signal?: AbortSignal;
  /** For this call; the connection's timeoutMs is the ceiling. */
  readonly timeoutMs?: number;
}

export interface WriteOptions extends CallOptions {
  /** Sent as `Idempotency-Key`. SAP ignores it; proxies and the simulator record it. */
  readonly idempotencyKey?: string;
}

export interface ReadOptions extends CallOptions {
  readonly select?: readonly string[];
  readonly expand?: readonly string[];
}

export interface CollectionOptions extends CallOptions {
  readonly query?: ODataQuery;
  /** Stop following `__next` after this many pages. @default 10 */
  readonly maxPages?: number;
}

export interface UpdateOptions extends WriteOptions {
  /**
   * - a string: sent as If-Match; a 412 fails with SAP_PRECONDITION_FAILED (someone changed the
   *   entity since the caller read it: optimistic concurrency).
   * - 'auto': the caller accepts last-writer-wins. If-Match is `etag` when given; on 428 or 412
   *   the entity is read again (once for each) and the write sent again.
   * - undefined: no If-Match; only when SAP insists (428) is the ETag read and the write sent again.
   */
  readonly ifMatch?: 'auto' | string;
  /** With ifMatch 'auto': the ETag the caller last saw, possibly stale. */
  readonly etag?: string;
  /** @default 'PATCH'. MERGE is the V2 original, for services that refuse PATCH. */
  readonly method?: 'PATCH' | 'MERGE';
}

export interface FunctionOptions extends WriteOptions {
  /** As the function import declares it in $metadata. @default 'POST' */
  readonly method?: 'GET' | 'POST';
}

export type Entity = Record<string, unknown>;

export interface EntityResult {
  /** With RFC 3339 dates; decimals stay strings; `__metadata` kept. */
  readonly entity: Entity;
  readonly etag?: string;
}

export interface CollectionResult {
  readonly results: Entity[];
  /** `__count`, when the query asked for it. */
  readonly count?: number;
  readonly pages: number;
  /** The `__next` link not followed because maxPages was reached. */
  readonly next?: string;
}

export const DEFAULT_MAX_PAGES = 10;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * One OData V2 service (`<baseUrl>/API_PRODUCTION_ORDER_2_SRV`) of an SAP connection. Methods
 * resolve with converted data (RFC 3339 dates, decimal strings) and reject with FlowErrors:
 * SAP_TRANSIENT, SAP_UNAUTHORIZED, SAP_REJECTED (vendorCode = the SAP message code),
 * SAP_PRECONDITION_FAILED/REQUIRED, SAP_CSRF_REFUSED, SAP_INVALID_RESPONSE, DataError
 * SAP_KEY_VALUE/SAP_FILTER_VALUE/SAP_PARAMETER_VALUE, ConfigError SAP_INVALID_REQUEST.
 */
export class SapService {
  readonly name: string;
  /** Without a trailing slash. */
  readonly root: URL;
  readonly #session: SapSession;
  readonly #now: () => Date;

  constructor(name: string, root: URL, session: SapSession, now: () => Date) {
    this.name = name;
    this.root = root;
    this.#session = session;
    this.#now = now;
  }

  /** A GET of the service document: proves reachability, credentials, client and service. */
  async ping(options: CallOptions = {}): Promise<void> {
    this.#check(await this.#send('GET', this.root, options), 'GET');
  }

  async readEntity(entitySet: string, key: KeyInput, options: ReadOptions = {}): Promise<EntityResult> {
    const params: Array<[string, string]> = [];
    if (options.select?.length) params.push(['$select', paths(options.select, 'select')]);
    if (options.expand?.length) params.push(['$expand', paths(options.expand, 'expand')]);
    const answer = await this.#send('GET', this.#url(this.#entityPath(entitySet, key) + queryString(params)), options);
    this.#check(answer, 'GET');
    return entityResult(answer, this.#data(answer, 'GET'));
  }

  async readCollection(entitySet: string, options: CollectionOptions = {}): Promise<CollectionResult> {
    const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    let url = this.#url(name(entitySet, 'entity set') + queryString(collectionParams(options.query ?? {})));
    const results: Entity[] = [];
    let count: number | undefined;
    for (let pages = 1; ; pages++) {
      const answer = await this.#send('GET', url, options);
      this.#check(answer, 'GET');
      const d = this.#data(answer, 'GET') as { results?: unknown; __count?: unknown; __next?: unknown } | unknown[];
      const page = Array.isArray(d) ? d : d?.results;
      if (!Array.isArray(page)) throw invalid(answer, 'a collection without "results"');
      for (const item of page) results.push(fromV2(item) as Entity);
      if (!Array.isArray(d) && count === undefined && d.__count !== undefined) count = Number(d.__count);
      const next = Array.isArray(d) ? undefined : d.__next;
      const done = typeof next !== 'string' || next === '';
      if (done || pages >= maxPages) {
        return {
          results,
          ...(count === undefined || Number.isNaN(count) ? {} : { count }),
          pages,
          ...(done ? {} : { next }),
        };
      }
      url = this.#nextUrl(next, answer);
    }
  }

  async create(entitySet: string, body: unknown, options: WriteOptions = {}): Promise<EntityResult> {
    const answer = await this.#send('POST', this.#url(name(entitySet, 'entity set')), options, {
      headers: idempotency(options),
      bodyText: JSON.stringify(toV2(body)),
    });
    this.#check(answer, 'POST');
    return entityResult(answer, this.#data(answer, 'POST'));
  }

  /** PATCH (or MERGE) with the ETag handling of `options.ifMatch`. Resolves with the new ETag. */
  async update(
    entitySet: string,
    key: KeyInput,
    body: unknown,
    options: UpdateOptions = {},
  ): Promise<{ readonly etag?: string }> {
    const answer = await this.#conditional(
      options.method ?? 'PATCH',
      entitySet,
      key,
      options,
      JSON.stringify(toV2(body)),
    );
    return answer.headers.etag ? { etag: answer.headers.etag } : {};
  }

  async remove(entitySet: string, key: KeyInput, options: UpdateOptions = {}): Promise<void> {
    await this.#conditional('DELETE', entitySet, key, options, undefined);
  }

  /**
   * Calls a function import (ReleaseOrder, Cancel, …). Parameters are written as URI literals
   * (TypedValue for a guid or datetime); null and undefined leave one out. Resolves with the
   * result: an entity, `{ results }` for a collection, the value for a primitive, null for none.
   */
  async callFunction(
    fn: string,
    parameters: Readonly<Record<string, unknown>> = {},
    options: FunctionOptions = {},
  ): Promise<unknown> {
    const method = options.method ?? 'POST';
    const params: Array<[string, string]> = [];
    for (const [param, value] of Object.entries(parameters)) {
      if (value === undefined || value === null) continue;
      const lit = isTypedValue(value) ? literal(value.value, value.type) : literal(value);
      if (!lit.ok || lit.text === 'null') {
        throw new DataError('SAP_PARAMETER_VALUE', `Parameter ${param} of ${fn} ${lit.ok ? 'is null' : lit.problem}.`, {
          details: { function: fn, parameter: param },
        });
      }
      params.push([name(param, 'parameter'), lit.text]);
    }
    const url = this.#url(name(fn, 'function') + queryString(params));
    const answer = await this.#send(method, url, options, method === 'POST' ? { headers: idempotency(options) } : {});
    this.#check(answer, method);
    const d = this.#data(answer, method);
    if (d === undefined) return null;
    const value = fromV2(d);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const v = value as Record<string, unknown>;
      if (Array.isArray(v.results)) return { results: v.results };
      // V2 wraps a primitive or complex result in an object named after the function.
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === fn) return v[fn];
    }
    return value;
  }

  async #conditional(
    method: 'PATCH' | 'MERGE' | 'DELETE',
    entitySet: string,
    key: KeyInput,
    options: UpdateOptions,
    bodyText: string | undefined,
  ): Promise<Answer> {
    const url = this.#url(this.#entityPath(entitySet, key));
    const mode = options.ifMatch;
    const send = (etag: string | undefined) =>
      this.#send(method, url, options, {
        headers: { ...idempotency(options), ...(etag ? { 'if-match': etag } : {}) },
        ...(bodyText === undefined ? {} : { bodyText }),
      });
    let etag = mode === 'auto' ? options.etag : mode;
    let answer = await send(etag);
    // The service wants an ETag and the caller gave none: read it and try once more.
    if (answer.status === 428 && (mode === undefined || mode === 'auto')) {
      etag = await this.#currentEtag(entitySet, key, options);
      answer = await send(etag);
    }
    // Changed since the ETag was read; only a caller that said so may overwrite.
    if (answer.status === 412 && mode === 'auto') {
      etag = await this.#currentEtag(entitySet, key, options);
      answer = await send(etag);
    }
    this.#check(answer, method);
    return answer;
  }

  async #currentEtag(entitySet: string, key: KeyInput, options: CallOptions): Promise<string> {
    const { etag } = await this.readEntity(entitySet, key, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    if (!etag) {
      throw new RemoteError(
        'SAP_PRECONDITION_REQUIRED',
        `${entitySet} requires an ETag for changes, but reading the entity gave none.`,
        { status: 428, details: { service: this.name, entitySet } },
      );
    }
    return etag;
  }

  #send(
    method: string,
    url: URL,
    options: CallOptions,
    extra: { headers?: Record<string, string>; bodyText?: string } = {},
  ): Promise<Answer> {
    return this.#session.send({
      method,
      url,
      serviceRoot: this.root,
      ...extra,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
  }

  #check(answer: Answer, method: string): void {
    const error = sapError(answer, method, this.#now());
    if (error) throw error;
  }

  /** The `d` of a V2 answer, or undefined for an empty one (204). */
  #data(answer: Answer, method: string): unknown {
    if (answer.status === 204 || answer.bodyText.trim() === '') return undefined;
    let body: unknown;
    try {
      body = JSON.parse(answer.bodyText);
    } catch {
      throw invalid(answer, `a body that is not JSON (asked with ${method})`);
    }
    return body !== null && typeof body === 'object' && 'd' in body ? (body as { d: unknown }).d : body;
  }

  #url(relative: string): URL {
    return new URL(this.root.href + '/' + relative);
  }

  #entityPath(entitySet: string, key: KeyInput): string {
    const predicate = keyPredicate(key);
    if (!predicate.ok) {
      throw new DataError('SAP_KEY_VALUE', `The key of ${entitySet} ${predicate.problem}.`, {
        details: { service: this.name, entitySet },
      });
    }
    return name(entitySet, 'entity set') + predicate.text;
  }

  /** A `__next` link, absolute or relative to the service root, kept on the connection's origin. */
  #nextUrl(next: string, answer: Answer): URL {
    let url: URL | undefined;
    try {
      url = new URL(next, this.root.href + '/');
    } catch {
      url = undefined;
    }
    // Following a link to another host would send the connection's credentials there.
    if (!url || url.origin !== this.root.origin) throw invalid(answer, `a __next link to another origin (${next})`);
    return url;
  }
}

function entityResult(answer: Answer, d: unknown): EntityResult {
  if (d === null || typeof d !== 'object' || Array.isArray(d)) throw invalid(answer, 'no entity');
  const entity = fromV2(d) as Entity;
  const meta = entity.__metadata as { etag?: unknown } | undefined;
  const etag = typeof meta?.etag === 'string' ? meta.etag : answer.headers.etag;
  return etag ? { entity, etag } : { entity };
}

function collectionParams(q: ODataQuery): Array<[string, string]> {
  const params: Array<[string, string]> = [];
  if (q.filter !== undefined) {
    let text: string;
    if (typeof q.filter === 'string') text = q.filter;
    else {
      const rendered = renderFilter(q.filter);
      if (!rendered.ok) {
        const c = q.filter[rendered.index]!;
        throw new DataError('SAP_FILTER_VALUE', `The filter value for ${c.field} ${rendered.problem}.`, {
          details: { index: rendered.index, field: c.field },
        });
      }
      text = rendered.text;
    }
    if (text !== '') params.push(['$filter', text]);
  }
  if (q.select?.length) params.push(['$select', paths(q.select, 'select')]);
  if (q.expand?.length) params.push(['$expand', paths(q.expand, 'expand')]);
  if (q.orderby) {
    if (!/^[A-Za-z_][A-Za-z0-9_/]*( (asc|desc))?(, ?[A-Za-z_][A-Za-z0-9_/]*( (asc|desc))?)*$/.test(q.orderby))
      throw new ConfigError('SAP_INVALID_REQUEST', `"${q.orderby}" is not a valid $orderby.`);
    params.push(['$orderby', q.orderby]);
  }
  if (q.top !== undefined) params.push(['$top', String(wholeNumber(q.top, 'top'))]);
  if (q.skip !== undefined) params.push(['$skip', String(wholeNumber(q.skip, 'skip'))]);
  if (q.count) params.push(['$inlinecount', 'allpages']);
  return params;
}

function paths(list: readonly string[], option: string): string {
  for (const p of list) {
    if (p !== '*' && !PROPERTY_PATH.test(p))
      throw new ConfigError('SAP_INVALID_REQUEST', `"${p}" in $${option} is not a property path.`);
  }
  return list.join(',');
}

function name(text: string, what: string): string {
  if (!NAME.test(text)) throw new ConfigError('SAP_INVALID_REQUEST', `"${text}" is not a valid ${what} name.`);
  return text;
}

function wholeNumber(n: number, option: string): number {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ConfigError('SAP_INVALID_REQUEST', `$${option} must be a whole number ≥ 0, not ${n}.`);
  return n;
}

function idempotency(options: WriteOptions): Record<string, string> {
  return options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {};
}

function invalid(answer: Answer, what: string): RemoteError {
  return new RemoteError('SAP_INVALID_RESPONSE', `${answer.url} answered ${answer.status} with ${what}.`, {
    status: answer.status,
    details: { status: answer.status, url: answer.url, bodyExcerpt: excerpt(answer.bodyText) },
  });
}
