import { afterEach, describe, expect, it } from 'vitest';
import { sendJson, startTestServer, type TestServer } from '../http/test-server.ts';
import { silentLogger } from '../../shared/test-context.ts';
import { connection } from './run.ts';

let api: TestServer | undefined;
afterEach(async () => api?.close());

describe('qms-rest connection', () => {
  it('calls the QMS with an OAuth2 token fetched once, and ignores the webhook secret', async () => {
    let tokens = 0;
    api = await startTestServer((req, res) => {
      if (req.url === '/oauth/token') {
        tokens++;
        return sendJson(res, 200, '{"access_token":"T1","expires_in":3600}');
      }
      if (req.headers.authorization !== 'Bearer T1') return sendJson(res, 401, '{}');
      return sendJson(res, 200, '{"inspections":[]}');
    });
    const binding = {
      baseUrl: `${api.origin}/api/v1`,
      auth: {
        kind: 'oauth2-client-credentials' as const,
        tokenUrl: `${api.origin}/oauth/token`,
        clientId: 'millrace',
        clientSecret: 's3cret',
      },
      webhookSecret: 'whsec',
    };
    const client = await connection.open(binding, { log: silentLogger });
    const a = await client.request({ method: 'GET', path: '/inspections' });
    const b = await client.request({ method: 'GET', path: '/inspections' });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(tokens).toBe(1);
    expect(await connection.test(binding, { log: silentLogger })).toEqual({ ok: true });
    await connection.close!(client);
  });
});
