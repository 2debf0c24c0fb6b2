import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openServerDb } from '../db.ts';
import { AUTH_MIGRATIONS, bootstrapAdmin } from './index.ts';

let dir: string;
let file: string;
let lines: string[];
const log = () => pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-bootstrap-'));
  file = join(dir, 'server.db');
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** One server start: open the file, bootstrap, close, as startServer does. */
function start(env: Record<string, string | undefined>) {
  const db = openServerDb(file, AUTH_MIGRATIONS);
  try {
    return bootstrapAdmin(db, env, log());
  } finally {
    db.close();
  }
}

describe('the first admin', () => {
  it('gets a generated password, returned once and never logged; the second start creates nothing', () => {
    const first = start({});
    expect(first).toEqual({ username: 'admin', generated: true, password: expect.any(String) });
    const password = (first as { password: string }).password;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(lines.join('')).toContain('created the first user, admin');
    expect(lines.join('')).not.toContain(password);

    expect(start({})).toBeUndefined();
    expect(start({ MILLRACE_ADMIN_PASSWORD: 'a-different-password-123' })).toBeUndefined();

    const db = new Database(file, { readonly: true });
    const users = db.prepare('SELECT username, role, password_hash AS hash FROM users').all() as Array<{
      username: string;
      role: string;
      hash: string;
    }>;
    db.close();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ username: 'admin', role: 'admin' });
    expect(users[0]!.hash).toMatch(/^scrypt\$/);
    expect(users[0]!.hash).not.toContain(password);
  });

  it('takes MILLRACE_ADMIN_PASSWORD when set, and does not hand it back', () => {
    const made = start({ MILLRACE_ADMIN_PASSWORD: 'the-operators-own-password' });
    expect(made).toEqual({ username: 'admin', generated: false });
    expect(lines.join('')).not.toContain('the-operators-own-password');
  });

  it('refuses a MILLRACE_ADMIN_PASSWORD shorter than 12 characters with a clear error, creating nobody', () => {
    expect(() => start({ MILLRACE_ADMIN_PASSWORD: 'short-pw' })).toThrow(
      /MILLRACE_ADMIN_PASSWORD is too short \(8 characters\).*at least 12/,
    );
    try {
      start({ MILLRACE_ADMIN_PASSWORD: 'short-pw' });
    } catch (e) {
      expect((e as Error).message).not.toContain('short-pw');
    }
    const db = new Database(file, { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n).toBe(0);
    db.close();
  });
});
