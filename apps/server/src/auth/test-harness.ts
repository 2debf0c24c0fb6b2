import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp } from '../app.ts';
import { openServerDb, type ServerDb } from '../db.ts';
import { Auth, AUTH_MIGRATIONS, authRoutes, bootstrapAdmin, type LoginLimits } from './index.ts';

/**
 * For the auth tests only: the real module in the real Express app, listening on 127.0.0.1 with a
 * real SQLite file in a temp folder. The clock is a number the tests move; the log is captured
 * (pino at debug level) so tests can check that no secret ever reaches it.
 */
export const ADMIN_PASSWORD = 'correct horse battery staple';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

export interface CallOptions {
  readonly body?: unknown;
  /** Sent as is, for bodies that are not JSON or not the JSON of a value. */
  readonly raw?: string;
  readonly bearer?: string;
  /** A `name=value` cookie pair. */
  readonly cookie?: string;
}

export interface Harness {
  readonly base: string;
  readonly dir: string;
  readonly dbFile: string;
  readonly db: ServerDb;
  readonly auth: Auth;
  readonly clock: { now: number };
  /** Every log line written so far (JSON text). */
  readonly logs: string[];
  call(method: string, path: string, o?: CallOptions): Promise<Answer>;
  /** Logs in and returns the `millrace_session=…` pair to send back, with the whole answer. */
  login(username: string, password: string): Promise<{ cookie: string; answer: Answer }>;
  /** Creates a user (as the bootstrapped admin, by token) and returns its id. */
  createUser(username: string, role: string, password?: string): Promise<string>;
  /** An API token of the given user, made by logging in as them. */
  tokenFor(username: string, password: string, expiresInDays?: number): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

export async function startHarness(loginLimits?: LoginLimits): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-auth-'));
  const dbFile = join(dir, 'server.db');
  const db = openServerDb(dbFile, AUTH_MIGRATIONS);
  const logs: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  bootstrapAdmin(db, { MILLRACE_ADMIN_PASSWORD: ADMIN_PASSWORD }, log);
  const clock = { now: Date.now() };
  const auth = new Auth({ db, log, now: () => clock.now, loginLimits });
  const app = createApp({ routes: authRoutes(auth), auth, log });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function call(method: string, path: string, o: CallOptions = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (o.body !== undefined || o.raw !== undefined) headers['content-type'] = 'application/json';
    if (o.bearer !== undefined) headers.authorization = `Bearer ${o.bearer}`;
    if (o.cookie !== undefined) headers.cookie = o.cookie;
    const res = await fetch(base + path, {
      method: method.toUpperCase(),
      headers,
      body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // Not JSON: tests look at text.
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  async function login(username: string, password: string) {
    const answer = await call('post', '/api/auth/login', { body: { username, password } });
    const set = answer.headers.getSetCookie().find((c) => c.startsWith('millrace_session='));
    return { cookie: set ? set.split(';')[0]! : '', answer };
  }

  let adminToken: string | undefined;
  async function asAdmin(): Promise<string> {
    adminToken ??= (await tokenFor('admin', ADMIN_PASSWORD)).token;
    return adminToken;
  }

  async function tokenFor(username: string, password: string, expiresInDays?: number) {
    const { cookie } = await login(username, password);
    const made = await call('post', '/api/tokens', { cookie, body: { name: 'test', expiresInDays } });
    if (made.status !== 201) throw new Error(`token for ${username}: ${made.status} ${made.text}`);
    return { id: made.json.id as string, token: made.json.token as string };
  }

  async function createUser(username: string, role: string, password = `${username}-password-1234`) {
    const made = await call('post', '/api/users', { bearer: await asAdmin(), body: { username, role, password } });
    if (made.status !== 201) throw new Error(`create ${username}: ${made.status} ${made.text}`);
    return made.json.id as string;
  }

  return {
    base,
    dir,
    dbFile,
    db,
    auth,
    clock,
    logs,
    call,
    login,
    createUser,
    tokenFor,
    async close() {
      await new Promise((r) => server.close(r));
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
