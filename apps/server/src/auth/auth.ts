import type { Request } from 'express';
import type { Logger } from 'pino';
import type { Authenticator } from '../api.ts';
import type { ServerDb } from '../db.ts';
import { HttpError } from '../problem.ts';
import type { Principal } from '../roles.ts';
import { LoginLimiter, type LoginLimits } from './rate-limit.ts';
import { dummyHash, newSessionSecret, sameHash, sha256Hex, verifyPassword } from './secrets.ts';
import { AuthStore, type CredentialRow, type UserRow } from './store.ts';

/** The designer's session cookie. */
export const SESSION_COOKIE = 'millrace_session';

const HOUR = 3_600_000;
/** last_used_at / last_seen_at are written at most this often: a busy token costs one write a minute, not one per request. */
const TOUCH_EVERY_MS = 60_000;

export interface AuthOptions {
  /** The server's database, opened with AUTH_MIGRATIONS. */
  readonly db: ServerDb;
  /** Login successes and failures (usernames and addresses, never passwords). */
  readonly log?: Logger;
  /** The clock, in epoch ms; tests move it to expire tokens and sessions. @default Date.now */
  readonly now?: () => number;
  /** A session ends after this long without a request. @default 8 h */
  readonly sessionIdleMs?: number;
  /** A session ends this long after the login, however busy. @default 24 h */
  readonly sessionMaxMs?: number;
  readonly loginLimits?: LoginLimits;
}

/**
 * Who is calling: an API token (`Authorization: Bearer mr_…`) or the designer's session cookie.
 * Also the login itself, which needs the same store, clock and limits.
 */
export class Auth implements Authenticator {
  readonly store: AuthStore;
  readonly now: () => number;
  readonly log: Logger | undefined;
  readonly idleMs: number;
  readonly maxMs: number;
  private readonly limiter: LoginLimiter;

  constructor(options: AuthOptions) {
    this.store = new AuthStore(options.db);
    this.now = options.now ?? Date.now;
    this.log = options.log;
    this.idleMs = options.sessionIdleMs ?? 8 * HOUR;
    this.maxMs = options.sessionMaxMs ?? 24 * HOUR;
    this.limiter = new LoginLimiter(options.loginLimits, this.now);
    // Made now, so the first login of an unknown user is not slower than one of a known user.
    dummyHash().catch(() => undefined);
  }

  principal(req: Request): Principal | undefined {
    const header = req.get('authorization');
    const bearer = header === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(header)?.[1];
    // Only Bearer is ours. Another scheme (a proxy's Basic auth passed along) is not a claim to be a
    // Millrace user, so it is ignored rather than refused; the route's own check still wants a login.
    if (bearer !== undefined) return this.fromToken(bearer);
    const secret = sessionSecret(req);
    return secret === undefined ? undefined : this.fromSession(secret, req);
  }

  private fromToken(token: string): Principal {
    const hash = sha256Hex(token);
    const row = this.store.tokenByHash(hash);
    const t = this.now();
    // The lookup is by hash, so timing says nothing about the token; the compare is belt and braces.
    if (!row || !sameHash(row.hash, hash)) throw invalidToken('that API token is not known');
    if (row.revokedAt != null) throw invalidToken('that API token has been revoked');
    if (row.expiresAt !== null && row.expiresAt <= t)
      throw invalidToken(`that API token expired at ${new Date(row.expiresAt).toISOString()}`);
    if (row.disabled) throw invalidToken('the user of that API token is disabled');
    if (row.lastUsed === null || t - row.lastUsed >= TOUCH_EVERY_MS) this.store.touchToken(row.id, t);
    return principalOf(row, 'token');
  }

