import { afterEach, describe, expect, it } from 'vitest';
import { startErpSimulator, type ErpSimulator, type ErpStoreView } from './index.ts';
import { ErpHttp, ROOT } from './test-support/http.ts';

let erp: ErpSimulator | undefined;
afterEach(async () => erp?.close());

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> });

describe('ERP simulator control plane', () => {
  it('serves the store as plain JSON and resets it to the seed', async () => {
    erp = await startErpSimulator({ seed: 3 });
    const http = new ErpHttp(erp.url);
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    await http.write('POST', `${ROOT}/API_PRODUCTION_ORDER_2_SRV/ReleaseOrder?ManufacturingOrder='1000100'`);
    const store = (await (await fetch(`${erp.url}/__sim/store`)).json()) as ErpStoreView;
    const order = store.orders.find((o) => o.ManufacturingOrder === '1000100')!;
    expect(order.statuses).toEqual(['REL']);
    expect(order.MfgOrderPlannedStartDate).toMatch(/^\d{4}-\d\d-\d\dT00:00:00.000Z$/);
    expect(store.inspectionLots.map((l) => l.InspectionLot)).toEqual([
      '040000000001',
      '040000000002',
      '040000000003',
      '040000000004',
      '010000000001',
    ]);
    expect(store.usageDecisions.map((u) => u.InspectionLot)).toEqual(['040000000002']);
    expect(store.materialDocuments.every((d) => Array.isArray(d.items) && d.items.length > 0)).toBe(true);

    expect((await fetch(`${erp.url}/__sim/reset`, { method: 'POST' })).status).toBe(200);
    const after = (await (await fetch(`${erp.url}/__sim/store`)).json()) as ErpStoreView;
    expect(after.orders.find((o) => o.ManufacturingOrder === '1000100')!.statuses).toEqual(['CRTD']);
    // Same seed, same data (timestamps aside).
    const quantities = (s: ErpStoreView) => s.orders.map((o) => o.TotalQuantity).join();
    expect(quantities(after)).toBe(quantities(store));
  });

  it('validates subscriptions, modes and seed input with 400s', async () => {
    erp = await startErpSimulator();
    const post = (path: string, body: unknown, method = 'POST') =>
      fetch(`${erp!.url}${path}`, { method, body: JSON.stringify(body) }).then(json);
    expect((await post('/__sim/subscriptions', { url: 'ftp://x' })).status).toBe(400);
    expect((await post('/__sim/modes', { leadingZeros: 'yes' }, 'PUT')).status).toBe(400);
    expect((await post('/__sim/modes', { leadingZeros: true }, 'PUT')).body).toEqual({ leadingZeros: true });
    const unknown = await post('/__sim/seed', { lots: [] });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toMatch(/unknown seed key 'lots'/);
    const badOrder = await post('/__sim/seed', { orders: [{ material: 'FG-1000', plant: 'P900', quantity: 5 }] });
    expect(JSON.stringify(badOrder.body)).toMatch(/orders\[0\]: Plant P900 does not exist/);
    const ok = await post('/__sim/seed', {
      orders: [{ material: 'FG-2000', plant: 'P100', quantity: 40, status: 'REL' }],
      stock: [{ material: 'FG-2000', plant: 'P100', batch: 'X1', type: 'blocked', quantity: '4' }],
    });
    expect(ok.body).toMatchObject({ seeded: true, orders: ['1000110'] });
    expect(erp.store().stock.find((s) => s.Batch === 'X1')).toMatchObject({
      InventoryStockType: '07',
      MatlWrhsStkQtyInMatlBaseUnit: '4.000',
    });
  });
});
