import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SimContext, SimRequest } from '../core/index.ts';
import { ApiError, OAuthError } from './errors.ts';
import type { QmsStore } from './store.ts';

/**
 * Who may call the QMS: OAuth2 client credentials (JWT bearer tokens with an expiry on the
 * virtual clock, so a test can expire one by moving the clock), static bearer tokens, API keys
 * in a header, and a Veeva-style session mode. Each principal carries scopes: qms.read for
 * reads, qms.write for changes, qms.sign for signed decisions and releases.
 */

export const SCOPES = ['qms.read', 'qms.write', 'qms.sign'] as const;

export interface ClientConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes?: readonly string[];
}
export interface ApiKeyConfig {
  readonly key: string;
  /** Header that carries the key; X-API-Key by default. */
  readonly header?: string;
  readonly scopes?: readonly string[];
  readonly name?: string;
}
export interface BearerConfig {
  readonly token: string;
  readonly scopes?: readonly string[];
  readonly name?: string;
}

export interface AuthOptions {
  readonly clients?: readonly ClientConfig[];
  readonly apiKeys?: readonly ApiKeyConfig[];
  readonly bearerTokens?: readonly (BearerConfig | string)[];
  /** Access token lifetime, 900 s by default. */
  readonly tokenTtlSec?: number;
  /** Session idle timeout, 20 minutes by default (as Veeva's). */
  readonly sessionIdleSec?: number;
}

export const DEFAULT_CLIENTS: readonly ClientConfig[] = [
  { clientId: 'millrace', clientSecret: 'millrace-secret', scopes: SCOPES },
  // The clients the example packs' plant profiles name (examples/batch-release/profiles).
  { clientId: 'millrace-p100', clientSecret: 'millrace-p100-secret', scopes: SCOPES },
  { clientId: 'millrace-p200', clientSecret: 'millrace-p200-secret', scopes: SCOPES },
  { clientId: 'qms-writer', clientSecret: 'writer-secret', scopes: ['qms.read', 'qms.write'] },
  { clientId: 'qms-reader', clientSecret: 'reader-secret', scopes: ['qms.read'] },
];
export const DEFAULT_API_KEYS: readonly ApiKeyConfig[] = [{ key: 'qms-api-key', name: 'default-api-key' }];
export const DEFAULT_BEARER_TOKENS: readonly BearerConfig[] = [{ token: 'qms-static-token', name: 'static-token' }];

export interface Principal {
  readonly kind: 'oauth2' | 'bearer' | 'api-key' | 'session';
  /** The client (or user, for sessions) the rate limit and the audit trail count against. */
  readonly clientId: string;
  readonly userId: string;
  readonly scopes: ReadonlySet<string>;
}

interface IssuedToken {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  revoked: boolean;
}

const unauthorized = (code: string, message: string) =>
  new ApiError(401, code, message, {}, { 'www-authenticate': `Bearer realm="qms", error="invalid_token"` });

export class Auth {
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly sessions = new Map<string, { userId: string; lastSeen: number }>();
  private readonly key: string;
  readonly clients: readonly ClientConfig[];
  readonly apiKeys: readonly ApiKeyConfig[];
  readonly bearers: readonly BearerConfig[];

  constructor(
    private readonly ctx: SimContext,
    private readonly store: QmsStore,
    private readonly options: AuthOptions = {},
  ) {
    this.key = `qms-sim-signing-key-${ctx.seed}`;
    this.clients = options.clients ?? DEFAULT_CLIENTS;
    this.apiKeys = options.apiKeys ?? DEFAULT_API_KEYS;
    this.bearers = (options.bearerTokens ?? DEFAULT_BEARER_TOKENS).map((b) =>
      typeof b === 'string' ? { token: b } : b,
    );
  }

  /** Forget every issued token and session (reset, or "revoke everything" mid-flow). */
  clear(): void {
    this.tokens.clear();
    this.sessions.clear();
  }

  /** POST /oauth/token (RFC 6749 §4.4); errors in the RFC's shape plus code/message. */
  issueToken(form: URLSearchParams, authorization: string | undefined): Record<string, unknown> {
    const oauthError = (status: number, error: string, description: string) =>
      new OAuthError(status, error, description);
    let clientId = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    // client_secret_basic: the credentials in a Basic header instead of the form.
    if (authorization?.startsWith('Basic ')) {
      const [id, ...rest] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(rest.join(':'));
    }
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials')
      throw oauthError(
        400,
        'unsupported_grant_type',
        `grant_type must be client_credentials, not ${grant ?? 'missing'}`,
      );
    if (!clientId || !secret) throw oauthError(400, 'invalid_request', 'client_id and client_secret are required');
    const client = this.clients.find((c) => c.clientId === clientId);
    if (!client || !safeEqual(client.clientSecret, secret))
      throw oauthError(401, 'invalid_client', 'unknown client or wrong client secret');
    const allowed = client.scopes ?? SCOPES;
    const asked = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    const notAllowed = asked.filter((s) => !allowed.includes(s));
    if (notAllowed.length > 0)
      throw oauthError(400, 'invalid_scope', `client ${clientId} may not have ${notAllowed.join(', ')}`);
    const scopes = asked.length > 0 ? asked : [...allowed];
    const ttl = this.options.tokenTtlSec ?? 900;
    const now = this.ctx.clock.now();
    const jti = `tok-${this.store.next('token')}-${now}`;
    this.tokens.set(jti, { clientId, scopes, expiresAt: now + ttl * 1000, revoked: false });
    const token = this.jwt({
      iss: 'millrace-qms-sim',
      sub: clientId,
      scope: scopes.join(' '),
      iat: Math.floor(now / 1000),
      exp: Math.floor(now / 1000) + ttl,
      jti,
    });
    return { access_token: token, token_type: 'Bearer', expires_in: ttl, scope: scopes.join(' ') };
  }

