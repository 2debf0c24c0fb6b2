import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from 'express';
import { pino } from 'pino';
import type { Flow } from '@millrace/flow-model';
import { startRuntime, type Runtime } from '@millrace/runtime';
import type { Authenticator, RouteDef } from '../api.ts';
import { createApp } from '../app.ts';
import { Audit, AUDIT_MIGRATIONS, auditDigest } from '../audit/index.ts';
import { openServerDb, type ServerDb } from '../db.ts';
import { openApiDocument } from '../openapi.ts';
import { unauthorized } from '../problem.ts';
import type { Principal, Role } from '../roles.ts';
import { APPROVAL_MIGRATIONS, approvalRoutes } from './index.ts';
import { SignatureLimiter } from './limiter.ts';

/**
 * Approvals on a real runtime and real SQLite. The auth module is stood in for (its own tests
 * cover it): the bearer token is `<role>` or `<role>:<user>`, and a user's password is `pw-<user>`.
 */
const testAuth: Authenticator = {
  principal(req: Request): Principal | undefined {
    const header = req.get('authorization');
    if (!header) return undefined;
    const m = /^Bearer (viewer|analyst|approver|admin)(?::([a-z]+))?$/.exec(header);
    if (!m) throw unauthorized('that token is not valid');
    const user = m[2] ?? m[1]!;
    return { userId: `u-${user}`, username: user, role: m[1] as Role, via: 'token' };
  },
};
const passwordOf = (token: string) => `pw-${token.split(':')[1] ?? token}`;

const flow = {
  schemaVersion: 1,
  id: 'release',
  name: 'Batch release',
  version: '1.0.0',
  settings: { businessKeys: { lot: 'msg.payload.lot' } },
  nodes: [
    { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'batch' } },
    {
      id: 'qa',
      type: 'approval',
      version: 1,
      config: { meaning: 'batch release', instructions: 'Check the certificate of analysis.' },
    },
    {
      id: 'released',
      type: 'map',
      version: 1,
      config: { source: 'return { released: msg.payload.input.lot, by: msg.payload.decision.signer };' },
    },
    { id: 'hold', type: 'dead-letter', version: 1, config: { reason: 'batch rejected', code: 'REJECTED' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'qa', port: 'in' } },
    { id: 'e2', from: { node: 'qa', port: 'approved' }, to: { node: 'released', port: 'in' } },
    { id: 'e3', from: { node: 'qa', port: 'rejected' }, to: { node: 'hold', port: 'in' } },
  ],
} as unknown as Flow;

// The same, but nobody signs within 1 ms: the run leaves by `timeout` (no edge: it ends).
const hasty = {
  ...flow,
  id: 'hasty',
  nodes: flow.nodes.map((n) => (n.id === 'qa' ? { ...n, config: { ...n.config, timeoutMs: 1 } } : n)),
} as Flow;

let dir: string;
let runtime: Runtime;
let server: Server;
let base: string;
let db: ServerDb;
let audit: Audit;
/** Set to make the next signal fail, as a crash between the signature and the signal would. */
let crashNextSignal = false;
let routes: RouteDef[];
const verified: Array<[string, string]> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-approvals-'));
  runtime = await startRuntime({
    dataDir: dir,
    flows: [flow, hasty],
    profile: { schemaVersion: 1, plant: 'P100', name: 'Test plant' },
  });
  db = openServerDb(join(dir, 'server.db'), [...AUDIT_MIGRATIONS, ...APPROVAL_MIGRATIONS]);
  audit = new Audit({ db });
  const engine = runtime.engine;
  routes = approvalRoutes({
    store: runtime.store,
    engine: {
      plan: (id, version) => engine.plan(id, version),
      signal: (channel, key, text, options) => {
        if (crashNextSignal) {
          crashNextSignal = false;
          return Promise.reject(new Error('the process died here'));
        }
        return engine.signal(channel, key, text, options);
      },
    },
    db,
    audit,
    verifyPassword: (userId, password) => {
      verified.push([userId, password]);
      return Promise.resolve(password === `pw-${userId.slice(2)}`);
    },
  });
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

