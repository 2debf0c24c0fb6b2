import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError } from '@millrace/node-sdk';
import { silentLogger } from '../../shared/test-context.ts';
import { connection, type HttpBinding } from './run.ts';
import { sendJson, startTestServer, type TestServer } from './test-server.ts';

let api: TestServer;
beforeEach(async () => {
  api = await startTestServer((_req, res) => sendJson(res, 200, '{}'));
});
afterEach(() => api.close());

const ctx = { log: silentLogger };
const binding = (extra: Partial<HttpBinding> = {}): HttpBinding => ({
  baseUrl: api.origin + '/api/v1',
  auth: { kind: 'none' },
  ...extra,
});

describe('http connection', () => {
  it('keeps the definition it was built from', () => {
    expect(connection.type).toBe('http');
    expect(connection.schema.properties.baseUrl).toBeDefined();
  });

  it('opens a client that reuses keep-alive connections, and closes it', async () => {
    const client = await connection.open(binding({ maxConnections: 1 }), ctx);
    for (let i = 0; i < 3; i++) await client.request({ method: 'GET', path: '/ping' });
    expect(new Set(api.requests.map((r) => r.remotePort)).size).toBe(1);
    await connection.close!(client);
    await expect(client.request({ method: 'GET', path: '/' })).rejects.toThrow(CancelledError);
  });

  it('tests a reachable endpoint as ok with a HEAD of the base URL', async () => {
    await expect(connection.test(binding(), ctx)).resolves.toEqual({ ok: true });
    expect(api.requests.map((r) => [r.method, r.url])).toEqual([['HEAD', '/api/v1']]);
  });

  it('falls back to GET when HEAD is not allowed', async () => {
    api.handle((req, res) => sendJson(res, req.method === 'HEAD' ? 405 : 200, '{}'));
    await expect(connection.test(binding(), ctx)).resolves.toEqual({ ok: true });
    expect(api.requests.map((r) => r.method)).toEqual(['HEAD', 'GET']);
  });

  it('reports refused credentials in plain words', async () => {
    api.handle((_req, res) => sendJson(res, 401, '{}'));
    const result = await connection.test(binding({ auth: { kind: 'bearer', token: 'nope' } }), ctx);
    expect(result).toEqual({ ok: false, message: `${api.origin}/api/v1 refused the credentials (HTTP 401).` });
  });

  it('reports a redirect with where it goes', async () => {
    api.handle((_req, res) => {
      res.writeHead(301, { location: 'https://qms.example/api/v1' });
      res.end();
    });
    const result = await connection.test(binding(), ctx);
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.message).toContain('https://qms.example/api/v1');
  });

  it('reports an unreachable endpoint without throwing', async () => {
    const origin = api.origin;
    await api.close();
    const result = await connection.test({ baseUrl: origin, auth: { kind: 'none' } }, ctx);
    expect(result).toEqual({ ok: false, message: `HEAD ${origin}/: connection refused.` });
    api = await startTestServer();
  });

  it('reports a bad base URL without throwing', async () => {
    const result = await connection.test({ baseUrl: 'not a url', auth: { kind: 'none' } }, ctx);
    expect(result.ok).toBe(false);
  });
});
