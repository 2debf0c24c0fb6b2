import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startHarness, type Harness } from './test-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.createUser('vera', 'viewer', 'vera-password-1234');
  await h.createUser('otto', 'viewer', 'otto-password-1234');
});
afterAll(() => h.close());

const DAY = 86_400_000;

describe('API tokens', () => {
  it('are made for the caller, shown once, and work as Bearer', async () => {
    const { cookie } = await h.login('vera', 'vera-password-1234');
    const made = await h.call('post', '/api/tokens', { cookie, body: { name: 'MES bridge', expiresInDays: 30 } });
    expect(made.status).toBe(201);
    expect(made.headers.get('cache-control')).toBe('no-store');
    expect(made.json).toEqual({
      id: expect.any(String),
      name: 'MES bridge',
      token: expect.stringMatching(/^mr_[A-Za-z0-9_-]{43}$/),
      expiresAt: new Date(h.clock.now + 30 * DAY).toISOString(),
    });
    const me = await h.call('get', '/api/auth/me', { bearer: made.json.token as string });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ username: 'vera', role: 'viewer', via: 'token' });

    // Listed afterwards without the token or its hash, and with when it was last used.
    const list = await h.call('get', '/api/tokens', { cookie });
    expect(list.text).not.toContain(made.json.token as string);
    expect(list.text).not.toMatch(/hash/i);
    const mine = (list.json.tokens as Array<Record<string, unknown>>).find((t) => t.id === made.json.id);
    expect(mine).toMatchObject({ name: 'MES bridge', username: 'vera', revokedAt: null });
    expect(mine?.lastUsedAt).toEqual(expect.any(String));
  });

  it('a revoked token gets 401 problem+json with WWW-Authenticate', async () => {
    const { id, token } = await h.tokenFor('vera', 'vera-password-1234');
    const gone = await h.call('delete', `/api/tokens/${id}`, { bearer: token });
    expect(gone.status).toBe(204);
    const after = await h.call('get', '/api/auth/me', { bearer: token });
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(after.json).toMatchObject({ status: 401, detail: 'that API token has been revoked' });
    expect(after.text).not.toContain(token);
  });

  it('an expired token gets 401 problem+json with WWW-Authenticate', async () => {
    const { token } = await h.tokenFor('vera', 'vera-password-1234', 1);
    expect((await h.call('get', '/api/auth/me', { bearer: token })).status).toBe(200);
    h.clock.now += DAY;
    const after = await h.call('get', '/api/auth/me', { bearer: token });
    expect(after.status).toBe(401);
    expect(after.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(after.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('an unknown token gets 401, even on a public route', async () => {
    const fake = `mr_${'A'.repeat(43)}`;
    const me = await h.call('get', '/api/auth/me', { bearer: fake });
    expect(me.status).toBe(401);
    expect(me.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const login = await h.call('post', '/api/auth/login', {
      bearer: 'garbage',
      body: { username: 'vera', password: 'vera-password-1234' },
    });
    expect(login.status).toBe(401);
  });

  it("a viewer cannot revoke someone else's token (404), an admin can", async () => {
    const otto = await h.tokenFor('otto', 'otto-password-1234');
    const vera = await h.tokenFor('vera', 'vera-password-1234');
    expect((await h.call('delete', `/api/tokens/${otto.id}`, { bearer: vera.token })).status).toBe(404);
    expect((await h.call('get', '/api/auth/me', { bearer: otto.token })).status).toBe(200);
    const admin = await h.tokenFor('admin', ADMIN_PASSWORD);
    expect((await h.call('delete', `/api/tokens/${otto.id}`, { bearer: admin.token })).status).toBe(204);
    expect((await h.call('get', '/api/auth/me', { bearer: otto.token })).status).toBe(401);
  });

  it("lists only the caller's tokens; ?all=1 is for admins", async () => {
    const vera = await h.tokenFor('vera', 'vera-password-1234');
    const own = await h.call('get', '/api/tokens', { bearer: vera.token });
    const owners = new Set((own.json.tokens as Array<{ username: string }>).map((t) => t.username));
    expect([...owners]).toEqual(['vera']);
    expect((await h.call('get', '/api/tokens?all=1', { bearer: vera.token })).status).toBe(403);
    const admin = await h.tokenFor('admin', ADMIN_PASSWORD);
    const all = await h.call('get', '/api/tokens?all=1', { bearer: admin.token });
    expect(all.status).toBe(200);
    const everyone = new Set((all.json.tokens as Array<{ username: string }>).map((t) => t.username));
    expect(everyone).toEqual(new Set(['vera', 'otto', 'admin']));
  });

  it('a token of a disabled user stops working', async () => {
    const id = await h.createUser('temp', 'viewer', 'temp-password-1234');
    const { token } = await h.tokenFor('temp', 'temp-password-1234');
    const admin = await h.tokenFor('admin', ADMIN_PASSWORD);
    await h.call('patch', `/api/users/${id}`, { bearer: admin.token, body: { disabled: true } });
    expect((await h.call('get', '/api/auth/me', { bearer: token })).status).toBe(401);
  });

  it('last_used_at is written at most once a minute', async () => {
    const { id, token } = await h.tokenFor('vera', 'vera-password-1234');
    const lastUsed = () =>
      (h.db.prepare('SELECT last_used_at AS t FROM api_tokens WHERE id = ?').get(id) as { t: number | null }).t;
    await h.call('get', '/api/auth/me', { bearer: token });
    const first = lastUsed();
    expect(first).toBe(h.clock.now);
    h.clock.now += 30_000;
    await h.call('get', '/api/auth/me', { bearer: token });
    expect(lastUsed()).toBe(first);
    h.clock.now += 30_000;
    await h.call('get', '/api/auth/me', { bearer: token });
    expect(lastUsed()).toBe(h.clock.now);
  });
});