const call = (method: string, path: string, token?: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

const sign = (runId: string, token: string, over: Record<string, unknown> = {}) =>
  call('POST', `/api/approvals/${runId}/qa/sign`, token, {
    decision: 'approved',
    password: passwordOf(token),
    meaning: 'batch release',
    reason: 'CoA within spec',
    ...over,
  });

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 250; i++) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts a run and waits until it waits at the approval. */
async function waitingRun(lot: string): Promise<string> {
  const { runId } = await runtime.engine.accept('release', { payloadText: JSON.stringify({ lot, qty: 10 }) });
  await until('the approval to wait', async () =>
    (await runtime.store.listWaiting({ channel: 'approval', limit: 1000 })).some((w) => w.runId === runId),
  );
  return String(runId);
}

const ended = (runId: string) =>
  until('the run to end', async () => {
    const run = await runtime.store.getRun(Number(runId));
    return run?.endedAt !== null && run?.status;
  });

const signatureRows = (runId: string) => db.prepare('SELECT * FROM signatures WHERE run_id = ?').all(Number(runId));

interface Pending {
  runId: string;
  nodeId: string;
  meaning: string;
  instructions: string;
  role: string;
  plant: string;
  businessKeys: unknown;
  waitingSince: string;
  input: unknown;
}

