import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startServer, type MillraceServer } from '../server.ts';
import { readPackFiles } from './bootstrap.ts';

/**
 * Pack import as an admin does it (issue 6): a dry run first, then the import, all or nothing;
 * a tampered digest, a missing secret, an invalid profile or a changed published version is
 * refused, nothing changes, and the refusal is in the audit log.
 */
const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const PACK = join(ROOT, 'examples/batch-release');
const SECRETS = {
  ERP_P100_PASSWORD: 'a',
  ERP_P200_CLIENT_SECRET: 'b',
  QMS_P100_CLIENT_SECRET: 'c',
  QMS_P200_CLIENT_SECRET: 'd',
  MES_P100_API_KEY: 'e',
  MES_P200_API_KEY: 'f',
  MES_P100_MQTT_PASSWORD: 'g',
  MES_P200_MQTT_PASSWORD: 'h',
  QMS_WEBHOOK_SECRET: 'i',
};

let dir: string;
let server: MillraceServer;
let cookie: string;

/** What `millrace pack seal` does: the digests of the listed files, written into pack.json. */
function seal(files: Record<string, string>): Record<string, string> {
  const manifest = JSON.parse(files['pack.json']!) as {
    flows: string[];
    profiles?: string[];
    tests?: string[];
    sha256: Record<string, string>;
  };
  manifest.sha256 = {};
  for (const path of [...manifest.flows, ...(manifest.profiles ?? []), ...(manifest.tests ?? [])])
    manifest.sha256[path] = createHash('sha256').update(files[path]!).digest('hex');
  return { ...files, 'pack.json': JSON.stringify(manifest, null, 2) };
}

