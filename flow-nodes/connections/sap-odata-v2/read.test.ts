import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, DataError, RemoteError } from '@millrace/node-sdk';
import { sendJson, startTestServer } from '../http/test-server.ts';
import { createSapClient, type SapClient } from './client.ts';
import type { SapTestServer } from './test-server.ts';
import { ORDERS, ORDER_SET, clientFor, exchange, failure, startOrderServer } from './test-fixtures.ts';

let server: SapTestServer;
let client: SapClient;

beforeEach(async () => {
  server = await startOrderServer({ pageSize: 2 });
  client = clientFor(server);
});
afterEach(async () => {
  await client.close();
  await server.close();
});

describe('reading one entity', () => {
  it('converts /Date()/ to RFC 3339, keeps decimals as strings and returns the ETag', async () => {
    const { entity, etag } = await client.service(ORDERS).readEntity(ORDER_SET, '1000123');
    expect(entity).toMatchObject({
      ManufacturingOrder: '1000123',
      TotalQuantity: '100.000',
      MfgOrderPlannedStartDate: '2023-11-14T22:13:20.000Z',
      LastChangeDateTime: '2023-11-14T23:13:20.000Z',
      OrderIsReleased: false,
      Priority: 3,
      to_ProductionOrderItem: { __deferred: { uri: expect.stringContaining("A_ProductionOrder_2('1000123')") } },
    });
    expect(etag).toMatch(/^W\/"datetimeoffset'/);
    expect(etag).toBe((entity.__metadata as { etag: string }).etag);
  });

  it('sends sap-client, sap-language, JSON accept headers and the credentials on the request', async () => {
    await client.service(ORDERS).readEntity(ORDER_SET, '1000123');
    const seen = server.requests[0]!;
    expect(seen.url).toBe(`/sap/opu/odata/sap/${ORDERS}/${ORDER_SET}('1000123')?sap-client=100&sap-language=EN`);
    expect(seen.headers.accept).toBe('application/json');
    expect(seen.headers.authorization).toMatch(/^Basic /);
    // A read needs no CSRF token: none is fetched.
    expect(exchange(server)).toEqual([`GET /${ORDERS}/${ORDER_SET}('1000123')`]);
  });

  it('applies $select and $expand', async () => {
    const { entity } = await client.service(ORDERS).readEntity(ORDER_SET, '1000124', {
      select: ['TotalQuantity', 'to_ProductionOrderItem'],
      expand: ['to_ProductionOrderItem'],
    });
    expect(Object.keys(entity).sort()).toEqual([
      'ManufacturingOrder',
      'TotalQuantity',
      '__metadata',
      'to_ProductionOrderItem',
    ]);
    expect(entity.to_ProductionOrderItem).toEqual({ results: [{ ManufacturingOrderItem: '0001', Batch: 'B124' }] });
  });

  it('sends a number key as a string literal, since SAP keys are Edm.String', async () => {
    const { entity } = await client.service(ORDERS).readEntity(ORDER_SET, 1000125);
    expect(entity.MfgOrderText).toBe("O'Brien line");
  });

  it('reports a missing entity as a remote 404 with the SAP message code', async () => {
    const error = await failure(client.service(ORDERS).readEntity(ORDER_SET, '999'));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'SAP_REJECTED', status: 404, vendorCode: '/IWBEP/CM_MGW_RT/020' });
    expect(error.message).toContain("Resource not found for segment 'A_ProductionOrder_2'");
  });

  it('refuses a null key before sending anything', async () => {
    const error = await failure(client.service(ORDERS).readEntity(ORDER_SET, null));
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe('SAP_KEY_VALUE');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a service name that could leave the service path', () => {
    expect(() => client.service('../../sap/bc')).toThrow(ConfigError);
  });
});

