import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { Audit, AUDIT_MIGRATIONS, auditDigest } from '../audit/index.ts';
import { openServerDb, type ServerDb } from '../db.ts';
import { Auth, AUTH_MIGRATIONS, authRoutes, bootstrapAdmin } from './index.ts';

/**
 * The auth routes with the audit log wired in (authRoutes(auth, audit)), over real HTTP and a
 * real SQLite file: user and token changes leave records, and no record holds a secret.
 */
const ADMIN_PASSWORD = 'correct horse battery staple';
const CAROL_FIRST = 'carol-first-password-1234';
const CAROL_SECOND = 'carol-second-password-5678';

let dir: string;
let db: ServerDb;
let audit: Audit;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-auth-audit-'));
  db = openServerDb(join(dir, 'server.db'), [...AUTH_MIGRATIONS, ...AUDIT_MIGRATIONS]);
  const log = pino({ level: 'silent' });
  bootstrapAdmin(db, { MILLRACE_ADMIN_PASSWORD: ADMIN_PASSWORD }, log);
  const auth = new Auth({ db, log, loginLimits: { perUsername: 3, perAddress: 100 } });
  audit = new Audit({ db });
  const app = createApp({ routes: authRoutes(auth, audit), auth, log });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, o: { body?: unknown; bearer?: string; cookie?: string } = {}) {
  const res = await fetch(base + path, {
    method: method.toUpperCase(),
    headers: {
      ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(o.bearer ? { authorization: `Bearer ${o.bearer}` } : {}),
      ...(o.cookie ? { cookie: o.cookie } : {}),
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown>, headers: res.headers };
}

async function tokenOf(username: string, password: string) {
  const login = await call('post', '/api/auth/login', { body: { username, password } });
  expect(login.status).toBe(200);
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  const made = await call('post', '/api/tokens', { cookie, body: { name: `${username} tool`, expiresInDays: 30 } });
  expect(made.status).toBe(201);
  return { id: made.json.id as string, token: made.json.token as string };
}

const actions = () =>
  audit
    .list({ limit: 1000 })
    .reverse()
    .map((r) => r.action);
/** Every column of every audit row, as one text to search. */
const everything = () => JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('auth routes with the audit log', () => {
  let admin: { id: string; token: string };
  let carolId: string;
  let carolToken: { id: string; token: string };

  it('records user and token changes with who did them, and none of their secrets', async () => {
    admin = await tokenOf('admin', ADMIN_PASSWORD);
    const made = await call('post', '/api/users', {
      bearer: admin.token,
      body: { username: 'carol', role: 'viewer', password: CAROL_FIRST },
    });
    expect(made.status).toBe(201);
    carolId = made.json.id as string;
    const patch = (body: unknown) => call('patch', `/api/users/${carolId}`, { bearer: admin.token, body });
    expect((await patch({ role: 'analyst' })).status).toBe(200);
    expect((await patch({ password: CAROL_SECOND })).status).toBe(200);
    carolToken = await tokenOf('carol', CAROL_SECOND);
    // Carol revokes her own token with it; the admin's second revocation changes nothing and adds no record.
    expect((await call('delete', `/api/tokens/${carolToken.id}`, { bearer: carolToken.token })).status).toBe(204);
    expect((await call('delete', `/api/tokens/${carolToken.id}`, { bearer: admin.token })).status).toBe(204);
    // A refused change (the name is taken) is no change.
    const again = await call('post', '/api/users', {
      bearer: admin.token,
      body: { username: 'CAROL', role: 'viewer', password: 'some-other-password-1' },
    });
    expect(again.status).toBe(409);

    expect(actions()).toEqual([
      'token.create',
      'user.create',
      'user.update',
      'user.update',
      'token.create',
      'token.revoke',
    ]);
    const [, create, promote, password, , revoke] = audit.list({ limit: 1000 }).reverse();
    expect(create).toMatchObject({
      actor: 'admin',
      actorRole: 'admin',
      target: { kind: 'user', id: carolId },
      beforeDigest: null,
      afterDigest: auditDigest({ username: 'carol', role: 'viewer', disabled: false }),
      details: { username: 'carol', role: 'viewer' },
    });
    expect(promote).toMatchObject({
      beforeDigest: auditDigest({ username: 'carol', role: 'viewer', disabled: false }),
      afterDigest: auditDigest({ username: 'carol', role: 'analyst', disabled: false }),
      details: { username: 'carol', role: { from: 'viewer', to: 'analyst' } },
    });
    expect(password!.details).toEqual({ username: 'carol', passwordChanged: true });
    expect(password!.beforeDigest).toBe(password!.afterDigest);
    expect(revoke).toMatchObject({
      actor: 'carol',
      actorRole: 'analyst',
      target: { kind: 'token', id: carolToken.id },
      details: { name: 'carol tool', owner: 'carol' },
    });

    // Scan the raw rows for every secret there is: passwords, tokens, and their stored hashes.
    const stored = db
      .prepare('SELECT password_hash AS h FROM users UNION ALL SELECT token_hash FROM api_tokens')
      .all() as {
      h: string;
    }[];
    const secrets = [
      ADMIN_PASSWORD,
      CAROL_FIRST,
      CAROL_SECOND,
      admin.token,
      carolToken.token,
      ...stored.map((s) => s.h),
    ];
    secrets.push(sha256(admin.token), sha256(carolToken.token));
    const text = everything();
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('scrypt$');
    expect(audit.verify()).toMatchObject({ ok: true, rows: 6 });
  });

  it('records disabling a user with the from/to of the flag', async () => {
    expect(
      (await call('patch', `/api/users/${carolId}`, { bearer: admin.token, body: { disabled: true } })).status,
    ).toBe(200);
    expect(audit.list({ limit: 1 })[0]).toMatchObject({
      action: 'user.update',
      details: { username: 'carol', disabled: { from: false, to: true } },
    });
    await call('patch', `/api/users/${carolId}`, { bearer: admin.token, body: { disabled: false } });
  });

  it('records a login lockout once, and failed logins not at all', async () => {
    const before = audit.verify().rows;
    const login = (username: string, password: string) =>
      call('post', '/api/auth/login', { body: { username, password } });
    for (let i = 0; i < 3; i++) expect((await login('carol', 'wrong-password')).status).toBe(401);
    expect(audit.verify().rows).toBe(before);
    expect((await login('carol', 'wrong-password')).status).toBe(429);
    expect((await login('carol', CAROL_SECOND)).status).toBe(429);
    const lockouts = audit.list({ action: 'auth.lockout' });
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]).toMatchObject({
      actor: 'system',
      actorRole: 'system',
      target: { kind: 'user', id: carolId },
      details: { username: 'carol', address: expect.any(String), retryAfterSeconds: expect.any(Number) },
    });
  });

  it('records a lockout of unknown usernames by address, once, without the username', async () => {
    // What was typed as a username may be a password: it must not be kept.
    for (const name of ['Typed-Password-1!', 'Typed-Password-2!']) {
      for (let i = 0; i < 3; i++) await call('post', '/api/auth/login', { body: { username: name, password: 'x' } });
      expect((await call('post', '/api/auth/login', { body: { username: name, password: 'x' } })).status).toBe(429);
    }
    const lockouts = audit.list({ action: 'auth.lockout', targetKind: 'address' });
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]!.details).toMatchObject({ knownUser: false });
    expect(everything()).not.toContain('Typed-Password');
    expect(audit.verify().ok).toBe(true);
  });
});
