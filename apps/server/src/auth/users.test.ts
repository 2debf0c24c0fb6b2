import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startHarness, type Harness } from './test-harness.ts';

let h: Harness;
let admin: string;
beforeAll(async () => {
  h = await startHarness();
  admin = (await h.tokenFor('admin', ADMIN_PASSWORD)).token;
});
afterAll(() => h.close());

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('user management', () => {
  it('a viewer gets 403 on POST /api/users', async () => {
    await h.createUser('vic', 'viewer', 'vic-password-1234');
    const { token } = await h.tokenFor('vic', 'vic-password-1234');
    const answer = await h.call('post', '/api/users', {
      bearer: token,
      body: { username: 'mallory', role: 'admin', password: 'mallory-password-1234' },
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await h.call('get', '/api/users', { bearer: token })).status).toBe(403);
  });

  it('an admin creates a user (201), a second one of the same name in other case is 409', async () => {
    const made = await h.call('post', '/api/users', {
      bearer: admin,
      body: { username: 'Anna', role: 'approver', password: 'anna-password-1234' },
    });
    expect(made.status).toBe(201);
    expect(made.json).toEqual({
      id: expect.any(String),
      username: 'Anna',
      role: 'approver',
      disabled: false,
      createdAt: expect.any(String),
    });
    expect(made.headers.get('location')).toBe(`/api/users/${made.json.id as string}`);
    const again = await h.call('post', '/api/users', {
      bearer: admin,
      body: { username: 'anna', role: 'viewer', password: 'another-password-1234' },
    });
    expect(again.status).toBe(409);
  });

  it('refuses a short password without echoing it', async () => {
    const short = await h.call('post', '/api/users', {
      bearer: admin,
      body: { username: 'bert', role: 'viewer', password: 'short-pw' },
    });
    expect(short.status).toBe(400);
    expect(short.text).toContain('/password');
    expect(short.text).not.toContain('short-pw');
    const number = await h.call('post', '/api/users', {
      bearer: admin,
      body: { username: 'bert', role: 'viewer', password: 987654321012345 },
    });
    expect(number.status).toBe(400);
    expect(number.text).not.toContain('987654321012345');
  });

  it('lists users without any hash', async () => {
    const list = await h.call('get', '/api/users', { bearer: admin });
    expect(list.status).toBe(200);
    const users = list.json.users as Array<Record<string, unknown>>;
    expect(users.map((u) => u.username)).toContain('admin');
    for (const u of users) expect(Object.keys(u).sort()).toEqual(['createdAt', 'disabled', 'id', 'role', 'username']);
    expect(list.text).not.toContain('scrypt');
  });

  it('PATCH changes role and password; the new password logs in, the old one not', async () => {
    const id = await h.createUser('paul', 'viewer', 'paul-password-1234');
    const patched = await h.call('patch', `/api/users/${id}`, {
      bearer: admin,
      body: { role: 'analyst', password: 'paul-new-password-1234' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ id, role: 'analyst', disabled: false });
    expect((await h.login('paul', 'paul-password-1234')).answer.status).toBe(401);
    expect((await h.login('paul', 'paul-new-password-1234')).answer.status).toBe(200);
    expect((await h.call('patch', '/api/users/no-such-id', { bearer: admin, body: { role: 'viewer' } })).status).toBe(
      404,
    );
    expect((await h.call('patch', `/api/users/${id}`, { bearer: admin, body: {} })).status).toBe(400);
  });

  it('the last active admin cannot demote or disable themselves (409); with a second admin they can', async () => {
    const me = (await h.call('get', '/api/auth/me', { bearer: admin })).json.id as string;
    const demote = await h.call('patch', `/api/users/${me}`, { bearer: admin, body: { role: 'viewer' } });
    expect(demote.status).toBe(409);
    expect(demote.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await h.call('patch', `/api/users/${me}`, { bearer: admin, body: { disabled: true } })).status).toBe(409);
    expect((await h.call('get', '/api/auth/me', { bearer: admin })).json.role).toBe('admin');

    // A disabled admin does not count as one.
    const other = await h.createUser('ada', 'admin', 'ada-password-1234');
    await h.call('patch', `/api/users/${other}`, { bearer: admin, body: { disabled: true } });
    expect((await h.call('patch', `/api/users/${me}`, { bearer: admin, body: { role: 'analyst' } })).status).toBe(409);

    await h.call('patch', `/api/users/${other}`, { bearer: admin, body: { disabled: false } });
    const ok = await h.call('patch', `/api/users/${me}`, { bearer: admin, body: { role: 'analyst' } });
    expect(ok.status).toBe(200);
    expect((await h.call('get', '/api/users', { bearer: admin })).status).toBe(403);
    // Back, for the tests after this one (ada is the admin now).
    const ada = (await h.tokenFor('ada', 'ada-password-1234')).token;
    expect((await h.call('patch', `/api/users/${me}`, { bearer: ada, body: { role: 'admin' } })).status).toBe(200);
  });
});

describe('what is stored', () => {
  it('passwords, tokens and session cookies only as hashes in the SQLite file', async () => {
    await h.createUser('sara', 'viewer', 'sara-password-1234');
    const { token } = await h.tokenFor('sara', 'sara-password-1234');
    const { cookie } = await h.login('sara', 'sara-password-1234');
    const cookieValue = cookie.split('=')[1]!;

    const file = new Database(h.dbFile, { readonly: true });
    try {
      const user = file.prepare("SELECT password_hash AS hash FROM users WHERE username = 'sara'").get() as {
        hash: string;
      };
      expect(user.hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
      const tokens = file.prepare('SELECT token_hash AS hash FROM api_tokens').all() as Array<{ hash: string }>;
      expect(tokens.map((t) => t.hash)).toContain(sha256(token));
      const sessions = file.prepare('SELECT id FROM sessions').all() as Array<{ id: string }>;
      expect(sessions.map((s) => s.id)).toContain(sha256(cookieValue));

      // No column of any table holds a plain secret.
      const dump = ['users', 'api_tokens', 'sessions']
        .map((t) => JSON.stringify(file.prepare(`SELECT * FROM ${t}`).all()))
        .join('\n');
      for (const secret of ['sara-password-1234', ADMIN_PASSWORD, token, token.slice(3), cookieValue])
        expect(dump).not.toContain(secret);
    } finally {
      file.close();
    }
  });
});
