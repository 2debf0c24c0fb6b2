import type { Logger } from '@millrace/node-sdk';
import type { HttpClient } from '../http/client.ts';
import type { Answer } from '../http/transport.ts';
import { CookieJar } from './cookies.ts';
import { isCsrfRefusal, recode, sapError } from './errors.ts';

/** Methods SAP checks the CSRF token on. */
const MODIFYING = new Set(['POST', 'PUT', 'PATCH', 'MERGE', 'DELETE']);

export interface Exchange {
  readonly method: string;
  /** Absolute URL on the connection's origin; sap-client is added when it lacks one. */
  readonly url: URL;
  /** The service root, where a CSRF token is fetched for a modifying request. */
  readonly serviceRoot: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly bodyText?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface SessionOptions {
  readonly http: HttpClient;
  readonly sapClient: string;
  readonly language?: string;
  readonly log?: Logger;
  readonly now: () => number;
}

/**
 * The protocol layer under every SAP call: sap-client and sap-language on each request, the
 * session cookies, and the CSRF token. A token is fetched (GET with `X-CSRF-Token: Fetch`; HEAD
 * is refused by many Gateway setups) before the first write and kept; when SAP answers 403 with
 * `X-CSRF-Token: Required` (the session expired, or a load balancer lost it), the token is
 * fetched again once and the write sent once more. `send` resolves with any answer; callers
 * classify it (sapError).
 */
export class SapSession {
  readonly #options: SessionOptions;
  readonly #cookies = new CookieJar();
  /** The current token; '' when SAP issued none (CSRF protection switched off). */
  #token: string | undefined;
  #pending: Promise<string> | undefined;

  constructor(options: SessionOptions) {
    this.#options = options;
  }

  async send(x: Exchange): Promise<Answer> {
    if (!MODIFYING.has(x.method)) return this.#exchange(x, undefined);
    const token = await this.#csrfToken(x);
    const answer = await this.#exchange(x, token);
    if (!isCsrfRefusal(answer)) return answer;
    // Many writes refused at once share one refetch: only the first forgets the token.
    if (this.#token === token) this.#token = undefined;
    this.#options.log?.debug('sap csrf token refused; fetching a new one', { url: x.serviceRoot.href });
    return this.#exchange(x, await this.#csrfToken(x));
  }

  /** Forgets the token and the session cookies, e.g. when the plant's credentials change. */
  reset(): void {
    this.#token = undefined;
    this.#cookies.clear();
  }

  async #csrfToken(x: Exchange): Promise<string> {
    if (this.#token !== undefined) return this.#token;
    // One fetch however many writes wait for it. It is not tied to one caller's signal, so one
    // cancelled step does not fail the others; the connection timeout bounds it.
    this.#pending ??= this.#fetchToken(x).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #fetchToken(x: Exchange): Promise<string> {
    const answer = await this.#exchange(
      {
        method: 'GET',
        url: x.serviceRoot,
        serviceRoot: x.serviceRoot,
        ...(x.timeoutMs ? { timeoutMs: x.timeoutMs } : {}),
      },
      'Fetch',
    );
    const error = sapError(answer, 'GET', new Date(this.#options.now()));
    if (error) throw error;
    const token = answer.headers['x-csrf-token'] ?? '';
    this.#token = token;
    this.#options.log?.debug('sap csrf token fetched', { url: x.serviceRoot.href, issued: token !== '' });
    return token;
  }

  async #exchange(x: Exchange, csrf: string | undefined): Promise<Answer> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      dataserviceversion: '2.0',
      maxdataserviceversion: '2.0',
      ...x.headers,
    };
    if (csrf) headers['x-csrf-token'] = csrf;
    const cookie = this.#cookies.header();
    if (cookie) headers.cookie = cookie;
    let answer: Answer;
    try {
      answer = await this.#options.http.request({
        method: x.method,
        path: this.#withClient(x.url).href,
        headers,
        ...(x.bodyText === undefined ? {} : { bodyText: x.bodyText }),
        ...(x.signal ? { signal: x.signal } : {}),
        ...(x.timeoutMs ? { timeoutMs: x.timeoutMs } : {}),
      });
    } catch (thrown) {
      throw recode(thrown);
    }
    this.#cookies.store(answer.headers['set-cookie']);
    return answer;
  }

  /**
   * The URL with sap-client and sap-language. Appended to the query text rather than through
   * searchParams, which would re-encode the whole query ("$filter" as "%24filter", spaces as
   * "+"), and not every Gateway decodes that. A `__next` link usually lacks sap-client; without
   * it SAP would answer from the default client, which is a different company's data.
   */
  #withClient(url: URL): URL {
    const out = new URL(url.href);
    const query = out.search.slice(1);
    const has = (name: string) => new RegExp(`(^|&)${name}=`).test(query);
    const extra: string[] = [];
    if (!has('sap-client')) extra.push(`sap-client=${this.#options.sapClient}`);
    if (this.#options.language && !has('sap-language')) extra.push(`sap-language=${this.#options.language}`);
    if (extra.length > 0) out.search = query ? `${query}&${extra.join('&')}` : extra.join('&');
    return out;
  }
}
