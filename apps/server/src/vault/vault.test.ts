import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from 'express';
import { pino } from 'pino';
import type { Authenticator } from '../api.ts';
import { createApp } from '../app.ts';
import { openServerDb, type ServerDb } from '../db.ts';
import type { Role } from '../roles.ts';
import { vaultRoutes } from './routes.ts';
import { loadMasterKey, Vault, VAULT_MIGRATIONS } from './vault.ts';

let dir: string;
let db: ServerDb;
let server: Server;
let base: string;
let vault: Vault;

// A stand-in for the auth module (tested on its own): the bearer token names the role.
const testAuth: Authenticator = {
  principal: (req: Request) => {
    const role = /^Bearer (viewer|analyst|approver|admin)$/.exec(req.get('authorization') ?? '')?.[1] as
      Role | undefined;
    return role && { userId: role, username: `${role}-user`, role, via: 'token' };
  },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-vault-'));
  db = openServerDb(join(dir, 'server.db'), VAULT_MIGRATIONS);
  vault = new Vault(db, loadMasterKey({}, join(dir, 'master.key')));
  server = createApp({ routes: vaultRoutes(vault), auth: testAuth, log: pino({ level: 'silent' }) }).listen(
    0,
    '127.0.0.1',
  );
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const put = (name: string, body: unknown, role: Role = 'admin') =>
  fetch(`${base}/api/secrets/${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${role}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the secrets store', () => {
  it('keeps values encrypted at rest and gives them back to the runtime only', async () => {
    expect((await put('ERP_P100_PASSWORD', { value: 'hunter2-plant-100' })).status).toBe(201);
    expect((await put('ERP_P100_PASSWORD', { value: 'hunter3-plant-100' })).status).toBe(200);
    expect(vault.get('ERP_P100_PASSWORD')).toBe('hunter3-plant-100');
    expect(vault.get('NOT_SET')).toBeUndefined();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const onDisk = readFileSync(join(dir, 'server.db'));
    expect(onDisk.includes(Buffer.from('hunter'))).toBe(false);
  });

  it('shows names and dates but never a value, and lets only admins write', async () => {
    await put('QMS_P100_CLIENT_SECRET', { value: 'qms-very-secret' });
    const res = await fetch(`${base}/api/secrets`, { headers: { authorization: 'Bearer viewer' } });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('QMS_P100_CLIENT_SECRET');
    expect(text).not.toContain('qms-very-secret');
    expect((await put('QMS_P100_CLIENT_SECRET', { value: 'x' }, 'analyst')).status).toBe(403);
    const bad = await put('QMS_P100_CLIENT_SECRET', { value: 12345678901 });
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain('12345678901');
    expect((await put('lower-case', { value: 'x' })).status).toBe(400);
    const gone = await fetch(`${base}/api/secrets/QMS_P100_CLIENT_SECRET`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer admin' },
    });
    expect(gone.status).toBe(204);
    const again = await fetch(`${base}/api/secrets/QMS_P100_CLIENT_SECRET`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer admin' },
    });
    expect(again.status).toBe(404);
  });

  it('binds a value to its name: ciphertext copied to another name does not decrypt', () => {
    vault.set('A_SECRET', 'value-a', 'test');
    vault.set('B_SECRET', 'value-b', 'test');
    db.prepare(
      'UPDATE secrets SET iv = (SELECT iv FROM secrets WHERE name = ?), tag = (SELECT tag FROM secrets WHERE name = ?), ciphertext = (SELECT ciphertext FROM secrets WHERE name = ?) WHERE name = ?',
    ).run('A_SECRET', 'A_SECRET', 'A_SECRET', 'B_SECRET');
    expect(() => vault.get('B_SECRET')).toThrow();
  });

  it('says so when a value was sealed under another master key', () => {
    vault.set('C_SECRET', 'value-c', 'test');
    const other = new Vault(db, loadMasterKey({ MILLRACE_MASTER_KEY: 'ab'.repeat(32) }, join(dir, 'unused.key')));
    expect(() => other.get('C_SECRET')).toThrow(/sealed under another master key/);
  });

  it('creates the key file with mode 600 and refuses one others can read, or a short key', () => {
    const file = join(dir, 'fresh.key');
    const key = loadMasterKey({}, file);
    expect(key.source).toBe('file');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadMasterKey({}, file).id).toBe(key.id);
    chmodSync(file, 0o644);
    expect(() => loadMasterKey({}, file)).toThrow(/can be read by other users/);
    const short = join(dir, 'short.key');
    writeFileSync(short, 'c2hvcnQ=', { mode: 0o600 });
    expect(() => loadMasterKey({}, short)).toThrow(/256-bit key/);
    expect(() => loadMasterKey({ MILLRACE_MASTER_KEY: 'nope' }, file)).toThrow(
      /MILLRACE_MASTER_KEY must hold a 256-bit key/,
    );
  });
});
