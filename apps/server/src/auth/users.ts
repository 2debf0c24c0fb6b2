import type { RouteDef } from '../api.ts';
import { conflict, notFound } from '../problem.ts';
import type { Role } from '../roles.ts';
import type { Auth } from './auth.ts';
import { iso, NewUserBody, passwordOf, UserAnswer, UserList, UserPatchBody } from './schemas.ts';
import { hashPassword } from './secrets.ts';
import type { UserRow } from './store.ts';

/** A user as the API shows one: never the hash. */
export const userJson = (u: UserRow) => ({
  id: u.id,
  username: u.username,
  role: u.role,
  disabled: u.disabled,
  createdAt: iso(u.createdAt),
});

/** User management, for admins: list, create, change role, disable, set a password. */
export function userRoutes(auth: Auth): RouteDef[] {
  const { store } = auth;
  return [
    {
      method: 'get',
      path: '/api/users',
      response: UserList,
      access: 'admin',
      tag: 'auth',
      summary: 'Every user (id, username, role, disabled, createdAt)',
      handler: () => ({ body: { users: store.listUsers().map(userJson) } }),
    },
    {
      method: 'post',
      path: '/api/users',
      response: UserAnswer,
      access: 'admin',
      tag: 'auth',
      summary: 'Create a user with a role and an initial password (at least 12 characters)',
      body: NewUserBody,
      responses: { 409: 'a user of that name exists already (names are case-insensitive)' },
      async handler({ body, principal }) {
        const { username, role } = body as { username: string; role: Role };
        const hash = await hashPassword(passwordOf(body));
        const user = store.insertUser(username, role, hash, auth.now());
        if (!user) throw conflict(`a user named ${username} exists already (usernames ignore case)`);
        auth.log?.info({ by: principal?.username, userId: user.id, username, role }, 'user created');
        return { status: 201, body: userJson(user), headers: { location: `/api/users/${user.id}` } };
      },
    },
    {
      method: 'patch',
      path: '/api/users/:id',
      response: UserAnswer,
      access: 'admin',
      tag: 'auth',
      summary: "Change a user's role, disable or enable them, or set their password",
      body: UserPatchBody,
      responses: {
        404: 'no such user',
        409: 'the change would leave no active admin (the last admin cannot demote or disable themselves)',
      },
      async handler({ req, body, params, principal }) {
        const change = body as { role?: Role; disabled?: boolean; password?: unknown };
        const id = String(params.id);
        // Hashed before the transaction: scrypt is async, and a transaction must not span an await.
        const passwordHash = change.password === undefined ? undefined : await hashPassword(passwordOf(body));
        const updated = store.db.transaction(() => {
          const target = store.userById(id);
          if (!target) throw notFound(`there is no user ${id}`);
          const losesAdmin =
            target.role === 'admin' &&
            !target.disabled &&
            ((change.role !== undefined && change.role !== 'admin') || change.disabled === true);
          // Only the caller can be the last active admin (they are one), so this is "not yourself, last".
          if (losesAdmin && store.countActiveAdmins() <= 1)
            throw conflict(
              `${target.username} is the last active admin; make another user admin first, so someone can still manage users`,
            );
          store.updateUser(id, { role: change.role, disabled: change.disabled, passwordHash });
          // A disabled user, or a new password, ends the user's sessions; one's own current session survives a password change.
          if (change.disabled === true) store.deleteSessionsOf(id);
          else if (passwordHash !== undefined)
            store.deleteSessionsOf(id, principal?.userId === id ? auth.sessionHashOf(req) : undefined);
          return store.userById(id)!;
        })();
        auth.log?.info(
          {
            by: principal?.username,
            userId: id,
            role: change.role,
            disabled: change.disabled,
            passwordChanged: passwordHash !== undefined,
          },
          'user changed',
        );
        return { body: userJson(updated) };
      },
    },
  ];
}
