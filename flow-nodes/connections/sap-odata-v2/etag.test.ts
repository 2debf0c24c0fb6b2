import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RemoteError } from '@millrace/node-sdk';
import type { SapClient } from './client.ts';
import type { SapTestServer } from './test-server.ts';
import { ORDERS, ORDER_SET, clientFor, exchange, failure, startOrderServer } from './test-fixtures.ts';

let server: SapTestServer;
let client: SapClient;
const KEY = { ManufacturingOrder: '1000123' };
const ENTITY = `/${ORDERS}/${ORDER_SET}('1000123')`;

beforeEach(async () => {
  server = await startOrderServer();
  client = clientFor(server);
});
afterEach(async () => {
  await client.close();
  await server.close();
});

/** The exchange without the token fetch, which is not what these tests are about. */
const writes = () => exchange(server).filter((e) => !e.includes('fetch token'));

describe('PATCH without an ETag', () => {
  it('is answered 428, reads the ETag and succeeds on the one retry', async () => {
    const result = await client.service(ORDERS).update(ORDER_SET, '1000123', { TotalQuantity: '120.000' });
    expect(writes()).toEqual([`PATCH ${ENTITY}`, `GET ${ENTITY}`, `PATCH ${ENTITY}`]);
    expect(server.requests.filter((r) => r.method === 'PATCH').map((r) => r.headers['if-match'])).toEqual([
      undefined,
      expect.stringMatching(/^W\//),
    ]);
    expect(server.entity(ORDERS, ORDER_SET, KEY)!.TotalQuantity).toBe('120.000');
    expect(result.etag).toMatch(/^W\//);
  });

  it('also works for DELETE', async () => {
    await client.service(ORDERS).remove(ORDER_SET, '1000126');
    expect(server.entity(ORDERS, ORDER_SET, { ManufacturingOrder: '1000126' })).toBeUndefined();
  });
});

describe('PATCH with an ETag', () => {
  it('sends it as If-Match and succeeds when it is current', async () => {
    const svc = client.service(ORDERS);
    const { etag } = await svc.readEntity(ORDER_SET, '1000123');
    const result = await svc.update(ORDER_SET, '1000123', { Priority: 5 }, { ifMatch: etag! });
    expect(writes()).toEqual([`GET ${ENTITY}`, `PATCH ${ENTITY}`]);
    expect(result.etag).not.toBe(etag);
  });

  it('fails with SAP_PRECONDITION_FAILED on a stale ETag when the caller gave it, without re-reading', async () => {
    const svc = client.service(ORDERS);
    const { etag } = await svc.readEntity(ORDER_SET, '1000123');
    server.change(ORDERS, ORDER_SET, KEY, { MfgOrderText: 'changed by someone else' });
    const error = await failure(svc.update(ORDER_SET, '1000123', { Priority: 5 }, { ifMatch: etag! }));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'SAP_PRECONDITION_FAILED', status: 412, vendorCode: '/IWBEP/CM_MGW_RT/111' });
    expect(writes()).toEqual([`GET ${ENTITY}`, `PATCH ${ENTITY}`]);
    expect(server.entity(ORDERS, ORDER_SET, KEY)!.Priority).toBe(3);
  });

  it('re-reads once and retries once on a stale ETag when the caller allows it (ifMatch auto)', async () => {
    const svc = client.service(ORDERS);
    const { etag } = await svc.readEntity(ORDER_SET, '1000123');
    server.change(ORDERS, ORDER_SET, KEY, { MfgOrderText: 'changed by someone else' });
    await svc.update(ORDER_SET, '1000123', { Priority: 5 }, { ifMatch: 'auto', etag: etag!, idempotencyKey: 'k' });
    expect(writes()).toEqual([`GET ${ENTITY}`, `PATCH ${ENTITY}`, `GET ${ENTITY}`, `PATCH ${ENTITY}`]);
    expect(server.entity(ORDERS, ORDER_SET, KEY)).toMatchObject({
      Priority: 5,
      MfgOrderText: 'changed by someone else',
    });
    expect(server.requests.filter((r) => r.method === 'PATCH').map((r) => r.headers['idempotency-key'])).toEqual([
      'k',
      'k',
    ]);
  });

  it('gives up after one re-read when the entity keeps changing', async () => {
    // Each read is followed by someone else's change: the ETag is always stale.
    server.fault({ kind: 'change-after-read', times: 5 });
    const error = await failure(
      client.service(ORDERS).update(ORDER_SET, '1000123', { Priority: 5 }, { ifMatch: 'auto' }),
    );
    expect(error).toMatchObject({ code: 'SAP_PRECONDITION_FAILED', status: 412 });
    expect(writes()).toEqual([
      `PATCH ${ENTITY}`,
      `GET ${ENTITY}`,
      `PATCH ${ENTITY}`,
      `GET ${ENTITY}`,
      `PATCH ${ENTITY}`,
    ]);
  });

  it('uses MERGE when asked, for services that refuse PATCH', async () => {
    const svc = client.service(ORDERS);
    const { etag } = await svc.readEntity(ORDER_SET, '1000123');
    await svc.update(ORDER_SET, '1000123', { Priority: 4 }, { ifMatch: etag!, method: 'MERGE' });
    expect(writes()).toEqual([`GET ${ENTITY}`, `MERGE ${ENTITY}`]);
  });

  it('sends a fractional number as a decimal string, as SAP expects for Edm.Decimal', async () => {
    await client.service(ORDERS).update(ORDER_SET, '1000123', { TotalQuantity: 0.1 + 0.2 }, { ifMatch: 'auto' });
    // Sent as the shortest text of the double, never re-rounded or in exponent form.
    expect(server.entity(ORDERS, ORDER_SET, KEY)!.TotalQuantity).toBe('0.30000000000000004');
  });
});
