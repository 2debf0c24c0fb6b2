import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '@millrace/node-sdk';
import { startTestServer } from '../http/test-server.ts';
import { createSapClient, type SapClient } from './client.ts';
import type { SapTestServer } from './test-server.ts';
import { ORDERS, ORDER_SET, clientFor, exchange, failure, startOrderServer } from './test-fixtures.ts';

let server: SapTestServer;
let client: SapClient;

beforeEach(async () => {
  server = await startOrderServer();
  client = clientFor(server);
});
afterEach(async () => {
  await client.close();
  await server.close();
});

const newOrder = (id: string) => ({
  ManufacturingOrder: id,
  Material: 'M-900',
  ProductionPlant: 'P100',
  TotalQuantity: 12.5,
  ProductionUnit: 'KG',
  MfgOrderPlannedStartDate: '2024-03-01T06:00:00+01:00',
  LastChangeDateTime: null,
  OrderIsReleased: false,
  MfgOrderText: 'Created by Millrace',
  Priority: 1,
});

describe('creating an entity', () => {
  it('fetches a CSRF token with a GET first, then posts with the token, the session cookie and the idempotency key', async () => {
    const { entity, etag } = await client
      .service(ORDERS)
      .create(ORDER_SET, newOrder('2000001'), { idempotencyKey: 'run-7:create:0' });
    expect(exchange(server)).toEqual([`GET /${ORDERS} (fetch token)`, `POST /${ORDERS}/${ORDER_SET}`]);
    const [fetch, post] = server.requests;
    expect(fetch!.headers['x-csrf-token']).toBe('Fetch');
    expect(post!.headers['x-csrf-token']).toMatch(/^[\w-]{16,}$/);
    expect(post!.headers.cookie).toMatch(/SAP_SESSIONID_SIM_100=\w+/);
    expect(post!.headers.cookie).toContain('sap-usercontext=sap-client=100');
    expect(post!.headers['idempotency-key']).toBe('run-7:create:0');
    expect(post!.headers['content-type']).toBe('application/json');
    // Sent in V2 wire form; answered and returned in flow form.
    expect(JSON.parse(post!.body)).toMatchObject({
      TotalQuantity: '12.5',
      MfgOrderPlannedStartDate: '/Date(1709269200000)/',
    });
    expect(server.entity(ORDERS, ORDER_SET, { ManufacturingOrder: '2000001' })).toMatchObject({
      TotalQuantity: '12.5',
      MfgOrderPlannedStartDate: '/Date(1709269200000)/',
    });
    expect(entity).toMatchObject({ TotalQuantity: '12.5', MfgOrderPlannedStartDate: '2024-03-01T05:00:00.000Z' });
    expect(etag).toMatch(/^W\//);
  });

  it('keeps the token for later writes instead of fetching one per write', async () => {
    const svc = client.service(ORDERS);
    await svc.create(ORDER_SET, newOrder('2000001'));
    await svc.create(ORDER_SET, newOrder('2000002'));
    expect(exchange(server).filter((e) => e.includes('fetch token'))).toHaveLength(1);
  });

  it('fetches one token for many writes that start at once', async () => {
    const svc = client.service(ORDERS);
    await Promise.all(Array.from({ length: 8 }, (_, i) => svc.create(ORDER_SET, newOrder(`300000${i}`))));
    expect(exchange(server).filter((e) => e.includes('fetch token'))).toHaveLength(1);
  });
});

describe('an expired CSRF token', () => {
  it('is recovered by one refetch and one retry of the refused write', async () => {
    const svc = client.service(ORDERS);
    await svc.create(ORDER_SET, newOrder('2000001'));
    server.expireSessions();
    await svc.create(ORDER_SET, newOrder('2000002'), { idempotencyKey: 'k2' });
    expect(exchange(server)).toEqual([
      `GET /${ORDERS} (fetch token)`,
      `POST /${ORDERS}/${ORDER_SET}`,
      `POST /${ORDERS}/${ORDER_SET}`,
      `GET /${ORDERS} (fetch token)`,
      `POST /${ORDERS}/${ORDER_SET}`,
    ]);
    // The retry is the same request: same body, same idempotency key.
    const [refused, retried] = [server.requests[2]!, server.requests[4]!];
    expect(retried.body).toBe(refused.body);
    expect(retried.headers['idempotency-key']).toBe('k2');
    expect(server.entity(ORDERS, ORDER_SET, { ManufacturingOrder: '2000002' })).toBeDefined();
  });

  it('is refetched once for many writes refused at the same time', async () => {
    const svc = client.service(ORDERS);
    await svc.create(ORDER_SET, newOrder('2000001'));
    server.expireSessions();
    await Promise.all(Array.from({ length: 6 }, (_, i) => svc.create(ORDER_SET, newOrder(`400000${i}`))));
    expect(exchange(server).filter((e) => e.includes('fetch token'))).toHaveLength(2);
  });

  it('fails as transient when SAP still refuses the fresh token, without looping', async () => {
    // A load balancer that drops the session cookie: every write is refused.
    const lb = await startTestServer((req, res) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'x-csrf-token': 'tok', 'content-type': 'application/json' });
        res.end('{"d":{"EntitySets":[]}}');
      } else {
        res.writeHead(403, { 'x-csrf-token': 'Required' });
        res.end('CSRF token validation failed');
      }
    });
    const c = createSapClient({
      baseUrl: lb.origin + '/sap',
      client: '100',
      auth: { kind: 'basic', username: 'u', password: 'p' },
    });
    try {
      const error = await failure(c.service('S').create('Set', { a: 1 }));
      expect(error).toBeInstanceOf(TransientError);
      expect((error as TransientError).code).toBe('SAP_CSRF_REFUSED');
      expect(lb.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'POST']);
    } finally {
      await c.close();
      await lb.close();
    }
  });
});

describe('a function import', () => {
  it('is posted with a CSRF token and its parameters as URI literals', async () => {
    const result = await client
      .service(ORDERS)
      .callFunction('ReleaseOrder', { ManufacturingOrder: '1000123' }, { idempotencyKey: 'k-rel' });
    expect(result).toEqual({ ManufacturingOrder: '1000123', OrderIsReleased: true });
    expect(exchange(server)).toEqual([`GET /${ORDERS} (fetch token)`, `POST /${ORDERS}/ReleaseOrder`]);
    expect(decodeURIComponent(server.requests[1]!.url)).toContain("ManufacturingOrder='1000123'");
    expect(server.requests[1]!.headers['idempotency-key']).toBe('k-rel');
  });
});
