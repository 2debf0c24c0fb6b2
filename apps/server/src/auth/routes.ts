import type { Request } from 'express';
import type { RouteDef } from '../api.ts';
import { actorOf, type Audit } from '../audit/index.ts';
import { HttpError } from '../problem.ts';
import type { Auth } from './auth.ts';
import { LoginAnswer, LoginBody, MeAnswer, passwordOf } from './schemas.ts';
import { tokenRoutes } from './tokens.ts';
import { userRoutes } from './users.ts';

/**
 * Every route of the auth module: login, logout and me; users (admin); API tokens. With `audit`,
 * user and token changes and login lockouts are also recorded in the audit log.
 */
export function authRoutes(auth: Auth, audit?: Audit): RouteDef[] {
  const routes = [...sessionRoutes(auth), ...userRoutes(auth), ...tokenRoutes(auth)];
  return audit ? routes.map(withAudit(auth, audit)) : routes;
}

/**
 * Audit records for the auth routes, around their handlers: the state read before, the record
 * appended after the change succeeded. Never a password, a token or a hash: users as
 * { username, role, disabled }, tokens by id and name. Failed logins are not recorded one by one
 * (the log is for changes, and an attacker must not be able to fill it); a lockout is.
 */
function withAudit(auth: Auth, audit: Audit): (route: RouteDef) => RouteDef {
  const { store } = auth;
  const recordLockout = lockoutRecorder(auth, audit);
  const userState = (u: { username: string; role: string; disabled: boolean }) => ({
    username: u.username,
    role: u.role,
    disabled: u.disabled,
  });
  type UserJson = { id: string; username: string; role: string; disabled: boolean };

  const wrappers: Record<string, (handler: RouteDef['handler']) => RouteDef['handler']> = {
    'post /api/auth/login': (handler) => async (ctx) => {
      try {
        return await handler(ctx);
      } catch (e) {
        if (e instanceof HttpError && e.code === 'TOO_MANY_LOGINS') recordLockout(ctx.req, ctx.body, e);
        throw e;
      }
    },
    'post /api/users': (handler) => async (ctx) => {
      const result = await handler(ctx);
      const user = result?.body as UserJson;
      audit.append({
        actor: actorOf(ctx.principal),
        action: 'user.create',
        target: { kind: 'user', id: user.id },
        after: userState(user),
        details: { username: user.username, role: user.role },
      });
      return result;
    },
    'patch /api/users/:id': (handler) => async (ctx) => {
      const before = store.userById(String(ctx.params.id));
      const result = await handler(ctx);
      const after = result?.body as UserJson;
      const passwordChanged = (ctx.body as { password?: unknown }).password !== undefined;
      audit.append({
        actor: actorOf(ctx.principal),
        action: 'user.update',
        target: { kind: 'user', id: after.id },
        before: before && userState(before),
        after: userState(after),
        details: {
          username: after.username,
          ...(before && before.role !== after.role ? { role: { from: before.role, to: after.role } } : {}),
          ...(before && before.disabled !== after.disabled
            ? { disabled: { from: before.disabled, to: after.disabled } }
            : {}),
          // That it changed, never the password or its hash.
          ...(passwordChanged ? { passwordChanged: true } : {}),
        },
      });
      return result;
    },
    'post /api/tokens': (handler) => async (ctx) => {
      const result = await handler(ctx);
      // The answer carries the token itself: take the id, name and expiry, nothing else.
      const { id, name, expiresAt } = result?.body as { id: string; name: string; expiresAt: string | null };
      const owner = { userId: ctx.principal!.userId, username: ctx.principal!.username };
      audit.append({
        actor: actorOf(ctx.principal),
        action: 'token.create',
        target: { kind: 'token', id },
        after: { id, name, ...owner, expiresAt, revoked: false },
        details: { name, owner: owner.username, expiresAt },
      });
      return result;
    },
    'delete /api/tokens/:id': (handler) => async (ctx) => {
      const before = store.tokenById(String(ctx.params.id));
      const result = await handler(ctx);
      // Revoking a revoked token changes nothing, so it is not recorded again.
      if (before && before.revokedAt === null) {
        const state = { id: before.id, name: before.name, userId: before.userId, expiresAt: before.expiresAt };
        audit.append({
          actor: actorOf(ctx.principal),
          action: 'token.revoke',
          target: { kind: 'token', id: before.id },
          before: { ...state, revoked: false },
          after: { ...state, revoked: true },
          details: { name: before.name, owner: before.username },
        });
      }
      return result;
    },
  };

  return (route) => {
    const wrap = wrappers[`${route.method} ${route.path}`];
    return wrap ? { ...route, handler: wrap(route.handler.bind(route)) } : route;
  };
}

/**
 * Records `auth.lockout` when login rate limiting starts refusing: once per user, or once per
 * address for usernames that do not exist (spraying invented names from a refused address adds
 * one record, not one per name), until that refusal ends. The answer stays the 429 whatever
 * happens here.
 */
function lockoutRecorder(auth: Auth, audit: Audit) {
  // Lockouts already recorded: user or address -> when that refusal ends (epoch ms).
  const recorded = new Map<string, number>();
  return (req: Request, body: unknown, refusal: HttpError): void => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    // The username only when it exists: a password typed into the username field must not be kept.
    const user = auth.store.userForLogin((body as { username: string }).username);
    const key = user ? `u:${user.id}` : `a:${address}`;
    const t = auth.now();
    if ((recorded.get(key) ?? 0) > t) return;
    const wait = Number(refusal.extensions.retryAfterSeconds) || 1;
    recorded.delete(key);
    recorded.set(key, t + wait * 1000);
    // Bounded like the limiter: the oldest entries go first.
    for (const k of recorded.keys()) {
      if (recorded.size <= 10_000) break;
      recorded.delete(k);
    }
    try {
      audit.append({
        actor: 'system',
        action: 'auth.lockout',
        target: user ? { kind: 'user', id: user.id } : { kind: 'address', id: address },
        reason: 'too many failed logins for this user or from this address',
        details: { ...(user ? { username: user.username } : { knownUser: false }), address, retryAfterSeconds: wait },
      });
    } catch (failure) {
      auth.log?.error({ err: failure, address }, 'audit: could not record a login lockout');
    }
  };
}

function sessionRoutes(auth: Auth): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/api/auth/login',
      response: LoginAnswer,
      access: 'public',
      tag: 'auth',
      summary: 'Log in with username and password; sets the session cookie (http-only, SameSite=Strict)',
      body: LoginBody,
      responses: {
        401: 'wrong username or password (the same answer for either)',
        429: 'too many failed logins for this user or address; see Retry-After',
      },
      async handler({ req, body }) {
        const { username } = body as { username: string };
        const { user, setCookie } = await auth.login(req, username, passwordOf(body));
        return {
          body: { user: { id: user.id, username: user.username, role: user.role } },
          headers: { 'set-cookie': setCookie, 'cache-control': 'no-store' },
        };
      },
    },
    {
      method: 'post',
      path: '/api/auth/logout',
      access: 'viewer',
      tag: 'auth',
      summary: 'End the current session and clear its cookie (an API token stays valid; revoke it instead)',
      handler: ({ req }) => ({ status: 204, headers: { 'set-cookie': auth.logout(req) } }),
    },
    {
      method: 'get',
      path: '/api/auth/me',
      response: MeAnswer,
      access: 'viewer',
      tag: 'auth',
      summary: 'Who is calling: id, username, role, and whether by token or session',
      handler: ({ principal }) => ({
        body: { id: principal!.userId, username: principal!.username, role: principal!.role, via: principal!.via },
      }),
    },
  ];
}
