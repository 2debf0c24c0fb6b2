import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startServer, type MillraceServer } from '../server.ts';

/**
 * Deploying: the server starts with a pack imported and deployed to its plant, and a newly
 * published version deployed over the API takes the next event at once, without a restart.
 */
const flow = (version: string, note: string) => ({
  schemaVersion: 1,
  id: 'echo',
  name: 'Echo',
  version,
  nodes: [
    { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'in' } },
    { id: 'tag', type: 'map', version: 1, config: { source: `return { note: '${note}', lot: msg.payload.lot };` } },
  ],
  edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'tag', port: 'in' } }],
});

let dir: string;
let server: MillraceServer;
let cookie: string;

function writePack(folder: string): void {
  const files: Record<string, string> = {
    'flows/echo.flow.json': JSON.stringify(flow('1.0.0', 'first'), null, 2),
    'profiles/P100.json': JSON.stringify({ schemaVersion: 1, plant: 'P100', name: 'Plant 100' }, null, 2),
  };
  const sha256 = Object.fromEntries(
    Object.entries(files).map(([p, t]) => [p, createHash('sha256').update(t).digest('hex')]),
  );
  files['pack.json'] = JSON.stringify({
    schemaVersion: 1,
    name: 'echo',
    version: '1.0.0',
    flows: ['flows/echo.flow.json'],
    profiles: ['profiles/P100.json'],
    requires: { nodes: { 'trigger.webhook': '^1', map: '^1' } },
    sha256,
  });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
}

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
};

async function send(lot: string): Promise<{ version: string; note: string }> {
  const res = await fetch(`${server.url}/hooks/echo/in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lot }),
  });
  const { runId } = (await res.json()) as { runId: string };
  for (let i = 0; i < 100; i++) {
    const run = (await call('GET', `/api/runs/${runId}`)).json as {
      status: string;
      flow: { version: string };
      steps: Array<{ node: string; output: unknown }>;
    };
    if (run.status === 'succeeded') {
      const out = run.steps.find((s) => s.node === 'tag')!.output as { out: Array<{ note: string }> };
      return { version: run.flow.version, note: out.out[0]!.note };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`run ${runId} did not end`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-deploy-'));
  writePack(join(dir, 'pack'));
  server = await startServer({
    dataDir: join(dir, 'data'),
    port: 0,
    pack: join(dir, 'pack'),
    plant: 'P100',
    env: { MILLRACE_ADMIN_PASSWORD: 'deploy admin password' },
    log: pino({ level: 'silent' }),
  });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'deploy admin password' }),
  });
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deployments', () => {
  it('starts with the pack imported and deployed to its plant, audited as the system', async () => {
    const d = (await call('GET', '/api/plants/P100/deployments')).json;
    expect(d).toMatchObject({
      plant: 'P100',
      running: true,
      deployments: [{ flowId: 'echo', version: '1.0.0', deployedBy: 'system' }],
    });
    expect(await send('L-1')).toEqual({ version: '1.0.0', note: 'first' });
    expect(server.audit.list({ action: 'pack.import' })[0]).toMatchObject({
      actor: 'system',
      target: { id: 'echo@1.0.0' },
    });
  });

  it('deploys a newly published version at once: the next event runs on it', async () => {
    await call('PUT', '/api/flows/echo/draft', { flow: flow('1.1.0', 'second') });
    expect(
      (await call('POST', '/api/flows/echo/publish', { version: '1.1.0', changeNote: 'says second' })).status,
    ).toBe(201);
    const deployed = await call('POST', '/api/plants/P100/deployments', {
      flow: 'echo',
      version: '1.1.0',
      reason: 'roll out 1.1.0',
    });
    expect(deployed).toMatchObject({ status: 201, json: { running: true } });
    expect(await send('L-2')).toEqual({ version: '1.1.0', note: 'second' });
    expect(server.audit.list({ action: 'flow.deploy' })[0]).toMatchObject({ actor: 'admin', reason: 'roll out 1.1.0' });
    // The flow list says which version runs where.
    const listed = (await call('GET', '/api/flows')).json.flows as Array<Record<string, unknown>>;
    expect(listed.find((f) => f.id === 'echo')).toMatchObject({
      name: 'Echo',
      deployments: [{ plant: 'P100', version: '1.1.0' }],
    });
  });

  it('refuses an unknown plant, an unknown version and a retired one, changing nothing', async () => {
    expect((await call('POST', '/api/plants/P900/deployments', { flow: 'echo', version: '1.1.0' })).status).toBe(404);
    expect((await call('POST', '/api/plants/P100/deployments', { flow: 'echo', version: '9.0.0' })).status).toBe(404);
    await call('POST', '/api/flows/echo/versions/1.0.0/deprecate', { reason: 'replaced by 1.1.0' });
    expect((await call('POST', '/api/plants/P100/deployments', { flow: 'echo', version: '1.0.0' })).status).toBe(409);
    const d = (await call('GET', '/api/plants/P100/deployments')).json as { deployments: Array<{ version: string }> };
    expect(d.deployments.map((x) => x.version)).toEqual(['1.1.0']);
  });

  it("sets a plant's profile when it validates and its secrets are set, and says the running plant needs a restart", async () => {
    const profile = { schemaVersion: 1, plant: 'P100', name: 'Plant 100 (Hamburg)' };
    expect(await call('PUT', '/api/plants/P100', { profile, reason: 'full name' })).toMatchObject({
      status: 200,
      json: { plant: 'P100', restartNeeded: true },
    });
    expect(
      (await call('PUT', '/api/plants/P300', { profile: { ...profile, plant: 'P300', name: 'Plant 300' } })).status,
    ).toBe(201);
    const withSecret = {
      ...profile,
      connections: {
        api: {
          type: 'http',
          baseUrl: 'http://127.0.0.1:9',
          auth: { kind: 'bearer', token: { secret: 'NOT_SET_ANYWHERE' } },
        },
      },
    };
    const missing = await call('PUT', '/api/plants/P100', { profile: withSecret });
    expect(missing).toMatchObject({ status: 422, json: { code: 'SECRETS_MISSING' } });
    expect((await call('PUT', '/api/plants/P100', { profile: { ...profile, timezone: 7 } })).json.code).toBe(
      'PROFILE_INVALID',
    );
    expect((await call('PUT', '/api/plants/P200', { profile })).status).toBe(400);
    const plants = (await call('GET', '/api/plants')).json.plants as Array<{ code: string; name: string }>;
    expect(plants.map((p) => `${p.code}:${p.name}`)).toEqual(['P100:Plant 100 (Hamburg)', 'P300:Plant 300']);
    expect(server.audit.list({ action: 'plant.*' }).map((r) => `${r.action} ${r.target.id}`)).toEqual([
      'plant.create P300',
      'plant.update P100',
    ]);
  });
});
