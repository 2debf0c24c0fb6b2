import type { RouteDef } from '../api.ts';
import type { Auth } from './auth.ts';
import { LoginBody, passwordOf } from './schemas.ts';
import { tokenRoutes } from './tokens.ts';
import { userRoutes } from './users.ts';

/** Every route of the auth module: login, logout and me; users (admin); API tokens. */
export function authRoutes(auth: Auth): RouteDef[] {
  return [...sessionRoutes(auth), ...userRoutes(auth), ...tokenRoutes(auth)];
}

function sessionRoutes(auth: Auth): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/api/auth/login',
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
      access: 'viewer',
      tag: 'auth',
      summary: 'Who is calling: id, username, role, and whether by token or session',
      handler: ({ principal }) => ({
        body: { id: principal!.userId, username: principal!.username, role: principal!.role, via: principal!.via },
      }),
    },
  ];
}
