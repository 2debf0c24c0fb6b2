import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError, RemoteError } from '@millrace/node-sdk';
import type { SapClient } from '../connections/sap-odata-v2/run.ts';
import type { SapTestServer } from '../connections/sap-odata-v2/test-server.ts';
import {
  ORDERS,
  ORDER_SET,
  clientFor,
  exchange,
  failure,
  startOrderServer,
} from '../connections/sap-odata-v2/test-fixtures.ts';
import { fakeCode, output, runNode, type Config } from './test-support.ts';

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

const createOrder: Config = { operation: 'create', service: ORDERS, entitySet: ORDER_SET };
const newOrder = (id: string) =>
  JSON.stringify({
    ManufacturingOrder: id,
    Material: 'M-900',
    TotalQuantity: '40.000',
    MfgOrderPlannedStartDate: '2024-03-01T06:00:00Z',
  });
const patchOrder = (extra: Partial<Extract<Config, { operation: 'patch' }>> = {}): Config => ({
  operation: 'patch',
  service: ORDERS,
  entitySet: ORDER_SET,
  key: 'msg.payload.order',
  body: '({ Priority: msg.payload.priority })',
  ...extra,
});

describe('sap.odata create', () => {
  it('fetches a CSRF token, posts the payload in V2 form with the cookie and idempotency key, and emits the entity', async () => {
    const { payload, headers } = output(
      await runNode(client, createOrder, { payloadText: newOrder('2000001'), idempotencyKey: 'run-1:create:0' }),
    );
    expect(exchange(server)).toEqual([`GET /${ORDERS} (fetch token)`, `POST /${ORDERS}/${ORDER_SET}`]);
    const post = server.requests[1]!;
    expect(post.headers.cookie).toMatch(/SAP_SESSIONID_SIM_100=/);
    expect(post.headers['idempotency-key']).toBe('run-1:create:0');
    expect(JSON.parse(post.body)).toMatchObject({
      MfgOrderPlannedStartDate: '/Date(1709272800000)/',
      TotalQuantity: '40.000',
    });
    expect(payload).toMatchObject({
      ManufacturingOrder: '2000001',
      MfgOrderPlannedStartDate: '2024-03-01T06:00:00.000Z',
    });
    expect(headers!.etag).toMatch(/^W\//);
  });

  it('recovers from a CSRF token that expired between two steps with one refetch', async () => {
    await runNode(client, createOrder, { payloadText: newOrder('2000001') });
    server.expireSessions();
    await runNode(client, createOrder, { payloadText: newOrder('2000002') });
    expect(exchange(server).slice(2)).toEqual([
      `POST /${ORDERS}/${ORDER_SET}`,
      `GET /${ORDERS} (fetch token)`,
      `POST /${ORDERS}/${ORDER_SET}`,
    ]);
    expect(server.entity(ORDERS, ORDER_SET, { ManufacturingOrder: '2000002' })).toBeDefined();
  });

  it('fails with a data error when the body is not an object', async () => {
    const error = await failure(runNode(client, createOrder, { payloadText: '[1,2]' }));
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: 'SAP_BODY_VALUE' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('sap.odata patch', () => {
  const code = (extra: Record<string, unknown> = {}) =>
    fakeCode({
      'msg.payload.order': '1000123',
      '({ Priority: msg.payload.priority })': { Priority: 7 },
      'msg.payload.etag': undefined,
      ...extra,
    });

  it('without an ETag: is answered 428, reads the ETag, retries once and succeeds', async () => {
    const { payload, headers } = output(await runNode(client, patchOrder(), { code: code() }));
    expect(exchange(server).filter((e) => !e.includes('fetch'))).toEqual([
      `PATCH ${ENTITY}`,
      `GET ${ENTITY}`,
      `PATCH ${ENTITY}`,
    ]);
    expect(server.entity(ORDERS, ORDER_SET, KEY)!.Priority).toBe(7);
    expect(payload).toEqual({ entitySet: ORDER_SET, key: '1000123', etag: headers!.etag });
  });

  it('with a stale ETag and onConflict "fail": fails with SAP_PRECONDITION_FAILED and changes nothing', async () => {
    const { etag } = await client.service(ORDERS).readEntity(ORDER_SET, '1000123');
    server.change(ORDERS, ORDER_SET, KEY, { MfgOrderText: 'someone else' });
    const error = await failure(
      runNode(client, patchOrder({ etag: 'msg.payload.etag' }), { code: code({ 'msg.payload.etag': etag }) }),
    );
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'SAP_PRECONDITION_FAILED', status: 412 });
    expect(server.entity(ORDERS, ORDER_SET, KEY)!.Priority).toBe(3);
  });

  it('with a stale ETag and onConflict "overwrite": re-reads once and succeeds', async () => {
    const { etag } = await client.service(ORDERS).readEntity(ORDER_SET, '1000123');
    server.change(ORDERS, ORDER_SET, KEY, { MfgOrderText: 'someone else' });
    await runNode(client, patchOrder({ etag: 'msg.payload.etag', onConflict: 'overwrite' }), {
      code: code({ 'msg.payload.etag': etag }),
    });
    expect(exchange(server).filter((e) => !e.includes('fetch'))).toEqual([
      `GET ${ENTITY}`,
      `PATCH ${ENTITY}`,
      `GET ${ENTITY}`,
      `PATCH ${ENTITY}`,
    ]);
    expect(server.entity(ORDERS, ORDER_SET, KEY)).toMatchObject({ Priority: 7, MfgOrderText: 'someone else' });
  });

  it('sends a read entity back without its __metadata and deferred navigations', async () => {
    const read = await client.service(ORDERS).readEntity(ORDER_SET, '1000123');
    const changed = { ...read.entity, MfgOrderText: 'edited' };
    await runNode(client, patchOrder({ body: 'payload', etag: 'msg.payload.__metadata.etag' }), {
      payloadText: JSON.stringify(changed),
      code: fakeCode({ 'msg.payload.order': '1000123', 'msg.payload.__metadata.etag': read.etag }),
    });
    const sent = JSON.parse(server.requests.at(-1)!.body) as Record<string, unknown>;
    expect(sent.__metadata).toBeUndefined();
    expect(sent.to_ProductionOrderItem).toBeUndefined();
    // Dates that came out as RFC 3339 go back as /Date()/.
    expect(sent.MfgOrderPlannedStartDate).toBe('/Date(1700000000000)/');
    expect(server.entity(ORDERS, ORDER_SET, KEY)!.MfgOrderText).toBe('edited');
  });

  it('fails with a data error when the etag expression gives nothing', async () => {
    const error = await failure(runNode(client, patchOrder({ etag: 'msg.payload.etag' }), { code: code() }));
    expect(error).toMatchObject({ code: 'SAP_ETAG_VALUE' });
    expect(server.requests).toHaveLength(0);
  });
});
