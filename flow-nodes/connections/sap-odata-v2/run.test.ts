import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendJson, startTestServer, type TestServer } from '../http/test-server.ts';
import { silentLogger } from '../../shared/test-context.ts';
import { connection } from './run.ts';
import type { SapTestServer } from './test-server.ts';
import { CREDENTIALS, ORDERS, ORDER_SET, bindingFor, startOrderServer } from './test-fixtures.ts';

let server: SapTestServer;

beforeEach(async () => {
  server = await startOrderServer({ bearer: 'tok-1' });
});
afterEach(() => server.close());

describe('the sap-odata-v2 connection', () => {
  it('opens a client that connects only when used, and closes it', async () => {
    const client = await connection.open(bindingFor(server), { log: silentLogger });
    expect(server.requests).toHaveLength(0);
    const { entity } = await client.service(ORDERS).readEntity(ORDER_SET, '1000123');
    expect(entity.ManufacturingOrder).toBe('1000123');
    await connection.close!(client);
  });

  it('passes the test with a test service, and names the problem when the credentials are refused', async () => {
    const ctx = { log: silentLogger };
    expect(await connection.test(bindingFor(server, { testService: ORDERS }), ctx)).toEqual({ ok: true });
    const refused = await connection.test(
      bindingFor(server, {
        testService: ORDERS,
        auth: { kind: 'basic', username: CREDENTIALS.username, password: 'x' },
      }),
      ctx,
    );
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('401') });
  });

  it('passes the test without a test service when the base URL accepts the credentials', async () => {
    const ctx = { log: silentLogger };
    expect(await connection.test(bindingFor(server), ctx)).toEqual({ ok: true });
    const refused = await connection.test(
      bindingFor(server, { auth: { kind: 'basic', username: 'nobody', password: 'x' } }),
      ctx,
    );
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('refused the credentials') });
  });

  it('fails the test of a service that is not there', async () => {
    const result = await connection.test(bindingFor(server, { testService: 'API_NOPE_SRV' }), { log: silentLogger });
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('No service found') });
  });
});

describe('OAuth2 client credentials', () => {
  let idp: TestServer;
  beforeEach(async () => {
    idp = await startTestServer((_req, res) => sendJson(res, 200, '{"access_token":"tok-1","expires_in":3600}'));
  });
  afterEach(() => idp.close());

  it('fetches a token once and sends it on reads, the token fetch and writes', async () => {
    const client = await connection.open(
      bindingFor(server, {
        auth: {
          kind: 'oauth2-client-credentials',
          tokenUrl: idp.origin + '/oauth/token',
          clientId: 'mr',
          clientSecret: 's',
        },
      }),
      { log: silentLogger },
    );
    try {
      const svc = client.service(ORDERS);
      await svc.readEntity(ORDER_SET, '1000123');
      await svc.update(ORDER_SET, '1000123', { Priority: 9 }, { ifMatch: 'auto' });
      expect(idp.requests).toHaveLength(1);
      expect(new Set(server.requests.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer tok-1']));
      expect(server.entity(ORDERS, ORDER_SET, { ManufacturingOrder: '1000123' })!.Priority).toBe(9);
    } finally {
      await connection.close!(client);
    }
  });
});