  /**
   * A session cookie that has ended (or was never ours) counts as no credentials, not as wrong
   * ones: the browser sends it on its own, and refusing it would refuse the very login that
   * replaces it. Protected routes still answer 401; the dead cookie is cleared on the way.
   */
  private fromSession(secret: string, req: Request): Principal | undefined {
    const hash = sha256Hex(secret);
    const row = this.store.sessionById(hash);
    const t = this.now();
    if (!row || !this.alive(row, t)) {
      if (row) this.store.deleteSession(hash);
      req.res?.append('Set-Cookie', clearSessionCookie(req.secure));
      return undefined;
    }
    if (t - (row.lastUsed ?? 0) >= TOUCH_EVERY_MS) this.store.touchSession(hash, t);
    return principalOf(row, 'session');
  }

  private alive(row: CredentialRow, t: number): boolean {
    return !row.disabled && (row.expiresAt ?? 0) > t && t - (row.lastUsed ?? 0) < this.idleMs;
  }

  /**
   * Checks a username and password and opens a session. Wrong username, wrong password and a
   * disabled user all answer the same 401 after the same scrypt work, so neither the answer nor
   * its timing tells whether a username exists.
   * @returns the user and the Set-Cookie value of the new session.
   */
  async login(req: Request, username: string, password: string): Promise<{ user: UserRow; setCookie: string }> {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const wait = this.limiter.attempt(username, address);
    if (wait !== undefined) {
      this.log?.warn({ address }, 'login refused: too many failed attempts');
      throw new HttpError(
        429,
        'TOO_MANY_LOGINS',
        'Too many failed logins',
        `too many failed logins for this user or from this address; try again in ${wait} s`,
        { retryAfterSeconds: wait },
        { 'retry-after': String(wait) },
      );
    }
    const row = this.store.userForLogin(username);
    const ok = await verifyPassword(password, row?.passwordHash ?? (await dummyHash()));
    if (!row || !ok || row.disabled) {
      // The username only when it exists: a password typed into the username field must not reach the log.
      this.log?.warn({ address, username: row?.username }, 'login failed');
      throw new HttpError(
        401,
        'BAD_CREDENTIALS',
        'Not authenticated',
        'wrong username or password',
        {},
        {
          'www-authenticate': 'Bearer',
        },
      );
    }
    this.limiter.succeeded(username, address);
    const t = this.now();
    this.store.purgeSessions(t, this.idleMs);
    // A session the browser already had is replaced, not left to linger.
    const previous = sessionSecret(req);
    if (previous !== undefined) this.store.deleteSession(sha256Hex(previous));
    const secret = newSessionSecret();
    this.store.insertSession(sha256Hex(secret), row.id, t, t + this.maxMs);
    this.log?.info({ userId: row.id, username: row.username }, 'login');
    const { passwordHash: _, ...user } = row;
    return { user, setCookie: sessionCookie(secret, Math.floor(this.maxMs / 1000), req.secure) };
  }

  /** Ends the request's session, if it came with one. @returns the Set-Cookie value that clears the cookie. */
  logout(req: Request): string {
    const secret = sessionSecret(req);
    if (secret !== undefined) this.store.deleteSession(sha256Hex(secret));
    return clearSessionCookie(req.secure);
  }

  /** The sha256 of the request's session cookie, to spare the caller's own session when ending the others. */
  sessionHashOf(req: Request): string | undefined {
    const secret = sessionSecret(req);
    return secret === undefined ? undefined : sha256Hex(secret);
  }
}

const principalOf = (row: CredentialRow, via: Principal['via']): Principal => ({
  userId: row.userId,
  username: row.username,
  role: row.role,
  via,
});

/** 401 with RFC 6750's error code, so a client can tell "get a new token" from "send one". */
const invalidToken = (detail: string) =>
  new HttpError(
    401,
    'UNAUTHORIZED',
    'Not authenticated',
    detail,
    {},
    { 'www-authenticate': 'Bearer error="invalid_token"' },
  );

/** The session cookie's value, from the Cookie header (no cookie-parser needed for one cookie). */
function sessionSecret(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      // Ours are 43 base64url characters; anything else cannot be a session and is not looked up.
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** HttpOnly: scripts (an XSS) cannot read it; SameSite=Strict: other sites cannot ride it (CSRF); Secure over https. */
function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

const clearSessionCookie = (secure: boolean) => sessionCookie('', 0, secure);
