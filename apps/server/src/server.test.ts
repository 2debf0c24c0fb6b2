import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { allows, ROLES, type Role } from './roles.ts';
import { startServer, type MillraceServer } from './server.ts';

/**
 * The server as users meet it: one port for the API, webhooks, health and metrics; the first
 * admin; and every route × every role, plus no token and a bad token (the authorization matrix).
 */
let dir: string;
let server: MillraceServer;
const tokens = new Map<Role, string>();
const ADMIN_PASSWORD = 'correct horse battery staple';

async function api(method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    json: parse(text),
    text,
  };
}

const parse = (text: string): Record<string, unknown> => {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-srv-'));
  server = await startServer({
    dataDir: dir,
    port: 0,
    env: { MILLRACE_ADMIN_PASSWORD: ADMIN_PASSWORD },
    log: pino({ level: 'silent' }),
  });
  // The admin logs in, makes one user per role, and each of them makes an API token.
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const asAdmin = (method: string, path: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  for (const role of ROLES) {
    const username = `${role}-1`;
    const password = `${role} password long enough`;
    expect((await asAdmin('POST', '/api/users', { username, role, password })).status).toBe(201);
    const l = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const c = l.headers.get('set-cookie')!.split(';')[0]!;
    const t = await fetch(`${server.url}/api/tokens`, {
      method: 'POST',
      headers: { cookie: c, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'matrix' }),
    });
    tokens.set(role, ((await t.json()) as { token: string }).token);
  }
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the server', () => {
  it('answers health, metrics and its API reference on the one port', async () => {
    expect(await api('GET', '/healthz')).toMatchObject({ status: 200, json: { status: 'ok' } });
    const metrics = await api('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/# TYPE millrace_runs_total counter/);
    const doc = await api('GET', '/api/openapi.json');
    expect(doc.json.openapi).toBe('3.1.0');
    const page = await api('GET', '/api/docs');
    expect(page.type).toMatch(/^text\/html/);
    expect(page.text).toContain('POST /api/dead-letters/:id/replay');
    expect((await api('POST', '/hooks/nothing', undefined, {})).status).toBe(404);
  });

  it('created the first admin from MILLRACE_ADMIN_PASSWORD and does not echo it', () => {
    expect(server.admin).toEqual({ username: 'admin', generated: false });
  });

  it('gives every route × role the answer the role allows; no token and a bad token get 401', async () => {
    const fill = (path: string) => path.replace(/:ref/g, 'x').replace(/:[A-Za-z_]+/g, '999999');
    const rows: string[] = [];
    for (const route of server.routes) {
      const path = fill(route.path);
      const body = route.body ? {} : undefined;
      const anonymous = await api(route.method.toUpperCase(), path, undefined, body);
      const forged = await api(route.method.toUpperCase(), path, 'mr_forged-token-that-does-not-exist', body);
      if (route.access === 'public') {
        expect(anonymous.status, `${route.method} ${route.path} anonymous`).not.toBe(401);
      } else {
        expect(anonymous.status, `${route.method} ${route.path} anonymous`).toBe(401);
        expect(anonymous.type).toMatch(/^application\/problem\+json/);
      }
      expect(forged.status, `${route.method} ${route.path} bad token`).toBe(401);
      for (const role of ROLES) {
        const r = await api(route.method.toUpperCase(), path, tokens.get(role), body);
        const allowed = allows(role, route.access);
        rows.push(`${route.method} ${route.path} ${role} → ${r.status}`);
        if (allowed) expect([401, 403], `${route.method} ${route.path} as ${role}: ${r.text}`).not.toContain(r.status);
        else expect(r.status, `${route.method} ${route.path} as ${role}`).toBe(403);
        expect(r.status, `${route.method} ${route.path} as ${role}: ${r.text}`).toBeLessThan(500);
      }
    }
    expect(rows.length).toBe(server.routes.length * ROLES.length);
  }, 60_000);

  it('audits changes without their secrets, and names the row when one is edited in the database', async () => {
    const admin = tokens.get('admin')!;
    const put = await fetch(`${server.url}/api/secrets/ERP_P100_PASSWORD`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'sup3r-secret-erp-password' }),
    });
    expect(put.status).toBe(201);
    const log = await api('GET', '/api/audit?limit=100', admin);
    expect(log.status).toBe(200);
    expect(log.text).toContain('secret.create');
    expect(log.text).toContain('user.create');
    expect(log.text).not.toContain('sup3r-secret-erp-password');
    expect(await api('GET', '/api/audit/verify', admin)).toMatchObject({ status: 200, json: { ok: true } });

    // Someone edits one row with a database tool (the append-only trigger is dropped first).
    const raw = new Database(join(dir, 'server.db'));
    raw.exec('DROP TRIGGER IF EXISTS audit_log_no_update');
    const { seq } = raw.prepare('SELECT seq FROM audit_log ORDER BY seq LIMIT 1 OFFSET 2').get() as { seq: number };
    raw.prepare("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = ?").run(seq);
    raw.close();
    const broken = await api('GET', '/api/audit/verify', admin);
    expect(broken.status).toBe(409);
    expect(broken.type).toMatch(/^application\/problem\+json/);
    expect(broken.json).toMatchObject({ code: 'AUDIT_CHAIN_BROKEN', brokenAt: seq });
  });

  it('publishes a response schema for every route that answers JSON', async () => {
    const doc = (await api('GET', '/api/openapi.json')).json as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
      >;
    };
    // Not JSON (the reference pages, the documentation, Prometheus text), or nothing but 204.
    const notJson = [
      'delete /api/flows/:id/draft',
      'delete /api/secrets/:name',
      'delete /api/tokens/:id',
      'get /api/docs',
      'get /api/docs/guide',
      'get /api/docs/guide/:page',
      'get /api/docs/guide/:section/:page',
      'get /api/docs/guide/:section/:sub/:page',
      'get /metrics',
      'post /api/auth/logout',
    ];
    const without = server.routes
      .filter((r) => {
        const op = doc.paths[r.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[r.method];
        const schema = op?.responses['2XX']?.content?.['application/json']?.schema;
        return typeof schema !== 'object' || schema === null;
      })
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(without).toEqual(notJson);
    expect(server.routes.length - notJson.length).toBeGreaterThan(40);
  });
});