describe('reading a collection', () => {
  it('follows __next across pages, adding the sap-client the links lack, and gives the count', async () => {
    const result = await client.service(ORDERS).readCollection(ORDER_SET, { query: { count: true } });
    expect(result.results.map((r) => r.ManufacturingOrder)).toEqual([
      '1000123',
      '1000124',
      '1000125',
      '1000126',
      '1000127',
    ]);
    expect(result).toMatchObject({ count: 5, pages: 3 });
    expect(result.next).toBeUndefined();
    expect(result.results[4]!.MfgOrderPlannedStartDate).toBe('2023-11-18T22:13:20.000Z');
    expect(server.requests.map((r) => new URL(r.url, server.origin).searchParams.get('sap-client'))).toEqual([
      '100',
      '100',
      '100',
    ]);
  });

  it('stops at maxPages and hands back the link it did not follow', async () => {
    const result = await client.service(ORDERS).readCollection(ORDER_SET, { maxPages: 2 });
    expect(result.results).toHaveLength(4);
    expect(result.pages).toBe(2);
    expect(result.next).toContain('skiptoken=4');
  });

  it('filters, orders, selects and pages with $top and $skip', async () => {
    const result = await client.service(ORDERS).readCollection(ORDER_SET, {
      query: {
        filter: [
          { field: 'ProductionPlant', value: 'P100' },
          { field: 'TotalQuantity', op: 'gt', value: '1', type: 'decimal' },
        ],
        orderby: 'TotalQuantity desc',
        select: ['TotalQuantity'],
        skip: 1,
        top: 2,
      },
    });
    expect(result.results.map((r) => r.TotalQuantity)).toEqual(['250.500', '100.000']);
    const query = new URL(server.requests[0]!.url, server.origin).searchParams;
    expect(query.get('$filter')).toBe("ProductionPlant eq 'P100' and TotalQuantity gt 1M");
  });

  it('escapes a quote in a filter value so it matches instead of breaking the query', async () => {
    const svc = client.service(ORDERS);
    const found = await svc.readCollection(ORDER_SET, {
      query: { filter: [{ field: 'MfgOrderText', value: "O'Brien line" }] },
    });
    expect(found.results.map((r) => r.ManufacturingOrder)).toEqual(['1000125']);
    // An attempt to widen the filter stays one string literal, and matches nothing.
    const injected = await svc.readCollection(ORDER_SET, {
      query: { filter: [{ field: 'Material', value: "x' or Material ne 'x" }] },
    });
    expect(injected.results).toEqual([]);
  });

  it('matches any of several values with "in", and dates with a datetime literal', async () => {
    const result = await client.service(ORDERS).readCollection(ORDER_SET, {
      query: {
        filter: [
          { field: 'Material', op: 'in', value: ['M-100', 'M-300'] },
          { field: 'MfgOrderPlannedStartDate', op: 'ge', value: '2023-11-15T00:00:00Z', type: 'datetime' },
        ],
      },
    });
    expect(result.results.map((r) => r.ManufacturingOrder)).toEqual(['1000124', '1000127']);
  });

  it('reports a filter on an unknown property with the SAP message', async () => {
    const error = await failure(
      client.service(ORDERS).readCollection(ORDER_SET, { query: { filter: [{ field: 'Nope', value: 1 }] } }),
    );
    expect(error).toMatchObject({ code: 'SAP_REJECTED', status: 400 });
    expect(error.message).toContain('Property Nope not found');
  });

  it('refuses to follow a __next link to another origin', async () => {
    const evil = await startTestServer((_req, res) =>
      sendJson(
        res,
        200,
        JSON.stringify({ d: { results: [{ a: 1 }], __next: 'http://127.0.0.2:1/steal?$skiptoken=1' } }),
      ),
    );
    const c = createSapClient({
      baseUrl: evil.origin + '/sap',
      client: '100',
      auth: { kind: 'basic', username: 'u', password: 'p' },
    });
    try {
      const error = await failure(c.service('S').readCollection('Set'));
      expect(error).toMatchObject({ code: 'SAP_INVALID_RESPONSE' });
      expect(evil.requests).toHaveLength(1);
    } finally {
      await c.close();
      await evil.close();
    }
  });
});
