import { describe, expect, it } from 'vitest';
import { validateFlowPublishable, type Flow } from '@millrace/flow-model';
import { catalog } from '../catalog.ts';

/** A published-ready flow around one sap.odata node with the given config. */
function flowWith(config: Record<string, unknown>): Flow {
  return {
    schemaVersion: 1,
    id: 'order-lookup',
    name: 'Order lookup',
    version: '1.0.0',
    connections: { erp: { type: 'sap-odata-v2' } },
    nodes: [
      { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'orders' } },
      { id: 'erp', type: 'sap.odata', version: 1, connection: 'erp', config },
    ],
    edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'erp', port: 'in' } }],
  } as unknown as Flow;
}

const problems = (config: Record<string, unknown>) =>
  validateFlowPublishable(flowWith(config), { catalog }).map((p) => ({ pointer: p.pointer, message: p.message }));

const readEntity = {
  operation: 'read-entity',
  service: 'API_PRODUCTION_ORDER_2_SRV',
  entitySet: 'A_ProductionOrder_2',
  key: 'msg.payload.orderId',
};

describe('sap.odata config at publish', () => {
  it('accepts each operation when it is complete', () => {
    expect(problems(readEntity)).toEqual([]);
    expect(
      problems({
        operation: 'read-collection',
        service: 'API_MATERIAL_STOCK_SRV',
        entitySet: 'A_MatlStkInAcctMod',
        query: {
          filter: [
            { field: 'Batch', value: 'msg.payload.lot' },
            { field: 'InventoryStockType', op: 'in', value: "['02', '07']" },
          ],
          select: ['Material', 'MatlWrhsStkQtyInMatlBaseUnit'],
          top: 50,
          count: true,
        },
        maxPages: 5,
      }),
    ).toEqual([]);
    expect(
      problems({
        operation: 'patch',
        service: 'API_BATCH_SRV',
        entitySet: 'Batch',
        key: { Material: 'msg.payload.material', BatchIdentifyingPlant: 'params.plant', Batch: 'msg.payload.lot' },
        body: '({ MatlBatchIsInRstrcdUseStock: true })',
        onConflict: 'overwrite',
      }),
    ).toEqual([]);
    expect(
      problems({
        operation: 'function-import',
        service: 'API_PRODUCTION_ORDER_2_SRV',
        function: 'ReleaseOrder',
        parameters: { ManufacturingOrder: { value: 'msg.payload.orderId', type: 'string' } },
      }),
    ).toEqual([]);
  });

  it('names a missing key', () => {
    const { key: _key, ...withoutKey } = readEntity;
    expect(problems(withoutKey)).toEqual([{ pointer: '/nodes/1/config/key', message: 'is required but missing' }]);
  });

  it('names a service name that is not one', () => {
    expect(problems({ ...readEntity, service: '../sap/bc/gui' })).toEqual([
      {
        pointer: '/nodes/1/config/service',
        message: expect.stringContaining('service name such as API_PRODUCTION_ORDER_2_SRV'),
      },
    ]);
  });

  it('names an unknown operation by its allowed values', () => {
    const [problem] = problems({ ...readEntity, operation: 'delete' });
    expect(problem).toMatchObject({ pointer: '/nodes/1/config/operation' });
    expect(problem!.message).toContain('read-entity');
  });

  it('names an expression that does not parse, in a key field and in a filter value', () => {
    expect(problems({ ...readEntity, key: { ManufacturingOrder: 'msg.payload.(' } })).toEqual([
      { pointer: '/nodes/1/config/key/ManufacturingOrder', message: expect.any(String) },
    ]);
    const filterProblems = problems({
      operation: 'read-collection',
      service: 'API_PRODUCTION_ORDER_2_SRV',
      entitySet: 'A_ProductionOrder_2',
      query: { filter: [{ field: 'Material', value: 'msg.payload.material +' }] },
    });
    expect(filterProblems).toEqual([{ pointer: '/nodes/1/config/query/filter/0/value', message: expect.any(String) }]);
  });

  it('names a filter field that is not a property path', () => {
    const [problem] = problems({
      operation: 'read-collection',
      service: 'API_PRODUCTION_ORDER_2_SRV',
      entitySet: 'A_ProductionOrder_2',
      query: { filter: [{ field: "Material eq 'x' or 1 eq 1", value: '1' }] },
    });
    expect(problem).toMatchObject({ pointer: '/nodes/1/config/query/filter/0/field' });
  });
});
