import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startServer, type MillraceServer } from '../server.ts';

/**
 * A flow's life over the API: drafts saved as they are (autosave), concurrent edits caught,
 * publish only when it validates and its test cases pass, immutable versions, a semantic diff,
 * deprecate and retire — each publish and status change in the audit log.
 */
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const FLOW = JSON.parse(
  readFileSync(join(ROOT, 'examples/batch-release/flows/qms-decisions.flow.json'), 'utf8'),
) as Record<string, unknown>;
const TESTS = JSON.parse(
  readFileSync(join(ROOT, 'examples/batch-release/flows/qms-decisions.tests.json'), 'utf8'),
) as Record<string, unknown>;
delete TESTS.profile;

let dir: string;
let server: MillraceServer;
let cookie: string;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-lifecycle-'));
  server = await startServer({
    dataDir: dir,
    port: 0,
    env: {
      MILLRACE_ADMIN_PASSWORD: 'lifecycle admin password',
      QMS_WEBHOOK_SECRET: 'x',
      // The secrets examples/batch-release/profiles/P100.json names.
      ERP_P100_PASSWORD: 'a',
      QMS_P100_CLIENT_SECRET: 'b',
      MES_P100_API_KEY: 'c',
      MES_P100_MQTT_PASSWORD: 'd',
    },
    log: pino({ level: 'silent' }),
  });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'lifecycle admin password' }),
  });
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the life of a flow', () => {
  it('saves a draft even with problems, returns them, and refuses a save based on a stale revision', async () => {
    const broken = {
      ...FLOW,
      edges: [{ id: 'e1', from: { node: 'webhook', port: 'out' }, to: { node: 'ghost', port: 'in' } }],
    };
    const first = await call('PUT', '/api/flows/qms-decisions/draft', { flow: broken });
    expect(first.status).toBe(200);
    expect(first.json.revision).toBe(1);
    const validated = await call('POST', '/api/flows/qms-decisions/validate');
    expect(validated.json.valid).toBe(false);
    expect(JSON.stringify(validated.json.problems)).toContain('ghost');
    // Not even JSON-shaped like a flow: still saved (autosave), with the structural problems.
    const shapeless = await call('PUT', '/api/flows/scratch/draft', { flow: { id: 'scratch', nodes: 'later' } });
    expect(shapeless.status).toBe(200);
    expect((shapeless.json.problems as unknown[]).length).toBeGreaterThan(0);
    const stale = await call('PUT', '/api/flows/qms-decisions/draft', { flow: FLOW, revision: 0 });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ code: 'DRAFT_CHANGED', revision: 1 });
    expect((await call('PUT', '/api/flows/other/draft', { flow: FLOW })).status).toBe(400);
    // Both drafts are listed (by name where the draft has one), without their content.
    const listed = (await call('GET', '/api/drafts')).json.drafts as Array<Record<string, unknown>>;
    expect([...listed].sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual([
      { id: 'qms-decisions', name: FLOW.name, revision: 1, updatedBy: 'admin', updatedAt: expect.any(String) },
      { id: 'scratch', name: null, revision: 1, updatedBy: 'admin', updatedAt: expect.any(String) },
    ]);
    const invalid = await call('POST', '/api/flows/qms-decisions/publish', {
      version: '1.0.0',
      changeNote: 'first release',
    });
    expect(invalid.status).toBe(422);
    expect(invalid.json.code).toBe('FLOW_INVALID');
    expect((await call('GET', '/api/flows')).json.flows).toEqual([]);
  });

  it('refuses to publish when a test case fails, and publishes when they pass', async () => {
    const failing = structuredClone(TESTS) as { cases: Array<{ expect: { skips?: string[]; visits?: string[] } }> };
    failing.cases[0]!.expect.skips = ['wake'];
    await call('PUT', '/api/flows/qms-decisions/draft', { flow: FLOW, tests: failing, revision: 1 });
    const refused = await call('POST', '/api/flows/qms-decisions/publish', {
      version: '1.0.0',
      changeNote: 'first release',
    });
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('FLOW_TESTS_FAILED');
    expect(JSON.stringify(refused.json.cases)).toContain('node \\"wake\\" ran, expected it not to');

    await call('PUT', '/api/flows/qms-decisions/draft', { flow: FLOW, tests: TESTS, revision: 2 });
    const published = await call('POST', '/api/flows/qms-decisions/publish', {
      version: '1.0.0',
      changeNote: 'first release',
    });
    expect(published.status).toBe(201);
    expect(published.json).toMatchObject({
      id: 'qms-decisions',
      version: '1.0.0',
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const again = await call('POST', '/api/flows/qms-decisions/publish', { version: '1.0.0', changeNote: 'again' });
    expect(again.status).toBe(409);
    const older = await call('POST', '/api/flows/qms-decisions/publish', { version: '0.9.0', changeNote: 'older' });
    expect(older.status).toBe(409);
  });

  it('diffs two versions, and a version with the draft', async () => {
    const changed = {
      ...FLOW,
      nodes: (FLOW.nodes as Array<Record<string, unknown>>).map((n) =>
        n.id === 'wake' ? { ...n, name: 'Wake the batch' } : n,
      ),
    };
    await call('PUT', '/api/flows/qms-decisions/draft', { flow: changed, tests: TESTS });
    const toDraft = await call('GET', '/api/flows/qms-decisions/diff?from=1.0.0&to=draft');
    expect((toDraft.json.nodes as { changed: Array<{ id: string }> }).changed.map((c) => c.id)).toEqual(['wake']);
    expect(
      (await call('POST', '/api/flows/qms-decisions/publish', { version: '1.1.0', changeNote: 'clearer name' })).status,
    ).toBe(201);
    const between = await call('GET', '/api/flows/qms-decisions/diff?from=1.0.0&to=1.1.0');
    expect((between.json.nodes as { changed: Array<{ id: string }> }).changed.map((c) => c.id)).toEqual(['wake']);
    expect((await call('GET', '/api/flows/qms-decisions/diff?from=1.0.0&to=9.9.9')).status).toBe(404);
  });

  it('deprecates, then retires, a version with a reason, and audits publish and status changes', async () => {
    expect((await call('POST', '/api/flows/qms-decisions/versions/1.0.0/retire', { reason: 'too early' })).status).toBe(
      409,
    );
    expect(
      (await call('POST', '/api/flows/qms-decisions/versions/1.0.0/deprecate', { reason: '1.1.0 replaces it' })).json,
    ).toMatchObject({
      status: 'deprecated',
    });
    expect(
      (await call('POST', '/api/flows/qms-decisions/versions/1.0.0/retire', { reason: 'no plant runs it' })).status,
    ).toBe(200);
    const versions = (await call('GET', '/api/flows?id=qms-decisions')).json.flows as Array<{
      versions: Array<{ version: string; status: string }>;
    }>;
    expect(versions[0]!.versions.map((v) => `${v.version}:${v.status}`).sort()).toEqual([
      '1.0.0:retired',
      '1.1.0:published',
    ]);
    const actions = server.audit.list({ action: 'flow.*' }).map((r) => `${r.action} ${r.target.id}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'flow.publish qms-decisions@1.0.0',
        'flow.publish qms-decisions@1.1.0',
        'flow.deprecate qms-decisions@1.0.0',
        'flow.retire qms-decisions@1.0.0',
      ]),
    );
    expect(server.audit.list({ action: 'flow.draft.save', targetId: 'qms-decisions' }).length).toBeGreaterThanOrEqual(
      3,
    );
    expect(server.audit.verify().ok).toBe(true);
  });

  it("test-runs the draft: its own cases, or cases sent along, each with every node's input and output", async () => {
    await call('PUT', '/api/flows/qms-decisions/draft', { flow: FLOW, tests: TESTS });
    const own = await call('POST', '/api/flows/qms-decisions/test-run', {});
    expect(own.status).toBe(200);
    const cases = own.json.cases as Array<{
      name: string;
      ok: boolean;
      trace: { steps: Array<{ node: string; input: unknown }> };
    }>;
    expect(own.json.ok).toBe(true);
    expect(cases.map((c) => c.ok)).toEqual([true, true]);
    expect(cases[0]!.trace.steps.find((st) => st.node === 'kind')!.input).toMatchObject({ type: 'inspection.decided' });
    const sent = await call('POST', '/api/flows/qms-decisions/test-run', {
      cases: [
        {
          name: 'a decision that should not wake anything',
          event: { eventId: 'e', type: 'inspection.decided', data: { id: 'I-1' } },
          expect: { skips: ['wake'] },
        },
      ],
    });
    expect(sent.json.ok).toBe(false);
    expect((sent.json.cases as Array<{ failures: string[] }>)[0]!.failures.join()).toMatch(/node "wake" ran/);
    const bad = await call('POST', '/api/flows/qms-decisions/test-run', {
      cases: [{ name: 'x', expect: { visits: ['nowhere'] } }],
    });
    expect(bad).toMatchObject({ status: 422, json: { code: 'FLOW_TESTS_INVALID' } });
  });

  it('answers 422, not a crash, when a diff meets a draft that is not a flow yet', async () => {
    await call('PUT', '/api/flows/qms-decisions/draft', { flow: { id: 'qms-decisions', nodes: 'later' } });
    const diff = await call('GET', '/api/flows/qms-decisions/diff?from=1.0.0&to=draft');
    expect(diff).toMatchObject({ status: 422, json: { code: 'FLOW_INVALID' } });
  });

  it('publishes with the test cases run against the plant their profile file names, once that plant is installed', async () => {
    const read = (f: string) => JSON.parse(readFileSync(join(ROOT, 'examples/batch-release', f), 'utf8')) as unknown;
    const tests = read('flows/batch-release.tests.json') as { profile: string };
    expect(tests.profile).toBe('../profiles/P100.json');
    await call('PUT', '/api/flows/batch-release/draft', { flow: read('flows/batch-release.flow.json'), tests });
    // Without P100 here, the cases' canned answers at P100's base paths do not match.
    const without = await call('POST', '/api/flows/batch-release/publish', { version: '1.0.0', changeNote: 'first' });
    expect(without.status).toBe(422);
    expect(without.json.code).toBe('FLOW_TESTS_FAILED');
    const unknown = await call('POST', '/api/flows/batch-release/publish', {
      version: '1.0.0',
      changeNote: 'first',
      plant: 'P999',
    });
    expect(unknown.status).toBe(404);
    const installed = await call('PUT', '/api/plants/P100', {
      profile: read('profiles/P100.json'),
      reason: 'the plant the cases are written for',
    });
    expect(installed.status, JSON.stringify(installed.json)).toBe(201);
    const published = await call('POST', '/api/flows/batch-release/publish', { version: '1.0.0', changeNote: 'first' });
    expect(published.status, JSON.stringify(published.json)).toBe(201);
  });

  it("test-runs live against a plant's local systems (a simulator), and refuses a plant bound to a remote one", async () => {
    const received: Array<{ method: string; url: string; body: string }> = [];
    const sim = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, body });
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"stored":true}');
      });
    });
    await new Promise<void>((r) => sim.listen(0, '127.0.0.1', r));
    try {
      const port = (sim.address() as AddressInfo).port;
      const plant = (code: string, baseUrl: string) => ({
        profile: {
          schemaVersion: 1,
          plant: code,
          name: `Plant ${code}`,
          connections: { sink: { type: 'http', baseUrl, auth: { kind: 'none' } } },
        },
        reason: 'a plant for live test runs',
      });
      expect((await call('PUT', '/api/plants/P900', plant('P900', `http://127.0.0.1:${port}`))).status).toBe(201);
      expect((await call('PUT', '/api/plants/P901', plant('P901', 'https://erp.example.com'))).status).toBe(201);
      const flow = {
        schemaVersion: 1,
        id: 'live-check',
        name: 'Live check',
        version: '0.1.0',
        connections: { sink: { type: 'http' } },
        nodes: [
          { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'in' } },
          {
            id: 'send',
            type: 'http.request',
            version: 1,
            connection: 'sink',
            config: { method: 'POST', path: '/things', body: 'msg.payload' },
          },
        ],
        edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'send', port: 'in' } }],
      };
      await call('PUT', '/api/flows/live-check/draft', { flow });
      const cases = [{ name: 'one lot to the simulator', event: { lot: 'L-1' }, expect: { status: 'succeeded' } }];
      const live = await call('POST', '/api/flows/live-check/test-run', { cases, plant: 'P900', live: true });
      expect(live.status, JSON.stringify(live.json)).toBe(200);
      const [result] = live.json.cases as Array<{
        ok: boolean;
        status: string;
        trace: { steps: Array<{ node: string }> };
        recorded: Record<string, unknown[]>;
      }>;
      expect(result).toMatchObject({ ok: true, status: 'succeeded' });
      // What the system answered, recorded as canned answers a test case can keep.
      expect(result!.recorded).toEqual({
        sink: [
          { request: { method: 'POST', path: '/things' }, response: { status: 201, json: { stored: true } }, times: 1 },
        ],
      });
      expect(result!.trace.steps.map((st) => st.node)).toContain('send');
      // The request reached the plant's system itself, not a canned answer.
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ method: 'POST', url: '/things' });
      expect(JSON.parse(received[0]!.body)).toEqual({ lot: 'L-1' });

      const remote = await call('POST', '/api/flows/live-check/test-run', { cases, plant: 'P901', live: true });
      expect(remote.status).toBe(422);
      expect(remote.json).toMatchObject({ code: 'LIVE_NOT_LOCAL' });
      expect(String(remote.json.detail)).toContain('erp.example.com');
      const noPlant = await call('POST', '/api/flows/live-check/test-run', { cases, live: true });
      expect(noPlant.status).toBe(400);
      expect(received).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => sim.close(() => r()));
    }
  });
});
