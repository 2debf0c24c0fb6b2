import { createSapClient, type SapBinding, type SapClient } from './client.ts';
import { startSapTestServer, type SapTestServer, type SapTestServerOptions } from './test-server.ts';

/** Test support: an SAP test server seeded with production orders, and a client bound to it. */

export const ORDERS = 'API_PRODUCTION_ORDER_2_SRV';
export const ORDER_SET = 'A_ProductionOrder_2';
export const CREDENTIALS = { username: 'MILLRACE_COMM', password: 'pä$$:word' };

/** Five orders in wire form: /Date()/ dates, decimal strings, one with a quote in its text. */
export const ORDER_ROWS = [
  order('1000123', 'M-100', '100.000', 1_700_000_000_000, "Operator's batch"),
  order('1000124', 'M-100', '250.500', 1_700_086_400_000, 'Second shift'),
  order('1000125', 'M-200', '12.125', 1_700_172_800_000, "O'Brien line"),
  order('1000126', 'M-200', '0.001', 1_700_259_200_000, 'Rework'),
  order('1000127', 'M-300', '99999999999.999', 1_700_345_600_000, 'Big one'),
];

function order(id: string, material: string, qty: string, start: number, text: string) {
  return {
    ManufacturingOrder: id,
    Material: material,
    ProductionPlant: 'P100',
    TotalQuantity: qty,
    ProductionUnit: 'KG',
    MfgOrderPlannedStartDate: `/Date(${start})/`,
    LastChangeDateTime: `/Date(${start + 3_600_000}+0000)/`,
    OrderIsReleased: false,
    MfgOrderText: text,
    Priority: 3,
    to_ProductionOrderItem: { results: [{ ManufacturingOrderItem: '0001', Batch: 'B' + id.slice(-3) }] },
  };
}

export async function startOrderServer(options: SapTestServerOptions = {}): Promise<SapTestServer> {
  const server = await startSapTestServer({ basic: CREDENTIALS, ...options });
  server.define(ORDERS, ORDER_SET, {
    keys: ['ManufacturingOrder'],
    types: {
      TotalQuantity: 'decimal',
      MfgOrderPlannedStartDate: 'datetime',
      LastChangeDateTime: 'datetime',
    },
    navigations: ['to_ProductionOrderItem'],
    rows: ORDER_ROWS,
  });
  server.defineFunction(ORDERS, 'ReleaseOrder', {
    method: 'POST',
    handle(params, s) {
      const key = { ManufacturingOrder: params.ManufacturingOrder };
      s.change(ORDERS, ORDER_SET, key, { OrderIsReleased: true });
      const row = s.entity(ORDERS, ORDER_SET, key)!;
      return { ManufacturingOrder: row.ManufacturingOrder, OrderIsReleased: row.OrderIsReleased };
    },
  });
  return server;
}

export function bindingFor(server: SapTestServer, extra: Partial<SapBinding> = {}): SapBinding {
  return {
    baseUrl: server.baseUrl,
    client: '100',
    language: 'EN',
    auth: { kind: 'basic', ...CREDENTIALS },
    timeoutMs: 5000,
    ...extra,
  };
}

export function clientFor(server: SapTestServer, extra: Partial<SapBinding> = {}): SapClient {
  return createSapClient(bindingFor(server, extra));
}

/** "METHOD /path-after-service" of each request, for asserting the exchange. */
export function exchange(server: SapTestServer): string[] {
  return server.requests.map((r) => {
    const path = r.url.split('?')[0]!.replace(/^\/sap\/opu\/odata\/sap/, '');
    const fetch = r.headers['x-csrf-token'] === 'Fetch' ? ' (fetch token)' : '';
    return `${r.method} ${decodeURIComponent(path)}${fetch}`;
  });
}

export async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as Error,
  );
}
