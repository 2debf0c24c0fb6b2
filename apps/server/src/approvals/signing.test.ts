import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Flow } from '@millrace/flow-model';
import { startServer, type MillraceServer } from '../server.ts';

/**
 * An approver signs a batch release on the real server: real users and passwords (the signature
 * is the login plus the password typed again), the approval waiting in a real run, the run
 * going on once signed, and the signature and audit record linked to it.
 */
const flow = {
  schemaVersion: 1,
  id: 'release',
  name: 'Batch release',
  version: '1.0.0',
  settings: { businessKeys: { lot: 'msg.payload.lot' } },
  nodes: [
    { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'batch' } },
    { id: 'qa', type: 'approval', version: 1, config: { meaning: 'batch release' } },
    { id: 'released', type: 'map', version: 1, config: { source: 'return { released: msg.payload.input.lot };' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'qa', port: 'in' } },
    { id: 'e2', from: { node: 'qa', port: 'approved' }, to: { node: 'released', port: 'in' } },
  ],
} as unknown as Flow;

let dir: string;
let server: MillraceServer;

async function login(username: string, password: string): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}
const call = async (cookie: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-signing-'));
  server = await startServer({
    dataDir: dir,
    port: 0,
    flows: [flow],
    profile: { schemaVersion: 1, plant: 'P100', name: 'Plant 100' },
    env: { MILLRACE_ADMIN_PASSWORD: 'signing admin password' },
    log: pino({ level: 'silent' }),
  });
  const admin = await login('admin', 'signing admin password');
  expect(
    (await call(admin, 'POST', '/api/users', { username: 'qa-lead', role: 'approver', password: 'qa lead password 1' }))
      .status,
  ).toBe(201);
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('signing an approval on the server', () => {
  it('asks for the password again, then releases the batch and links the signature to the run', async () => {
    const hook = await fetch(`${server.url}/hooks/release/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lot: 'L-77' }),
    });
    expect(hook.status).toBe(202);
    const { runId } = (await hook.json()) as { runId: string };
    const qa = await login('qa-lead', 'qa lead password 1');
    let pending: Array<{ runId: string; meaning: string }> = [];
    for (let i = 0; i < 50 && pending.length === 0; i++) {
      pending = ((await call(qa, 'GET', '/api/approvals')).json.approvals ?? []) as typeof pending;
      if (pending.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(pending).toMatchObject([{ runId, meaning: 'batch release' }]);
    const sign = (password: string) =>
      call(qa, 'POST', `/api/approvals/${runId}/qa/sign`, {
        decision: 'approved',
        password,
        meaning: 'batch release',
        reason: 'CoA checked',
      });
    expect((await sign('not my password')).status).toBe(401);
    expect((await sign('qa lead password 1')).status).toBe(201);
    let status = '';
    for (let i = 0; i < 50 && status !== 'succeeded'; i++) {
      status = String((await call(qa, 'GET', `/api/runs/${runId}`)).json.status);
      if (status !== 'succeeded') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('succeeded');
    const signatures = (await call(qa, 'GET', `/api/runs/${runId}/signatures`)).json.signatures as Array<
      Record<string, unknown>
    >;
    expect(signatures).toMatchObject([
      { username: 'qa-lead', meaning: 'batch release', decision: 'approved', reason: 'CoA checked' },
    ]);
    expect(server.audit.list({ action: 'approval.sign' })).toHaveLength(1);
  });
});
