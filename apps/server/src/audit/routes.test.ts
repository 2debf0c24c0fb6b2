import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Request } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticator } from '../api.ts';
import { createApp } from '../app.ts';
import { openServerDb, type ServerDb } from '../db.ts';
import { unauthorized } from '../problem.ts';
import { ROLES, type Principal, type Role } from '../roles.ts';
import { Audit, AUDIT_MIGRATIONS, auditRoutes } from './index.ts';

/** The audit routes over real HTTP, with a stand-in authenticator: the bearer token names the role. */
const testAuth: Authenticator = {
  principal(req: Request): Principal | undefined {
    const header = req.get('authorization');
    if (!header) return undefined;
    const role = /^Bearer (viewer|analyst|approver|admin)$/.exec(header)?.[1] as Role | undefined;
    if (!role) throw unauthorized('that token is not valid');
    return { userId: role, username: `${role}-user`, role, via: 'token' };
  },
};

let dir: string;
let file: string;
let db: ServerDb;
let audit: Audit;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-audit-http-'));
  file = join(dir, 'server.db');
  db = openServerDb(file, AUDIT_MIGRATIONS);
  audit = new Audit({ db });
  const app = createApp({ routes: auditRoutes(audit), auth: testAuth, log: pino({ level: 'silent' }) });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string, role?: Role) {
  const res = await fetch(base + path, { headers: role ? { authorization: `Bearer ${role}` } : {} });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

const admin = { username: 'admin-user', role: 'admin' } as const;

describe('GET /api/audit and /api/audit/verify', () => {
  it('are for admins only: 401 without a token, 403 for every other role', async () => {
    for (const path of ['/api/audit', '/api/audit/verify']) {
      expect((await get(path)).status, path).toBe(401);
      for (const role of ROLES) {
        const answer = await get(path, role);
        if (role === 'admin') expect(answer.status, `${path} ${role}`).toBe(200);
        else {
          expect(answer.status, `${path} ${role}`).toBe(403);
          expect(answer.type).toMatch(/^application\/problem\+json/);
        }
      }
    }
  });

  it('lists records newest first with filters, and pages with next', async () => {
    for (let i = 1; i <= 5; i++)
      audit.append({
        actor: admin,
        action: i % 2 ? 'flow.publish' : 'pack.import',
        target: { kind: 'flow', id: `f${i}` },
        reason: `r${i}`,
      });
    const all = await get('/api/audit', 'admin');
    expect(all.status).toBe(200);
    const records = all.json.records as Array<Record<string, unknown>>;
    expect(records.map((r) => r.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(records[0]).toMatchObject({
      actor: 'admin-user',
      actorRole: 'admin',
      action: 'flow.publish',
      target: { kind: 'flow', id: 'f5' },
      reason: 'r5',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(all.json.next).toBeNull();

    const imports = await get('/api/audit?action=pack.import', 'admin');
    expect((imports.json.records as Array<{ seq: number }>).map((r) => r.seq)).toEqual([4, 2]);
    const one = await get('/api/audit?targetKind=flow&targetId=f3&actor=ADMIN-USER', 'admin');
    expect((one.json.records as Array<{ seq: number }>).map((r) => r.seq)).toEqual([3]);

    const page1 = await get('/api/audit?limit=2', 'admin');
    expect((page1.json.records as Array<{ seq: number }>).map((r) => r.seq)).toEqual([5, 4]);
    expect(page1.json.next).toBe('4');
    const page2 = await get(`/api/audit?limit=2&beforeSeq=${String(page1.json.next)}`, 'admin');
    expect((page2.json.records as Array<{ seq: number }>).map((r) => r.seq)).toEqual([3, 2]);

    const future = await get(`/api/audit?since=${new Date(Date.now() + 3_600_000).toISOString()}`, 'admin');
    expect(future.json.records).toEqual([]);
    const past = await get(`/api/audit?until=${new Date(Date.now() + 3_600_000).toISOString()}&limit=1000`, 'admin');
    expect(past.json.records).toHaveLength(5);
  });

  it('refuses a limit above 1000, a bad time and an unknown filter with 400', async () => {
    for (const q of ['limit=1001', 'limit=0', 'since=yesterday', 'acton=user.create', 'action=DROP%20TABLE']) {
      const answer = await get(`/api/audit?${q}`, 'admin');
      expect(answer.status, q).toBe(400);
      expect(answer.type).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers 200 with the head while intact, 409 problem+json naming the row after tampering', async () => {
    const intact = await get('/api/audit/verify', 'admin');
    expect(intact.status).toBe(200);
    expect(intact.json).toMatchObject({ ok: true, rows: 5, head: { seq: 5 } });

    const raw = new Database(file);
    raw.exec('DROP TRIGGER audit_log_no_update');
    raw.prepare("UPDATE audit_log SET reason = 'nothing happened' WHERE seq = 2").run();
    raw.close();

    const broken = await get('/api/audit/verify', 'admin');
    expect(broken.status).toBe(409);
    expect(broken.type).toMatch(/^application\/problem\+json/);
    expect(broken.json).toMatchObject({
      status: 409,
      code: 'AUDIT_CHAIN_BROKEN',
      brokenAt: 2,
      rows: 5,
      why: expect.stringMatching(/row 2 .* edited/),
      detail: expect.stringContaining('record 2'),
    });
  });
});
