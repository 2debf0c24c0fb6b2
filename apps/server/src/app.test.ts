import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from 'express';
import { pino } from 'pino';
import type { Flow } from '@millrace/flow-model';
import { catalog } from '@millrace/flow-nodes/catalog';
import { startRuntime, type Runtime } from '@millrace/runtime';
import type { Authenticator, RouteDef } from './api.ts';
import { createApp } from './app.ts';
import { Audit, AUDIT_MIGRATIONS } from './audit/index.ts';
import { catalogRoutes } from './catalog-routes.ts';
import { openServerDb, type ServerDb } from './db.ts';
import { openApiDocument } from './openapi.ts';
import { opsRoutes } from './ops.ts';
import { unauthorized } from './problem.ts';
import type { Principal, Role } from './roles.ts';

/**
 * The API's own behaviour — routing, roles, validation, problem+json, operations on a real
 * runtime — with a stand-in for the auth module (its own tests cover it): the bearer token
 * names the role.
 */
const testAuth: Authenticator = {
  principal(req: Request): Principal | undefined {
    const header = req.get('authorization');
    if (!header) return undefined;
    const role = /^Bearer (viewer|analyst|approver|admin)$/.exec(header)?.[1] as Role | undefined;
    if (!role) throw unauthorized('that token is not valid');
    return { userId: role, username: `${role}-user`, role, via: 'token' };
  },
};

// A flow that parks every event whose `ok` is not true: dead letters to list, replay and discard.
const flow = {
  schemaVersion: 1,
  id: 'parking',
  name: 'Parking',
  version: '1.0.0',
  settings: { businessKeys: { lot: 'msg.payload.lot' } },
  nodes: [
    { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'in' } },
    { id: 'ok', type: 'route', version: 1, config: { routes: [{ port: 'yes', when: 'msg.payload.ok === true' }] } },
    { id: 'park', type: 'dead-letter', version: 1, config: { reason: 'not ok yet', code: 'NOT_OK' } },
    { id: 'done', type: 'map', version: 1, config: { source: 'return { done: msg.payload.lot };' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'ok', port: 'in' } },
    { id: 'e2', from: { node: 'ok', port: 'yes' }, to: { node: 'done', port: 'in' } },
    { id: 'e3', from: { node: 'ok', port: 'default' }, to: { node: 'park', port: 'in' } },
  ],
} as unknown as Flow;