describe('approvals', () => {
  it('lists a pending approval with its meaning, instructions and the input that will be signed', async () => {
    const runId = await waitingRun('L-LIST');
    const res = await call('GET', '/api/approvals', 'viewer');
    expect(res.status).toBe(200);
    const { approvals } = (await res.json()) as { approvals: Pending[] };
    const mine = approvals.find((a) => a.runId === runId);
    expect(mine).toMatchObject({
      nodeId: 'qa',
      flow: 'release',
      plant: 'P100',
      meaning: 'batch release',
      instructions: 'Check the certificate of analysis.',
      role: 'approver',
      businessKeys: { lot: 'L-LIST' },
      input: { lot: 'L-LIST', qty: 10 },
    });
    expect(Date.parse(mine!.waitingSince)).not.toBeNaN();
    expect((await call('GET', '/api/approvals')).status).toBe(401);
  });

  it('lets neither a viewer nor an analyst sign', async () => {
    const runId = await waitingRun('L-ROLE');
    expect((await sign(runId, 'viewer')).status).toBe(403);
    expect((await sign(runId, 'analyst')).status).toBe(403);
    expect(signatureRows(runId)).toHaveLength(0);
  });

  it('refuses a wrong password with 401 and signs nothing; the attempt is audited without the password', async () => {
    const runId = await waitingRun('L-PW');
    const res = await sign(runId, 'approver:ann', { password: 'guess-1234' });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).not.toContain('guess-1234');
    expect(JSON.parse(text)).toMatchObject({ code: 'SIGNATURE_NOT_VERIFIED' });
    expect(verified).toContainEqual(['u-ann', 'guess-1234']);
    expect(signatureRows(runId)).toHaveLength(0);
    expect(audit.list({ action: 'approval.sign', targetId: runId })).toHaveLength(0);
    const [refused] = audit.list({ action: 'approval.sign_refused', targetId: runId });
    expect(refused).toMatchObject({ actor: 'ann', details: { nodeId: 'qa', why: 'wrong password' } });
    expect(JSON.stringify(refused)).not.toContain('guess-1234');
    expect((await runtime.store.getRun(Number(runId)))?.status).toBe('running');
  });

  it('refuses a password of the wrong type without echoing it', async () => {
    const runId = await waitingRun('L-TYPE');
    const res = await sign(runId, 'approver:ann', { password: 987654321987 });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('987654321987');
  });

  it('refuses a meaning that is not the node\u2019s with 422, and a short reason with 400', async () => {
    const runId = await waitingRun('L-MEAN');
    const res = await sign(runId, 'approver:ann', { meaning: 'reviewed' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'MEANING_MISMATCH', expected: 'batch release' });
    expect((await sign(runId, 'approver:ann', { reason: '   ok  ' })).status).toBe(400);
    expect((await sign(runId, 'approver:ann', { reason: 'no' })).status).toBe(400);
    expect(signatureRows(runId)).toHaveLength(0);
  });

  it('approves: the run goes down `approved` and succeeds; the signature links run, node, signer, meaning, reason and digest', async () => {
    const runId = await waitingRun('L-OK');
    const res = await sign(runId, 'approver:ann');
    expect(res.status).toBe(201);
    const sig = (await res.json()) as Record<string, unknown>;
    expect(sig).toMatchObject({
      runId,
      nodeId: 'qa',
      flow: 'release',
      version: '1.0.0',
      plant: 'P100',
      userId: 'u-ann',
      username: 'ann',
      printedName: 'ann',
      role: 'approver',
      meaning: 'batch release',
      decision: 'approved',
      reason: 'CoA within spec',
      recordDigest: auditDigest({ lot: 'L-OK', qty: 10 }),
    });
    expect(sig.deliveredAt).not.toBeNull();
    expect(JSON.stringify(sig)).not.toContain('pw-ann');
    expect(await ended(runId)).toBe('succeeded');
    const steps = await runtime.store.listSteps(Number(runId));
    const released = steps.find((s) => s.nodeId === 'released')!;
    const input = JSON.parse(released.payloadText) as { decision: Record<string, unknown> };
    expect(input.decision).toMatchObject({ decision: 'approved', signer: 'ann', signatureId: sig.id });
    expect(steps.some((s) => s.nodeId === 'hold')).toBe(false);

    const list = (await (await call('GET', `/api/runs/${runId}/signatures`, 'viewer')).json()) as {
      signatures: Array<{ id: string }>;
    };
    expect(list.signatures.map((s) => s.id)).toEqual([sig.id]);
    const [row] = audit.list({ action: 'approval.sign', targetId: runId });
    expect(row).toMatchObject({
      actor: 'ann',
      actorRole: 'approver',
      reason: 'CoA within spec',
      target: { kind: 'run', id: runId },
      details: { signatureId: sig.id, nodeId: 'qa', decision: 'approved', meaning: 'batch release' },
    });
    expect(audit.verify().ok).toBe(true);
    const pending = (await (await call('GET', '/api/approvals', 'viewer')).json()) as { approvals: Pending[] };
    expect(pending.approvals.some((a) => a.runId === runId)).toBe(false);
  });

  it('rejects: the run goes down `rejected`', async () => {
    const runId = await waitingRun('L-NO');
    const res = await sign(runId, 'approver:ann', { decision: 'rejected', reason: 'assay out of spec' });
    expect(res.status).toBe(201);
    expect(await ended(runId)).toBe('dead_lettered');
    const steps = await runtime.store.listSteps(Number(runId));
    expect(steps.some((s) => s.nodeId === 'hold')).toBe(true);
    expect(steps.some((s) => s.nodeId === 'released')).toBe(false);
  });

  it('signed twice: another signer or another decision is a 409; the same signature again is re-sent (200), nothing new', async () => {
    const runId = await waitingRun('L-TWICE');
    const first = (await (await sign(runId, 'approver:ann')).json()) as { id: string };
    expect((await sign(runId, 'approver:bob')).status).toBe(409);
    expect((await sign(runId, 'approver:ann', { decision: 'rejected' })).status).toBe(409);
    const again = await sign(runId, 'approver:ann');
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(first.id);
    expect(signatureRows(runId)).toHaveLength(1);
    expect(audit.list({ action: 'approval.sign', targetId: runId })).toHaveLength(1);
    expect(await ended(runId)).toBe('succeeded');
  });

  it('keeps the signature and audit row when the process dies before the signal; the retry continues the run', async () => {
    const runId = await waitingRun('L-CRASH');
    crashNextSignal = true;
    expect((await sign(runId, 'approver:ann')).status).toBe(500);
    expect(signatureRows(runId)).toMatchObject([{ delivered_at: null, user_id: 'u-ann' }]);
    expect(audit.list({ action: 'approval.sign', targetId: runId })).toHaveLength(1);
    expect((await runtime.store.getRun(Number(runId)))?.status).toBe('running');
    const retry = await sign(runId, 'approver:ann');
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { deliveredAt: string | null }).deliveredAt).not.toBeNull();
    expect(await ended(runId)).toBe('succeeded');
    expect(audit.list({ action: 'approval.sign', targetId: runId })).toHaveLength(1);
  });

  it('lists an approval signed but not delivered with its signature, so the signer can retry', async () => {
    const runId = await waitingRun('L-HALF');
    crashNextSignal = true;
    expect((await sign(runId, 'approver:ann')).status).toBe(500);
    const { approvals } = (await (await call('GET', '/api/approvals', 'viewer')).json()) as {
      approvals: Array<{ runId: string; signature: { username: string; deliveredAt: null } | null }>;
    };
    expect(approvals.find((a) => a.runId === runId)?.signature).toMatchObject({ username: 'ann', deliveredAt: null });
    expect((await sign(runId, 'approver:ann')).status).toBe(200);
    expect(await ended(runId)).toBe('succeeded');
  });

  it('answers 409 for a run that waits for no decision and 404 for no such run or node; an admin may sign', async () => {
    const runId = await waitingRun('L-ADMIN');
    expect(
      (
        await call('POST', `/api/approvals/${runId}/nope/sign`, 'admin', {
          decision: 'approved',
          password: 'pw-admin',
          meaning: 'batch release',
          reason: 'checked it',
        })
      ).status,
    ).toBe(404);
    expect((await sign('999', 'admin')).status).toBe(404);
    expect((await sign(runId, 'admin')).status).toBe(201);
    expect(await ended(runId)).toBe('succeeded');
    // Decided by ann already: admin's signature is refused, it does not replace hers.
    const other = await waitingRun('L-DONE');
    await sign(other, 'approver:ann');
    await ended(other);
    expect((await sign(other, 'admin')).status).toBe(409);
    expect((await call('GET', '/api/runs/999/signatures', 'viewer')).status).toBe(404);
  });

  it('answers 409 when the approval no longer waits (timed out), and signs nothing', async () => {
    const { runId } = await runtime.engine.accept('hasty', { payloadText: '{"lot":"L-LATE"}' });
    expect(await ended(String(runId))).toBe('succeeded');
    const res = await call('POST', `/api/approvals/${runId}/qa/sign`, 'approver:ann', {
      decision: 'approved',
      password: 'pw-ann',
      meaning: 'batch release',
      reason: 'too late',
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/not waiting/);
    expect(signatureRows(String(runId))).toHaveLength(0);
  });

  it('answers 429 to the 6th attempt after 5 wrong passwords in the window, even with the right one', async () => {
    const runId = await waitingRun('L-LOCK');
    for (let i = 0; i < 5; i++)
      expect((await sign(runId, 'approver:mal', { password: `wrong-${i}` })).status).toBe(401);
    const locked = await sign(runId, 'approver:mal');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(signatureRows(runId)).toHaveLength(0);
    // Another signer is not locked out by mal's guesses.
    expect((await sign(runId, 'approver:ann')).status).toBe(201);
  });

  it('keeps signatures as signed: the table refuses edits and deletes', async () => {
    const runId = await waitingRun('L-KEEP');
    await sign(runId, 'approver:ann');
    expect(() => db.prepare("UPDATE signatures SET decision = 'rejected' WHERE run_id = ?").run(Number(runId))).toThrow(
      /cannot be changed/,
    );
    expect(() => db.prepare('DELETE FROM signatures WHERE run_id = ?').run(Number(runId))).toThrow(/permanent/);
  });
});

