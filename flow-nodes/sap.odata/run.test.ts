import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, DataError, RemoteError, TransientError } from '@millrace/node-sdk';
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
import { fakeCode, output, runNode } from './test-support.ts';

let server: SapTestServer;
let client: SapClient;

beforeEach(async () => {
  server = await startOrderServer({ pageSize: 2 });
  server.define('API_BATCH_SRV', 'Batch', {
    keys: ['Material', 'BatchIdentifyingPlant', 'Batch'],
    types: { ShelfLifeExpirationDate: 'datetime' },
    rows: [
      {
        Material: 'M-100',
        BatchIdentifyingPlant: 'P100',
        Batch: 'B123',
        MatlBatchIsInRstrcdUseStock: false,
        ShelfLifeExpirationDate: '/Date(1735689600000)/',
      },
    ],
  });
  client = clientFor(server);
});
afterEach(async () => {
  await client.close();
  await server.close();
});

const readOrder = {
  operation: 'read-entity',
  service: ORDERS,
  entitySet: ORDER_SET,
  key: 'msg.payload.orderId',
} as const;

describe('sap.odata read-entity', () => {
  it('emits the entity with RFC 3339 dates, decimal strings and the ETag header', async () => {
    const code = fakeCode({ 'msg.payload.orderId': '1000123' });
    const { payload, headers } = output(await runNode(client, readOrder, { code }));
    expect(payload).toMatchObject({
      ManufacturingOrder: '1000123',
      TotalQuantity: '100.000',
      MfgOrderPlannedStartDate: '2023-11-14T22:13:20.000Z',
      __metadata: { etag: headers!.etag },
    });
    expect(headers!.etag).toMatch(/^W\//);
  });

  it('reads a composite key from a field map, evaluating all expressions in one call', async () => {
    const code = fakeCode({ 'msg.payload.material': 'M-100', "'P100'": 'P100', 'msg.payload.lot': 'B123' });
    const result = await runNode(
      client,
      {
        operation: 'read-entity',
        service: 'API_BATCH_SRV',
        entitySet: 'Batch',
        key: { Material: 'msg.payload.material', BatchIdentifyingPlant: "'P100'", Batch: 'msg.payload.lot' },
      },
      { code },
    );
    expect(output(result).payload).toMatchObject({
      Batch: 'B123',
      ShelfLifeExpirationDate: '2025-01-01T00:00:00.000Z',
    });
    expect(code.calls).toEqual([['msg.payload.material', "'P100'", 'msg.payload.lot']]);
  });

  it('fails with a data error naming the expression when the key is null, and sends nothing', async () => {
    const error = await failure(runNode(client, readOrder, { code: fakeCode({ 'msg.payload.orderId': null }) }));
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: 'SAP_KEY_VALUE', details: { expression: 'msg.payload.orderId' } });
    expect(error.message).toBe('The key of A_ProductionOrder_2 (msg.payload.orderId) is null; a key needs a value.');
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    [{ nested: { a: 1 } }, 'field nested is an object'],
    [[1, 2], 'an array'],
    ['', 'empty string'],
  ])('fails with a data error for the key %j', async (value, says) => {
    const error = await failure(runNode(client, readOrder, { code: fakeCode({ 'msg.payload.orderId': value }) }));
    expect(error).toMatchObject({ code: 'SAP_KEY_VALUE' });
    expect(error.message).toContain(says);
  });

  it('routes a V2 error as a remote error with the SAP code and message', async () => {
    server.fault({ kind: 'reject', status: 400, code: 'PP/123', message: 'Order type PP99 is not defined' });
    const error = await failure(runNode(client, readOrder, { code: fakeCode({ 'msg.payload.orderId': '1000123' }) }));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'SAP_REJECTED', status: 400, vendorCode: 'PP/123' });
    expect(error.message).toContain('Order type PP99 is not defined');
  });

  it('fails as transient with retryAfterMs on 503 with Retry-After', async () => {
    server.fault({ kind: 'unavailable', status: 503, retryAfter: '30' });
    const error = await failure(runNode(client, readOrder, { code: fakeCode({ 'msg.payload.orderId': '1000123' }) }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'SAP_TRANSIENT', retryAfterMs: 30_000 });
  });

  it('fails with a config error when no connection is bound', async () => {
    const error = await failure(runNode(undefined, readOrder));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'SAP_NO_CONNECTION' });
  });
});