const edit = (files: Record<string, string>, path: string, change: (doc: Record<string, unknown>) => void) => {
  const doc = JSON.parse(files[path]!) as Record<string, unknown>;
  change(doc);
  return { ...files, [path]: JSON.stringify(doc, null, 2) };
};

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const installed = async () => ({
  flows: (await call('GET', '/api/flows')).json.flows,
  plants: ((await call('GET', '/api/plants')).json.plants as Array<{ code: string; profile: unknown }>).map((p) => [
    p.code,
    p.profile,
  ]),
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-packs-'));
  server = await startServer({
    dataDir: dir,
    port: 0,
    env: { MILLRACE_ADMIN_PASSWORD: 'packs admin password', ...SECRETS },
    log: pino({ level: 'silent' }),
  });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'packs admin password' }),
  });
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pack import', () => {
  it('shows what would change on a dry run and writes nothing', async () => {
    const dry = await call('POST', '/api/packs/import', { files: readPackFiles(PACK), dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({
      dryRun: true,
      pack: { name: 'batch-release', version: '1.0.0' },
      flows: [
        { flow: 'batch-release', version: '1.0.0', change: 'new' },
        { flow: 'qms-decisions', version: '1.0.0', change: 'new' },
      ],
      plants: [
        { plant: 'P100', change: 'new' },
        { plant: 'P200', change: 'new' },
      ],
    });
    expect(await installed()).toEqual({ flows: [], plants: [] });
  });

  it('imports all of it, then finds nothing to change on a second import, and exports it as imported', async () => {
    const files = readPackFiles(PACK);
    expect((await call('POST', '/api/packs/import', { files })).status).toBe(201);
    const after = await installed();
    expect(after.flows).toHaveLength(2);
    expect(after.plants.map(([code]) => code)).toEqual(['P100', 'P200']);
    const again = await call('POST', '/api/packs/import', { files, dryRun: true });
    expect(again.json.flows).toEqual([
      { flow: 'batch-release', version: '1.0.0', change: 'unchanged' },
      { flow: 'qms-decisions', version: '1.0.0', change: 'unchanged' },
    ]);
    const exported = await call('GET', '/api/packs/batch-release/1.0.0/export');
    expect(exported.json.files).toEqual(files);
    const audit = server.audit.list({ action: 'pack.import' });
    expect(audit[0]).toMatchObject({ target: { kind: 'pack', id: 'batch-release@1.0.0' }, actor: 'admin' });
  });

  it('shows a new version as a difference from the installed one', async () => {
    const files = seal(
      edit(readPackFiles(PACK), 'flows/batch-release.flow.json', (f) => {
        f.version = '1.1.0';
        (f.nodes as Array<{ id: string; name?: string }>).find((n) => n.id === 'hold')!.name = 'MES quality hold';
      }),
    );
    const dry = await call('POST', '/api/packs/import', { files, dryRun: true });
    expect((dry.json.flows as unknown[])[0]).toMatchObject({
      flow: 'batch-release',
      version: '1.1.0',
      change: 'new-version',
      from: '1.0.0',
      diff: { nodesChanged: ['hold'], nodesAdded: [], nodesRemoved: [] },
    });
  });

  it('refuses a tampered digest, a missing secret, an invalid profile and a changed published version; nothing changes; each refusal is audited', async () => {
    const before = await installed();
    const refusalsBefore = server.audit
      .list({ action: 'pack.import' })
      .filter((r) => (r.details as { refused?: boolean }).refused).length;
    const tampered = edit(
      readPackFiles(PACK),
      'flows/qms-decisions.flow.json',
      (f) => (f.description = 'changed after sealing'),
    );
    const missingSecret = seal(
      edit(readPackFiles(PACK), 'profiles/P100.json', (p) => {
        (p.connections as Record<string, { auth: { password: { secret: string } } }>).erp!.auth.password.secret =
          'ERP_P100_NEW_PASSWORD';
      }),
    );
    const invalidProfile = seal(edit(readPackFiles(PACK), 'profiles/P200.json', (p) => (p.timezone = 42)));
    const changedVersion = seal(
      edit(readPackFiles(PACK), 'flows/qms-decisions.flow.json', (f) => (f.description = 'same version, new text')),
    );
    const cases: Array<[Record<string, string>, number, string, RegExp]> = [
      [tampered, 422, 'PACK_INVALID', /sha256\/flows~1qms-decisions\.flow\.json: does not match the file/],
      [missingSecret, 422, 'SECRETS_MISSING', /ERP_P100_NEW_PASSWORD/],
      [invalidProfile, 422, 'PACK_INVALID', /timezone/],
      [changedVersion, 409, 'VERSION_CONFLICT', /qms-decisions 1\.0\.0 is installed with other content/],
    ];
    for (const [files, status, code, detail] of cases) {
      const res = await call('POST', '/api/packs/import', { files });
      expect(res.status, code).toBe(status);
      expect(res.json.code).toBe(code);
      expect(JSON.stringify(res.json)).toMatch(detail);
    }
    expect(await installed()).toEqual(before);
    const refusals = server.audit
      .list({ action: 'pack.import' })
      .filter((r) => (r.details as { refused?: boolean }).refused);
    expect(refusals.length - refusalsBefore).toBe(4);
    expect(refusals.map((r) => (r.details as { code: string }).code)).toEqual(
      expect.arrayContaining(['PACK_INVALID', 'SECRETS_MISSING', 'VERSION_CONFLICT']),
    );
  });

  it('lets only admins import', async () => {
    const viewerToken = await (async () => {
      await call('POST', '/api/users', { username: 'vic', role: 'viewer', password: 'viewer password 123' });
      const l = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'vic', password: 'viewer password 123' }),
      });
      return l.headers.get('set-cookie')!.split(';')[0]!;
    })();
    const res = await fetch(`${server.url}/api/packs/import`, {
      method: 'POST',
      headers: { cookie: viewerToken, 'content-type': 'application/json' },
      body: JSON.stringify({ files: readPackFiles(PACK), dryRun: true }),
    });
    expect(res.status).toBe(403);
  });
});