describe('the approval routes', () => {
  it('are documented in OpenAPI with their roles; the password field has no type to echo', () => {
    const doc = openApiDocument(routes, '0.1.0') as {
      paths: Record<string, Record<string, { 'x-role'?: string }>>;
    };
    expect(doc.paths['/api/approvals']?.get?.['x-role']).toBe('viewer');
    expect(doc.paths['/api/approvals/{runId}/{nodeId}/sign']?.post?.['x-role']).toBe('approver');
    expect(doc.paths['/api/runs/{id}/signatures']?.get?.['x-role']).toBe('viewer');
    expect(JSON.stringify(doc)).not.toMatch(/"password":\{[^}]*"type"/);
  });
});

describe('SignatureLimiter', () => {
  it('frees a slot when the oldest failure leaves the window, and forgets a user on success', () => {
    let t = 0;
    const limiter = new SignatureLimiter({ maxFailures: 2, windowMs: 1000 }, () => t);
    expect(limiter.attempt('u')).toBeUndefined();
    t = 500;
    expect(limiter.attempt('u')).toBeUndefined();
    expect(limiter.attempt('u')).toBe(1);
    t = 1001;
    expect(limiter.attempt('u')).toBeUndefined();
    limiter.succeeded('u');
    expect(limiter.attempt('u')).toBeUndefined();
  });
});
