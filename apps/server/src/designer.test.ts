import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { request } from 'node:http';
import { createApp } from './app.ts';
import { acceptedEncoding } from './designer.ts';

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
  // As the build's precompress plugin leaves them: a .br and a .gz copy beside an asset.
  writeFileSync(join(dir, 'dist/assets/big-5678.js'), BIG);
  writeFileSync(join(dir, 'dist/assets/big-5678.js.br'), brotliCompressSync(BIG));
  writeFileSync(join(dir, 'dist/assets/big-5678.js.gz'), gzipSync(BIG));
});

const BIG = `export const words = ${JSON.stringify('lot '.repeat(5000))};`;

/** A raw GET (fetch would decode the body and hide the encoding). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    })
      .on('error', reject)
      .end();
  });
}
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

  it('sends the precompressed copy the browser accepts, Brotli first, with its type and a long cache', async () => {
    const base = await serve(join(dir, 'dist'));
    const br = await rawGet(`${base}/assets/big-5678.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', vary: 'accept-encoding' });
    expect(String(br.headers['content-type'])).toMatch(/javascript/);
    expect(String(br.headers['cache-control'])).toContain('immutable');
    expect(br.body.length).toBeLessThan(BIG.length / 10);
    const gz = await rawGet(`${base}/assets/big-5678.js`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.equals(gzipSync(BIG))).toBe(true);
    // No encoding accepted, or an asset without copies: the file as it is.
    const plain = await rawGet(`${base}/assets/big-5678.js`, {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(BIG);
    const small = await rawGet(`${base}/assets/app-1234.js`, { 'accept-encoding': 'br' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.body.toString()).toBe('console.log(1)');
    // fetch decodes what it asked for: the same text either way.
    expect(await (await fetch(`${base}/assets/big-5678.js`)).text()).toBe(BIG);
    // No way out of the assets folder, encoded or not.
    for (const path of ['/assets/..%2Findex.html', '/assets/%2e%2e/index.html', '/assets/%E0%A4%A'])
      expect(
        (await rawGet(`${base}${path}`, { 'accept-encoding': 'br' })).headers['content-encoding'],
        path,
      ).toBeUndefined();
  });

  it('reads Accept-Encoding with its weights', () => {
    expect(acceptedEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(acceptedEncoding('gzip')).toBe('gzip');
    expect(acceptedEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(acceptedEncoding('*')).toBe('br');
    expect(acceptedEncoding('*;q=0, identity')).toBeUndefined();
    expect(acceptedEncoding(undefined)).toBeUndefined();
    expect(acceptedEncoding('')).toBeUndefined();
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