  /** RFC 7009: revoking an unknown token is not an error. */
  revokeToken(token: string): void {
    const jti = this.verifyJwt(token)?.jti;
    const issued = typeof jti === 'string' ? this.tokens.get(jti) : undefined;
    if (issued) issued.revoked = true;
  }

  revokeAllTokens(): number {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (t.revoked) continue;
      t.revoked = true;
      n++;
    }
    return n;
  }

  /** Expire every token now (without moving the clock), for "token expired mid-flow". */
  expireAllTokens(): void {
    for (const [jti, t] of this.tokens) this.tokens.set(jti, { ...t, expiresAt: 0 });
  }

  /** POST /auth (session mode): a user name and password give a session id. */
  openSession(username: string | null, password: string | null): string {
    const user = username ? this.store.users.get(username) : undefined;
    if (!user || !password || !safeEqual(user.password, password))
      throw new ApiError(401, 'USERNAME_OR_PASSWORD_INCORRECT', 'wrong user name or password', {
        responseStatus: 'FAILURE',
      });
    const sessionId = createHmac('sha256', this.key)
      .update(`session|${user.id}|${this.store.next('session')}`)
      .digest('hex');
    this.sessions.set(sessionId, { userId: user.id, lastSeen: this.ctx.clock.now() });
    return sessionId;
  }

  /** The caller, or 401. */
  authenticate(req: SimRequest): Principal {
    const keyHeaders = new Set(this.apiKeys.map((k) => (k.header ?? 'X-API-Key').toLowerCase()));
    for (const name of keyHeaders) {
      const v = header(req, name);
      if (v === undefined) continue;
      const k = this.apiKeys.find((c) => (c.header ?? 'X-API-Key').toLowerCase() === name && safeEqual(c.key, v));
      if (k) return principal('api-key', k.name ?? 'api-key', k.scopes);
      throw unauthorized('INVALID_API_KEY', `the ${name} header holds an unknown key`);
    }
    const session = header(req, 'x-session-id');
    const authz = header(req, 'authorization');
    if (session !== undefined || (authz !== undefined && !/^(Bearer|Basic) /i.test(authz)))
      return this.session(session ?? authz!);
    if (authz === undefined)
      throw unauthorized('UNAUTHENTICATED', 'send Authorization: Bearer <token>, an API key header or a session id');
    if (!/^Bearer /i.test(authz)) throw unauthorized('UNSUPPORTED_AUTH_SCHEME', 'use a Bearer token');
    const token = authz.slice(7).trim();
    const bearer = this.bearers.find((b) => safeEqual(b.token, token));
    if (bearer) return principal('bearer', bearer.name ?? 'static-token', bearer.scopes);
    const claims = this.verifyJwt(token);
    const issued = typeof claims?.jti === 'string' ? this.tokens.get(claims.jti) : undefined;
    if (!issued) throw unauthorized('INVALID_TOKEN', 'the bearer token is unknown or malformed');
    if (issued.revoked) throw unauthorized('TOKEN_REVOKED', 'the bearer token was revoked');
    if (this.ctx.clock.now() >= issued.expiresAt) throw unauthorized('TOKEN_EXPIRED', 'the bearer token has expired');
    return principal('oauth2', issued.clientId, issued.scopes);
  }

  /** 403 unless the principal has every scope in `needed`. */
  authorize(p: Principal, needed: readonly string[]): void {
    const missing = needed.filter((s) => !p.scopes.has(s));
    if (missing.length > 0)
      throw new ApiError(403, 'INSUFFICIENT_SCOPE', `this call needs the scope ${missing.join(', ')}`, {
        requiredScopes: needed,
        missingScopes: missing,
      });
  }

  private session(id: string): Principal {
    const s = this.sessions.get(id);
    const now = this.ctx.clock.now();
    const idle = (this.options.sessionIdleSec ?? 1200) * 1000;
    if (!s) throw unauthorized('INVALID_SESSION_ID', 'the session id is unknown');
    if (now - s.lastSeen > idle) {
      this.sessions.delete(id);
      throw unauthorized('INVALID_SESSION_ID', 'the session timed out (idle)');
    }
    s.lastSeen = now;
    const user = this.store.users.get(s.userId);
    return { kind: 'session', clientId: s.userId, userId: s.userId, scopes: new Set(user?.scopes ?? []) };
  }

  private jwt(claims: Record<string, unknown>): string {
    const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    return `${body}.${createHmac('sha256', this.key).update(body).digest('base64url')}`;
  }

  private verifyJwt(token: string): Record<string, unknown> | undefined {
    const [h, p, sig] = token.split('.');
    if (!h || !p || !sig) return undefined;
    const expected = createHmac('sha256', this.key).update(`${h}.${p}`).digest('base64url');
    if (!safeEqual(expected, sig)) return undefined;
    try {
      return JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
}

function principal(kind: Principal['kind'], id: string, scopes: readonly string[] | undefined): Principal {
  return { kind, clientId: id, userId: id, scopes: new Set(scopes ?? SCOPES) };
}

function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
