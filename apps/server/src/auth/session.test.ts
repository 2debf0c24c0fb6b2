import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startHarness, type Harness } from './test-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.createUser('olga', 'analyst', 'olga-password-1234');
});
afterAll(() => h.close());
// Failed logins stay counted for 15 minutes: each test starts with the window behind it.
beforeEach(() => {
  h.clock.now += 16 * 60_000;
});

const HOUR = 3_600_000;

describe('login and the session cookie', () => {
  it('sets an http-only SameSite=Strict cookie with which /api/auth/me answers who is calling', async () => {
    const { cookie, answer } = await h.login('olga', 'olga-password-1234');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ user: { id: expect.any(String), username: 'olga', role: 'analyst' } });
    const set = answer.headers.getSetCookie()[0]!;
    expect(set).toMatch(/^millrace_session=[A-Za-z0-9_-]{43}; /);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toContain('Path=/');
    expect(set).toContain('Max-Age=86400');
    // Plain http here: a Secure cookie would never come back.
    expect(set).not.toContain('Secure');
    expect(answer.headers.get('cache-control')).toBe('no-store');

    const me = await h.call('get', '/api/auth/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.json).toEqual({
      id: answer.json.user && (answer.json.user as { id: string }).id,
      username: 'olga',
      role: 'analyst',
      via: 'session',
    });
  });

  it('matches the username without regard to case', async () => {
    const { answer } = await h.login('OLGA', 'olga-password-1234');
    expect(answer.status).toBe(200);
    expect((answer.json.user as { username: string }).username).toBe('olga');
  });

  it('logout ends the session and clears the cookie', async () => {
    const { cookie } = await h.login('olga', 'olga-password-1234');
    const out = await h.call('post', '/api/auth/logout', { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^millrace_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict/);
    const me = await h.call('get', '/api/auth/me', { cookie });
    expect(me.status).toBe(401);
  });

  it('a session ends after 8 hours without a request', async () => {
    const { cookie } = await h.login('olga', 'olga-password-1234');
    h.clock.now += 7 * HOUR;
    expect((await h.call('get', '/api/auth/me', { cookie })).status).toBe(200);
    h.clock.now += 8 * HOUR + 1000;
    const me = await h.call('get', '/api/auth/me', { cookie });
    expect(me.status).toBe(401);
    expect(me.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // The dead cookie is cleared on the way.
    expect(me.headers.getSetCookie().some((c) => c.startsWith('millrace_session=;'))).toBe(true);
  });

  it('a session ends 24 hours after the login however busy it is', async () => {
    const { cookie } = await h.login('olga', 'olga-password-1234');
    for (let i = 0; i < 3; i++) {
      h.clock.now += 7 * HOUR;
      expect((await h.call('get', '/api/auth/me', { cookie })).status).toBe(200);
    }
    h.clock.now += 3 * HOUR + 1000;
    expect((await h.call('get', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('a stale cookie does not stand in the way of a new login', async () => {
    const { cookie } = await h.login('olga', 'olga-password-1234');
    h.clock.now += 25 * HOUR;
    const again = await h.call('post', '/api/auth/login', {
      cookie,
      body: { username: 'olga', password: 'olga-password-1234' },
    });
    expect(again.status).toBe(200);
  });

  it('a disabled user cannot log in, and their open session ends', async () => {
    const id = await h.createUser('dora', 'viewer', 'dora-password-1234');
    const { cookie } = await h.login('dora', 'dora-password-1234');
    const admin = await h.login('admin', ADMIN_PASSWORD);
    expect((await h.call('patch', `/api/users/${id}`, { cookie: admin.cookie, body: { disabled: true } })).status).toBe(
      200,
    );
    expect((await h.call('get', '/api/auth/me', { cookie })).status).toBe(401);
    const { answer } = await h.login('dora', 'dora-password-1234');
    expect(answer.status).toBe(401);
  });
});

describe('wrong credentials', () => {
  it('a wrong password and an unknown user get the very same 401 body', async () => {
    const wrong = await h.login('olga', 'not-her-password');
    const unknown = await h.login('nobody', 'not-her-password');
    expect(wrong.answer.status).toBe(401);
    expect(unknown.answer.status).toBe(401);
    expect(wrong.answer.text).toBe(unknown.answer.text);
    expect(wrong.answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(wrong.answer.json.detail).toBe('wrong username or password');
    expect(wrong.cookie).toBe('');
  });
});

describe('failed-login limits', () => {
  it('the 6th bad login within 15 minutes gets 429 with Retry-After, even with the right password', async () => {
    for (let i = 1; i <= 5; i++) expect((await h.login('olga', `wrong-${i}`)).answer.status).toBe(401);
    const sixth = await h.login('olga', 'wrong-6');
    expect(sixth.answer.status).toBe(429);
    expect(sixth.answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const retry = Number(sixth.answer.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(15 * 60);
    expect((await h.login('olga', 'olga-password-1234')).answer.status).toBe(429);
    // Once the window has passed, the right password works again.
    h.clock.now += retry * 1000;
    expect((await h.login('olga', 'olga-password-1234')).answer.status).toBe(200);
  });

  it('a good login before the limit resets that username’s count', async () => {
    for (let i = 1; i <= 4; i++) expect((await h.login('olga', `wrong-${i}`)).answer.status).toBe(401);
    expect((await h.login('olga', 'olga-password-1234')).answer.status).toBe(200);
    for (let i = 1; i <= 5; i++) expect((await h.login('olga', `wrong-again-${i}`)).answer.status).toBe(401);
    expect((await h.login('olga', 'wrong-again-6')).answer.status).toBe(429);
  });

  it('one address trying many usernames is stopped after 20 failures', async () => {
    for (let i = 1; i <= 20; i++) expect((await h.login(`guess-${i}`, 'password')).answer.status).toBe(401);
    expect((await h.login('guess-21', 'password')).answer.status).toBe(429);
  });
});

describe('the log', () => {
  it('never holds a password or a session cookie', async () => {
    const { cookie } = await h.login('olga', 'olga-password-1234');
    await h.login('olga', 'a-wrong-password-typed');
    const text = h.logs.join('');
    expect(text).toContain('"msg":"login"');
    for (const secret of [ADMIN_PASSWORD, 'olga-password-1234', 'a-wrong-password-typed', cookie.split('=')[1]!])
      expect(text).not.toContain(secret);
  });
});