let dir: string;
let runtime: Runtime;
let server: Server;
let base: string;
let routes: RouteDef[];
let db: ServerDb;
let audit: Audit;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-server-'));
  runtime = await startRuntime({
    dataDir: dir,
    flows: [flow],
    profile: { schemaVersion: 1, plant: 'P100', name: 'Test plant' },
  });
  db = openServerDb(join(dir, 'server.db'), AUDIT_MIGRATIONS);
  audit = new Audit({ db });
  routes = [...opsRoutes({ store: runtime.store, engine: runtime.engine, audit }), ...catalogRoutes(catalog)];
  const app = createApp({ routes, auth: testAuth, log: pino({ level: 'silent' }) });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await runtime?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, path: string, role?: Role, body?: unknown, type = 'application/json') =>
  fetch(`${base}${path}`, {
    method,
    headers: {
      ...(role ? { authorization: `Bearer ${role}` } : {}),
      ...(body !== undefined ? { 'content-type': type } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });

async function parkOne(lot: string): Promise<string> {
  const accepted = await runtime.engine.accept('parking', {
    payloadText: JSON.stringify({ lot, ok: false }),
    headersText: null,
  });
  for (let i = 0; i < 100; i++) {
    const letters = await runtime.store.listDeadLetters({ status: 'open' });
    const found = letters.find((d) => d.runId === accepted.runId);
    if (found) return String(found.id);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the run was not parked');
}

describe('the API', () => {
  it('refuses a request without credentials (401, WWW-Authenticate) and a role short of the route (403), as problem+json', async () => {
    const none = await call('GET', '/api/runs');
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED', instance: '/api/runs' });
    const bad = await fetch(`${base}/api/runs`, { headers: { authorization: 'Bearer nonsense' } });
    expect(bad.status).toBe(401);
    const id = await parkOne('L-403');
    const viewer = await call('POST', `/api/dead-letters/${id}/replay`, 'viewer', { reason: 'try again' });
    expect(viewer.status).toBe(403);
    expect((await viewer.json()) as { detail: string }).toMatchObject({
      detail: 'this needs the analyst role; viewer-user is viewer',
    });
  });

  it('lists runs and shows one with its steps', async () => {
    await parkOne('L-1');
    const list = (await (await call('GET', '/api/runs?flow=parking&limit=5', 'viewer')).json()) as {
      runs: Array<{ id: string; status: string; businessKeys: unknown }>;
    };
    expect(list.runs.length).toBeGreaterThan(0);
    const run = list.runs.find((r) => (r.businessKeys as { lot?: string })?.lot === 'L-1')!;
    expect(run.status).toBe('dead_lettered');
    const one = (await (await call('GET', `/api/runs/${run.id}`, 'viewer')).json()) as {
      steps: Array<{ node: string; type: string }>;
    };
    expect(one.steps.map((s) => s.node)).toEqual(expect.arrayContaining(['ok', 'park']));
    expect(one.steps.find((s) => s.node === 'park')!.type).toBe('dead-letter');
    expect((await call('GET', '/api/runs/999', 'viewer')).status).toBe(404);
    expect((await call('GET', '/api/runs/abc', 'viewer')).status).toBe(400);
    expect((await call('GET', '/api/runs?status=sleeping', 'viewer')).status).toBe(400);
  });

  it('replays a dead letter with a reason and says who did it; a second replay is a 409', async () => {
    const id = await parkOne('L-2');
    const noReason = await call('POST', `/api/dead-letters/${id}/replay`, 'analyst', {});
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { problems: Array<{ pointer: string }> }).problems[0]!.pointer).toBe('/reason');
    const replayed = await call('POST', `/api/dead-letters/${id}/replay`, 'analyst', { reason: 'the lot is fixed' });
    expect(replayed.status).toBe(202);
    const letter = (await (await call('GET', `/api/dead-letters/${id}`, 'viewer')).json()) as {
      status: string;
      resolution: { reason: string; by: string };
      payload: unknown;
    };
    expect(letter).toMatchObject({
      status: 'replayed',
      resolution: { reason: 'the lot is fixed', by: 'analyst-user' },
    });
    expect(letter.payload).toEqual({ lot: 'L-2', ok: false });
    expect((await call('POST', `/api/dead-letters/${id}/replay`, 'analyst', { reason: 'again' })).status).toBe(409);
    const [row] = audit.list({ action: 'dead_letter.replay', targetId: id });
    expect(row).toMatchObject({
      actor: 'analyst-user',
      reason: 'the lot is fixed',
      target: { kind: 'dead_letter', id },
    });
    expect(audit.list({ action: 'dead_letter.replay', targetId: id })).toHaveLength(1);
  });

  it('replays many at once and answers per dead letter; discards with a reason', async () => {
    const a = await parkOne('L-3');
    const b = await parkOne('L-4');
    const bulk = (await (
      await call('POST', '/api/dead-letters/replay', 'admin', { ids: [a, '999999'], reason: 'bulk replay' })
    ).json()) as { results: Array<{ id: string; status: string }> };
    expect(bulk.results.map((r) => r.status)).toEqual(['replayed', 'refused']);
    const discarded = await call('POST', `/api/dead-letters/${b}/discard`, 'analyst', { reason: 'test lot, not real' });
    expect(discarded.status).toBe(200);
    const open = (await (await call('GET', '/api/dead-letters?status=open', 'viewer')).json()) as {
      deadLetters: Array<{ id: string }>;
    };
    expect(open.deadLetters.map((d) => d.id)).not.toContain(b);
  });

  it('refuses malformed JSON, a wrong content type and an oversize body with 4xx problem+json', async () => {
    const id = await parkOne('L-5');
    const malformed = await call('POST', `/api/dead-letters/${id}/replay`, 'analyst', '{"reason": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'MALFORMED_JSON' });
    const text = await call('POST', `/api/dead-letters/${id}/replay`, 'analyst', 'reason=x', 'text/plain');
    expect(text.status).toBe(415);
    const huge = await call('POST', `/api/dead-letters/${id}/replay`, 'analyst', { reason: 'x'.repeat(2_000_000) });
    expect(huge.status).toBe(413);
    expect((await call('GET', '/api/nothing-here', 'viewer')).status).toBe(404);
    const letter = (await (await call('GET', `/api/dead-letters/${id}`, 'viewer')).json()) as { status: string };
    expect(letter.status).toBe('open');
  });

  it('serves the catalog and the canonical schemas, and sets security headers and a request id', async () => {
    const res = await call('GET', '/api/node-types', 'viewer');
    expect(res.headers.get('content-security-policy')).toMatch(/worker-src 'self' blob:/);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await res.json()) as { nodes: unknown[] }).nodes.length).toBeGreaterThan(20);
    const schema = await call('GET', '/api/canonical/canonical:BatchCompletion@1', 'viewer');
    expect(((await schema.json()) as { ref: string }).ref).toBe('canonical:BatchCompletion@1');
  });

  it('documents every mounted route in OpenAPI 3.1 with its role', () => {
    const doc = openApiDocument(routes, '0.1.0') as {
      openapi: string;
      paths: Record<string, Record<string, { 'x-role'?: string }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of routes) {
      const op = doc.paths[r.path.replace(/:([A-Za-z_]+)/g, '{$1}')]?.[r.method];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op!['x-role']).toBe(r.access);
    }
  });
});