describe('sap.odata read-collection', () => {
  it('follows __next and emits results with the count', async () => {
    const { payload } = output(
      await runNode(client, {
        operation: 'read-collection',
        service: ORDERS,
        entitySet: ORDER_SET,
        query: { count: true, select: ['TotalQuantity', 'MfgOrderPlannedStartDate'] },
      }),
    );
    const { results, count } = payload as { results: Array<Record<string, unknown>>; count: number };
    expect(count).toBe(5);
    expect(results.map((r) => r.TotalQuantity)).toEqual(['100.000', '250.500', '12.125', '0.001', '99999999999.999']);
    expect(results[0]!.MfgOrderPlannedStartDate).toBe('2023-11-14T22:13:20.000Z');
    expect(server.requests).toHaveLength(3);
  });

  it('keeps the message and puts the result under mergeAs', async () => {
    const { payload } = output(
      await runNode(
        client,
        {
          operation: 'read-collection',
          service: ORDERS,
          entitySet: ORDER_SET,
          query: { top: 1, select: ['ManufacturingOrder'] },
          mergeAs: 'orders',
        },
        { payloadText: '{"lotId":"L-1","orders":"replaced"}' },
      ),
    );
    expect(payload).toMatchObject({ lotId: 'L-1', orders: { results: [{ ManufacturingOrder: '1000123' }] } });
    expect((payload as { orders: { results: unknown[] } }).orders.results).toHaveLength(1);
  });

  it('escapes a filter value with a quote, so it matches exactly that value', async () => {
    const code = fakeCode({ 'msg.payload.text': "O'Brien line", 'params.plant': 'P100' });
    const { payload } = output(
      await runNode(
        client,
        {
          operation: 'read-collection',
          service: ORDERS,
          entitySet: ORDER_SET,
          query: {
            filter: [
              { field: 'MfgOrderText', value: 'msg.payload.text' },
              { field: 'ProductionPlant', value: 'params.plant' },
            ],
          },
        },
        { code },
      ),
    );
    expect(
      (payload as { results: Array<{ ManufacturingOrder: string }> }).results.map((r) => r.ManufacturingOrder),
    ).toEqual(['1000125']);
    const filter = new URL(server.requests[0]!.url, server.origin).searchParams.get('$filter');
    expect(filter).toBe("MfgOrderText eq 'O''Brien line' and ProductionPlant eq 'P100'");
    expect(code.calls).toHaveLength(1);
  });

  it('fails with a data error naming the field when a filter value is unusable', async () => {
    const error = await failure(
      runNode(
        client,
        {
          operation: 'read-collection',
          service: ORDERS,
          entitySet: ORDER_SET,
          query: { filter: [{ field: 'Material', value: 'msg.payload.material' }] },
        },
        { code: fakeCode({ 'msg.payload.material': { id: 1 } }) },
      ),
    );
    expect(error).toMatchObject({ code: 'SAP_FILTER_VALUE', details: { field: 'Material' } });
    expect(error.message).toContain('The filter value for Material (msg.payload.material) is an object');
    expect(server.requests).toHaveLength(0);
  });

  it('fails rather than emit part of a collection larger than maxPages', async () => {
    const error = await failure(
      runNode(client, { operation: 'read-collection', service: ORDERS, entitySet: ORDER_SET, maxPages: 2 }),
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: 'SAP_PAGE_LIMIT', details: { maxPages: 2, fetched: 4 } });
  });
});

describe('sap.odata function-import', () => {
  it('calls it with a CSRF token, typed parameters and the idempotency key, and emits the result', async () => {
    const code = fakeCode({ 'msg.payload.orderId': '1000124' });
    const { payload } = output(
      await runNode(
        client,
        {
          operation: 'function-import',
          service: ORDERS,
          function: 'ReleaseOrder',
          parameters: { ManufacturingOrder: { value: 'msg.payload.orderId', type: 'string' } },
        },
        { code, idempotencyKey: 'run-3:release:0' },
      ),
    );
    expect(payload).toEqual({ ManufacturingOrder: '1000124', OrderIsReleased: true });
    expect(exchange(server)).toEqual([`GET /${ORDERS} (fetch token)`, `POST /${ORDERS}/ReleaseOrder`]);
    expect(server.requests[1]!.headers['idempotency-key']).toBe('run-3:release:0');
  });
});
