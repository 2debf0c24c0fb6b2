import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { SimRequest, SimResponse } from '../core/index.ts';
import type { ErpConfig } from './sim.ts';

/**
 * The gate in front of every OData call, in the order S/4 applies it:
 * 1. the client: `sap-client` (query or header) other than the system's → 401; none → the default;
 * 2. the user: Basic (communication user) or a Bearer token from `POST /oauth/token`
 *    (client credentials), whichever are configured;
 * 3. CSRF: GET/HEAD with `X-CSRF-Token: Fetch` opens a security session (cookies
 *    `SAP_SESSIONID_<SID>_<client>` and `sap-XSRF_<SID>_<client>`) and returns its token; a write
 *    needs that token and the session cookie, or it gets 403 `X-CSRF-Token: Required`. Sessions
 *    expire after csrfTtlMinutes on the virtual clock.
 */
export interface AuthConfig {
  readonly basic?: { readonly user: string; readonly password: string };
  readonly oauth?: { readonly clientId: string; readonly clientSecret: string; readonly tokenTtlSeconds?: number };
}

interface Session {
  readonly token: string;
  readonly user: string;
  readonly expiresAt: number;
}

export type Gate = { ok: true; user: string; headers: Record<string, string> } | { ok: false; response: SimResponse };

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'MERGE', 'DELETE']);

export class ErpAuth {
  private readonly sessions = new Map<string, Session>();
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();

  constructor(
    private readonly auth: AuthConfig,
    private readonly config: ErpConfig,
    private readonly now: () => number,
  ) {}

  private get sessionCookie(): string {
    return `SAP_SESSIONID_${this.config.systemId}_${this.config.sapClient}`;
  }

  /** Checks a request to /sap/opu/odata/…; `method` is after any X-HTTP-Method override. */
  check(req: SimRequest, method: string): Gate {
    const client = req.query.get('sap-client') ?? header(req, 'sap-client');
    if (client !== undefined && client !== this.config.sapClient)
      return deny(
        401,
        `Logon failed: client ${client} is not available in this system (use ${this.config.sapClient})`,
        { 'www-authenticate': this.realm() },
      );
    const user = this.user(req);
    if (!user) return deny(401, 'Logon failed: wrong user, password or token', { 'www-authenticate': this.realm() });
    const headers: Record<string, string> = {};
    const asked = header(req, 'x-csrf-token');
    if ((method === 'GET' || method === 'HEAD') && asked?.toLowerCase() === 'fetch') {
      const session = this.openSession(req, user);
      headers['x-csrf-token'] = session.token;
      headers['set-cookie'] = session.cookies;
    } else if (this.config.csrf && WRITES.has(method)) {
      const session = this.session(req);
      if (!session || session.user !== user || !asked || !equal(asked, session.token))
        return {
          ok: false,
          response: {
            status: 403,
            headers: { 'x-csrf-token': 'Required', 'content-type': 'text/plain' },
            body: 'CSRF token validation failed',
          },
        };
    }
    return { ok: true, user, headers };
  }

  /** POST /oauth/token, grant_type=client_credentials, client id and secret by Basic or form. */
  token(req: SimRequest): SimResponse {
    if (!this.auth.oauth)
      return {
        status: 404,
        body: { error: 'not_found', error_description: 'OAuth2 is not enabled on this simulator' },
      };
    const form = new URLSearchParams(req.bodyText);
    const grant = form.get('grant_type') ?? req.query.get('grant_type');
    if (grant !== 'client_credentials')
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'only grant_type=client_credentials is supported' },
      };
    const basic = basicOf(req);
    const id = basic?.user ?? form.get('client_id') ?? '';
    const secret = basic?.password ?? form.get('client_secret') ?? '';
    if (!equal(id, this.auth.oauth.clientId) || !equal(secret, this.auth.oauth.clientSecret))
      return { status: 401, body: { error: 'invalid_client', error_description: 'Bad credentials' } };
    const ttl = this.auth.oauth.tokenTtlSeconds ?? 3600;
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { clientId: id, expiresAt: this.now() + ttl * 1000 });
    return {
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: {
        access_token: token,
        token_type: 'bearer',
        expires_in: ttl,
        scope: 'API_PRODUCTION_ORDER_2_SRV_0001 API_INSPECTIONLOT_SRV_0001',
      },
    };
  }

  /** Ends every security session: the next write gets 403 until a token is fetched again. */
  expireSessions(): void {
    this.sessions.clear();
  }

  private realm(): string {
    return `Basic realm="SAP NetWeaver Application Server [${this.config.systemId}/${this.config.sapClient}]"`;
  }

  private user(req: SimRequest): string | undefined {
    const auth = header(req, 'authorization') ?? '';
    if (this.auth.basic && /^basic /i.test(auth)) {
      const b = basicOf(req);
      if (
        b &&
        equal(b.user.toUpperCase(), this.auth.basic.user.toUpperCase()) &&
        equal(b.password, this.auth.basic.password)
      )
        return this.auth.basic.user;
    }
    if (this.auth.oauth && /^bearer /i.test(auth)) {
      const t = this.tokens.get(auth.slice(7).trim());
      if (t && t.expiresAt > this.now()) return t.clientId;
    }
    return undefined;
  }

  private session(req: SimRequest): (Session & { id: string }) | undefined {
    const id = cookie(req, this.sessionCookie);
    const s = id ? this.sessions.get(id) : undefined;
    if (!s || !id) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return { ...s, id };
  }

  /** The caller's live session (same token, as S/4 gives within a session) or a new one. */
  private openSession(req: SimRequest, user: string): Session & { cookies: string } {
    const live = this.session(req);
    // Two Set-Cookie headers, as S/4 sends them. The core server hands headers to writeHead,
    // which sends an array as repeated headers; SimResponse types them as strings.
    const cookies = (id: string, token: string) =>
      [
        `${this.sessionCookie}=${id}; path=/; HttpOnly`,
        `sap-XSRF_${this.config.systemId}_${this.config.sapClient}=${encodeURIComponent(token)}; path=/sap/opu/odata/`,
      ] as unknown as string;
    if (live && live.user === user) return { ...live, cookies: cookies(live.id, live.token) };
    const id = randomBytes(18).toString('base64url');
    const session = {
      token: randomBytes(16).toString('base64'),
      user,
      expiresAt: this.now() + this.config.csrfTtlMinutes * 60_000,
    };
    this.sessions.set(id, session);
    if (this.sessions.size > 10_000) this.sessions.delete(this.sessions.keys().next().value!);
    return { ...session, cookies: cookies(id, session.token) };
  }
}

function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function basicOf(req: SimRequest): { user: string; password: string } | undefined {
  const auth = header(req, 'authorization') ?? '';
  if (!/^basic /i.test(auth)) return undefined;
  const text = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { user: text.slice(0, i), password: text.slice(i + 1) };
}

function cookie(req: SimRequest, name: string): string | undefined {
  for (const part of (header(req, 'cookie') ?? '').split(/;\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function deny(status: number, message: string, headers: Record<string, string>): Gate {
  return {
    ok: false,
    response: {
      status,
      headers,
      body: {
        error: {
          code: '/IWFND/CM_CONSUMER/101',
          message: { lang: 'en', value: message },
          innererror: { errordetails: [] },
        },
      },
    },
  };
}
