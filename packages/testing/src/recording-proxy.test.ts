import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingProxy, type RecordingProxy } from './recording-proxy.ts';

let system: Server | undefined;
let proxy: RecordingProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  if (system) await new Promise<void>((resolve) => system!.close(() => resolve()));
  system = proxy = undefined;
});

async function startSystem(handler: Parameters<typeof createServer>[1]): Promise<string> {
  system = createServer(handler);
  await new Promise<void>((resolve) => system!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(system.address() as AddressInfo).port}`;
}

describe('the recording proxy of live test runs', () => {
  it('passes requests through with their headers and body, and records the answers in order', async () => {
    const seen: string[] = [];
    const origin = await startSystem((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers.authorization} ${body}`);
        if (req.method === 'GET') res.writeHead(200, { 'content-type': 'text/csv', 'x-other': '1' }).end('a;b');
        else res.writeHead(409, { 'content-type': 'application/problem+json', etag: '"7"' }).end('{"code":"TAKEN"}');
      });
    });
    proxy = await recordingProxy(origin);
    const got = await fetch(`${proxy.origin}/lots?plant=P1`, { headers: { authorization: 'Bearer t' } });
    expect([got.status, await got.text(), got.headers.get('x-other')]).toEqual([200, 'a;b', '1']);
    const posted = await fetch(`${proxy.origin}/lots`, { method: 'POST', body: '{"lot":"L1"}' });
    expect(posted.status).toBe(409);
    expect(seen).toEqual(['GET /lots?plant=P1 Bearer t ', 'POST /lots undefined {"lot":"L1"}']);
    expect(proxy.exchanges).toEqual([
      {
        request: { method: 'GET', path: '/lots?plant=P1' },
        response: { status: 200, headers: { 'content-type': 'text/csv' }, text: 'a;b' },
        times: 1,
      },
      {
        request: { method: 'POST', path: '/lots' },
        response: { status: 409, headers: { etag: '"7"' }, json: { code: 'TAKEN' } },
        times: 1,
      },
    ]);
  });

  it('leaves out the exchanges it is told to skip, and still passes them through', async () => {
    const origin = await startSystem((req, res) => res.writeHead(200, { 'x-csrf-token': 'tok' }).end());
    proxy = await recordingProxy(origin, { skip: (r) => r.headers['x-csrf-token'] === 'fetch' });
    const fetched = await fetch(`${proxy.origin}/odata`, { headers: { 'x-csrf-token': 'fetch' } });
    expect(fetched.headers.get('x-csrf-token')).toBe('tok');
    expect(proxy.exchanges).toEqual([]);
  });

  it('fails the request as the system would when the system is down, and records nothing', async () => {
    const origin = await startSystem((_req, res) => res.end());
    await new Promise<void>((resolve) => system!.close(() => resolve()));
    system = undefined;
    proxy = await recordingProxy(origin);
    await expect(fetch(`${proxy.origin}/lots`)).rejects.toThrow();
    expect(proxy.exchanges).toEqual([]);
  });
});
