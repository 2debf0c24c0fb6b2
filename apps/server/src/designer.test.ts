import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createApp } from './app.ts';

/** The built designer served at `/` (issue 7): files as they are, index.html for the app's routes. */
const INDEX = '<!doctype html><div id="root"></div>';
let dir: string;
const servers: Server[] = [];

async function serve(designerDist: string): Promise<string> {
  const app = createApp({
    routes: [],
    auth: { principal: () => undefined },
    log: pino({ level: 'silent' }),
    designerDist,
  });
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-designer-dist-'));
  mkdirSync(join(dir, 'dist/assets'), { recursive: true });
  writeFileSync(join(dir, 'dist/index.html'), INDEX);
  writeFileSync(join(dir, 'dist/assets/app-1234.js'), 'console.log(1)');
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

describe('serving the designer', () => {
  it('serves index.html at / and for client routes, assets with a long cache, under the CSP', async () => {
    const base = await serve(join(dir, 'dist'));
    // A deep link may hold dots (a version) and still be the app, not a missing file.
    for (const path of ['/', '/flows/batch-release', '/runs?status=parked', '/flows/batch-release/versions/1.2.0']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await res.text()).toBe(INDEX);
    }
    const asset = await fetch(`${base}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log(1)');
  });

  it('leaves the API, webhooks, metrics, other methods and missing files to the 404 problem', async () => {
    const base = await serve(join(dir, 'dist'));
    for (const [method, path] of [
      ['GET', '/api/nothing'],
      ['GET', '/api'],
      ['GET', '/hooks/x'],
      ['GET', '/metrics'],
      ['GET', '/assets/missing.js'],
      ['GET', '/assets/deeper/missing'],
      ['GET', '/favicon.ico'],
      ['POST', '/flows'],
      ['DELETE', '/'],
    ] as const) {
      const res = await fetch(`${base}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type'), `${method} ${path}`).toMatch(/problem\+json/);
    }
  });

  it('serves nothing when the designer is not built', async () => {
    const base = await serve(join(dir, 'not-built'));
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
