import { BatchChangeSet, ODataBatchRequestBuilder, asc } from '@sap-cloud-sdk/odata-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_AUTH, startErpSimulator, type ErpSimulator } from './index.ts';
import { ProductionOrder, productionOrderApi } from './test-support/sdk-production-order.ts';

const ProductionOrderPath = ProductionOrder._defaultBasePath;

let erp: ErpSimulator | undefined;
afterEach(async () => erp?.close());

describe('ERP simulator with the SAP Cloud SDK for JavaScript (@sap-cloud-sdk/odata-v2)', () => {
  it('reads with $filter/$select/$top, reads by key, patches with the ETag and creates an order', async () => {
    erp = await startErpSimulator();
    const destination = {
      url: erp.url,
      username: DEFAULT_AUTH.basic.user,
      password: DEFAULT_AUTH.basic.password,
      sapClient: '100',
    };
    const api = productionOrderApi();
    // Decimals as the SDK's own deserializer makes them (BigNumber), without importing bignumber.js here.
    const decimal = (v: string) => api.deSerializers['Edm.Decimal'].deserialize(v);
    const { MANUFACTURING_ORDER, PRODUCTION_PLANT, ORDER_IS_RELEASED, TOTAL_QUANTITY, MATERIAL } = api.schema;

    const released = await api
      .requestBuilder()
      .getAll()
      .filter(PRODUCTION_PLANT.equals('P100'), ORDER_IS_RELEASED.equals(true))
      .select(MANUFACTURING_ORDER, TOTAL_QUANTITY, MATERIAL)
      .orderBy(asc(MANUFACTURING_ORDER))
      .top(3)
      .execute(destination);
    expect(released.map((o) => o.manufacturingOrder)).toEqual(['1000103', '1000104', '1000105']);
    expect(released[0]!.totalQuantity!.toString()).toBe(
      erp
        .store()
        .orders.find((o) => o.ManufacturingOrder === '1000103')!
        .TotalQuantity!.toString()
        .replace(/\.?0+$/, ''),
    );

    const one = await api.requestBuilder().getByKey('1000104').execute(destination);
    expect(one.material).toBe('FG-1000');
    expect(one.orderIsReleased).toBe(true);
    expect(one.versionIdentifier).toMatch(/^W\/"datetimeoffset'/);
    const before = one.versionIdentifier;

    one.totalQuantity = decimal('812.5');
    const updated = await api.requestBuilder().update(one).execute(destination);
    expect(updated.versionIdentifier).not.toBe(before);
    const reread = await api.requestBuilder().getByKey('1000104').execute(destination);
    expect(reread.totalQuantity!.toString()).toBe('812.5');

    // The entity read before the update carries the old ETag: the simulator refuses it (412).
    const stale = api.entityBuilder().manufacturingOrder('1000104').totalQuantity(decimal('1')).build();
    stale.setVersionIdentifier(before);
    await expect(api.requestBuilder().update(stale).execute(destination)).rejects.toThrow();

    const draft = api
      .entityBuilder()
      .material('FG-1000')
      .productionPlant('P200')
      .totalQuantity(decimal('250'))
      .productionUnit('KG')
      .build();
    const created = await api.requestBuilder().create(draft).execute(destination);
    expect(created.manufacturingOrder).toBe('1000210');
    expect(created.orderIsReleased).toBe(false);
    expect(erp.store().orders.find((o) => o.ManufacturingOrder === '1000210')).toMatchObject({
      ProductionPlant: 'P200',
      TotalQuantity: '250.000',
    });

    // The SDK fetched its CSRF token with a HEAD to the write URL (with a trailing slash first).
    const patches = erp.ctx.log.entries.filter((e) => e.method === 'PATCH');
    expect(patches.map((e) => e.status)).toEqual([204, 412]);
    expect(patches[0]!.headers['if-match']).toBe(before);
    const heads = erp.ctx.log.entries.filter((e) => e.method === 'HEAD');
    expect(heads.length).toBeGreaterThan(0);
    expect(heads[0]!.headers['x-csrf-token']).toBe('Fetch');
    expect(
      erp.ctx.log.entries
        .filter((e) => e.method === 'PATCH' || e.method === 'POST')
        .every((e) => e.headers['sap-client'] === '100'),
    ).toBe(true);
  });

  it('runs a $batch built by the SDK: a read, a committed change set and a rolled-back one', async () => {
    erp = await startErpSimulator();
    const destination = {
      url: erp.url,
      username: DEFAULT_AUTH.basic.user,
      password: DEFAULT_AUTH.basic.password,
      sapClient: '100',
    };
    const api = productionOrderApi();
    const decimal = (v: string) => api.deSerializers['Edm.Decimal'].deserialize(v);
    const a = await api.requestBuilder().getByKey('1000101').execute(destination);
    const b = await api.requestBuilder().getByKey('1000102').execute(destination);
    a.totalQuantity = decimal('111');
    b.totalQuantity = decimal('222');
    const unknown = api.entityBuilder().material('NO-SUCH').productionPlant('P100').totalQuantity(decimal('1')).build();
    const responses = await new ODataBatchRequestBuilder(ProductionOrderPath, [
      api.requestBuilder().getByKey('1000100'),
      new BatchChangeSet([api.requestBuilder().update(a)]),
      new BatchChangeSet([api.requestBuilder().update(b), api.requestBuilder().create(unknown)]),
    ]).execute(destination);
    expect(responses.map((r) => r.isSuccess())).toEqual([true, true, false]);
    const orders = new Map(erp.store().orders.map((o) => [o.ManufacturingOrder, o]));
    expect(orders.get('1000101')!.TotalQuantity).toBe('111.000');
    expect(orders.get('1000102')!.TotalQuantity).not.toBe('222');
    // The SDK writes absolute request paths and named keys into the parts.
    const batchBody = erp.ctx.log.entries.find((e) => e.path.endsWith('/$batch'))!.body;
    expect(batchBody).toMatch(
      /PATCH \/sap\/opu\/odata\/sap\/API_PRODUCTION_ORDER_2_SRV\/A_ProductionOrder_2\(ManufacturingOrder='1000101'\) HTTP\/1.1/,
    );
  });
});
