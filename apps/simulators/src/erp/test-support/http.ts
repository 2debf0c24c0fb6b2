import { DEFAULT_AUTH } from '../index.ts';

/**
 * Test support: a small raw-HTTP client for the ERP simulator, with Basic auth and an SAP
 * security session (CSRF token + session cookie) that a test can fetch, keep or drop on purpose.
 */
export const ROOT = '/sap/opu/odata/sap';
export const BASIC =
  'Basic ' + Buffer.from(`${DEFAULT_AUTH.basic.user}:${DEFAULT_AUTH.basic.password}`).toString('base64');

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

export class ErpHttp {
  token: string | undefined;
  cookie: string | undefined;

  constructor(
    readonly base: string,
    readonly authorization = BASIC,
  ) {}

  /** GET the service root with `X-CSRF-Token: Fetch`; keeps the token and the cookies. */
  async fetchToken(service: string): Promise<Answer> {
    const res = await this.send('GET', `${ROOT}/${service}/`, { headers: { 'x-csrf-token': 'Fetch' } });
    this.token = res.headers.get('x-csrf-token') ?? undefined;
    this.cookie = res.headers
      .getSetCookie()
      .flatMap((c) => c.split(/,(?=\s*[^;,=\s]+=)/))
      .map((c) => c.split(';')[0]!.trim())
      .join('; ');
    return res;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.send('GET', path, { headers });
  }

  /** A write with the session's token and cookie (when fetched). */
  write(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return this.send(method, path, {
      headers: {
        ...(this.token ? { 'x-csrf-token': this.token } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  }

  async send(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> {
    const res = await fetch(this.base + path, {
      method,
      headers: { authorization: this.authorization, accept: 'application/json', ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }
}
