import type { RouteDef } from '../api.ts';
import { forbidden, notFound } from '../problem.ts';
import type { Auth } from './auth.ts';
import { iso, NewTokenAnswer, NewTokenBody, TokenList, TokenListQuery } from './schemas.ts';
import { newApiToken, sha256Hex } from './secrets.ts';
import type { TokenRow } from './store.ts';

const DAY = 86_400_000;

/** A token as listed: never the token, never its hash. */
const tokenJson = (t: TokenRow) => ({
  id: t.id,
  name: t.name,
  userId: t.userId,
  username: t.username,
  createdAt: iso(t.createdAt),
  lastUsedAt: iso(t.lastUsedAt),
  expiresAt: iso(t.expiresAt),
  revokedAt: iso(t.revokedAt),
});

/** API tokens: each user makes, lists and revokes their own; an admin may list and revoke anyone's. */
export function tokenRoutes(auth: Auth): RouteDef[] {
  const { store } = auth;
  return [
    {
      method: 'post',
      path: '/api/tokens',
      response: NewTokenAnswer,
      access: 'viewer',
      tag: 'auth',
      summary: 'Create an API token for yourself; the answer is the only time the token is shown',
      body: NewTokenBody,
      handler({ body, principal }) {
        const { name, expiresInDays } = body as { name: string; expiresInDays?: number };
        const now = auth.now();
        const expiresAt = expiresInDays === undefined ? null : now + expiresInDays * DAY;
        const token = newApiToken();
        const id = store.insertToken(principal!.userId, name, sha256Hex(token), now, expiresAt);
        auth.log?.info({ userId: principal!.userId, tokenId: id, name }, 'API token created');
        return {
          status: 201,
          body: { id, name, token, expiresAt: iso(expiresAt) },
          // The one answer that carries a secret: no cache may keep it.
          headers: { 'cache-control': 'no-store' },
        };
      },
    },
    {
      method: 'get',
      path: '/api/tokens',
      response: TokenList,
      access: 'viewer',
      tag: 'auth',
      summary: "Your API tokens, including revoked and expired ones (admins: ?all=1 for everyone's)",
      query: TokenListQuery,
      handler({ query, principal }) {
        const all = query.all === '1' || query.all === 'true';
        if (all && principal!.role !== 'admin') throw forbidden("listing every user's tokens needs the admin role");
        return { body: { tokens: store.listTokens(all ? undefined : principal!.userId).map(tokenJson) } };
      },
    },
    {
      method: 'delete',
      path: '/api/tokens/:id',
      access: 'viewer',
      tag: 'auth',
      summary: 'Revoke an API token (your own; admins: anyone’s); it stops working at once',
      responses: { 404: 'no such token of yours' },
      handler({ params, principal }) {
        const token = store.tokenById(String(params.id));
        // Someone else's token is "not found" to a non-admin: its existence is none of their business.
        if (!token || (token.userId !== principal!.userId && principal!.role !== 'admin'))
          throw notFound(`you have no API token ${String(params.id)}`);
        store.revokeToken(token.id, auth.now());
        auth.log?.info({ by: principal!.username, tokenId: token.id, userId: token.userId }, 'API token revoked');
        return { status: 204 };
      },
    },
  ];
}
