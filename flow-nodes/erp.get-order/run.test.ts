import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateCanonical } from '@millrace/canonical';
import { AuthError, ConfigError, DataError, RemoteError, TransientError } from '@millrace/node-sdk';
import { runNode } from '@millrace/testing';
import { createSapClient } from '../connections/sap-odata-v2/client.ts';
import { startSapTestServer } from '../connections/sap-odata-v2/test-server.ts';
import { calls, failure, startTestErp, type TestErp } from '../shared/erp/test-support.ts';
import { node } from './run.ts';

let erp: TestErp;
beforeEach(async () => {
  erp = await startTestErp();
});
afterEach(() => erp.close());

const get = (payload: unknown, config: Record<string, unknown> = {}) =>
  runNode(node, { config, payload, connection: erp.client });

describe('erp.get-order', () => {
  it('reads the order without its leading zeros and emits the payload with a canonical ProductionOrder', async () => {
    const { ports } = await get({ eventId: 'E-1', productionOrderId: '000001000123' });
    const [message] = ports.out!;
    const payload = message!.payload as { eventId: string; productionOrderId: string; order: Record<string, unknown> };
    expect(payload.eventId).toBe('E-1');
    expect(payload.productionOrderId).toBe('000001000123');
    expect(payload.order).toMatchObject({
      schemaVersion: 1,
      externalRefs: [
        { system: expect.stringMatching(/^sap:127\.0\.0\.1:\d+\/100$/), type: 'ManufacturingOrder', id: '1000123' },
      ],
      orderNumber: '1000123',
      orderType: 'PP01',
      materialId: 'FG-1000',
      plantId: 'P100',
      plannedQty: { value: '500.000', uom: 'KGM' },
      confirmedYieldQty: { value: '0.000', uom: 'KGM' },
      scrapQty: { value: '0.000', uom: 'KGM' },
      productionVersion: '0001',
      plannedStart: '2026-03-02T06:00:00Z',
      plannedEnd: '2026-03-02T18:00:00Z',
      outputLotIds: ['B0042'],
      status: 'released',
      sourceStatus: ['REL', 'PRC'],
      lastChangedAt: '2026-03-01T16:40:12Z',
    });
    expect(validateCanonical('canonical:ProductionOrder@1', payload.order)).toEqual([]);
    expect(message!.headers).toEqual({ 'erp-order': '1000123' });
    const [read] = calls(erp.server);
    expect(read).toMatch(
      /^GET \/API_PRODUCTION_ORDER_2_SRV\/A_ProductionOrder_2\('1000123'\)\?\$select=.*&\$expand=to_ProductionOrderItem,to_ProductionOrderStatus$/,
    );
  });

  it('gives the same canonical id for the same order on every read', async () => {
    const first = await get({ productionOrderId: '1000123' }, { output: 'order' });
    const again = await get({ productionOrderId: '0001000123' }, { output: 'order' });
    expect((first.ports.out![0]!.payload as { id: string }).id).toBe(
      (again.ports.out![0]!.payload as { id: string }).id,
    );
  });

  it('emits the order alone with output "order", from a configured expression', async () => {
    const { ports } = await runNode(node, {
      config: { orderNumber: 'msg.payload.header.order', output: 'order' },
      payload: { header: { order: 1000124 } },
      connection: erp.client,
    });
    expect(ports.out![0]!.payload).toMatchObject({
      orderNumber: '1000124',
      status: 'technically_completed',
      sourceStatus: ['REL', 'CNF', 'DLV', 'TECO'],
      confirmedYieldQty: { value: '498.500', uom: 'KGM' },
      scrapQty: { value: '1.5', uom: 'KGM' },
    });
  });

  it.each([
    ['1000125', 'created', ['CRTD'], { value: '12', uom: 'H87' }],
    ['1000126', 'cancelled', ['CRTD', 'DLFL'], { value: '500.000', uom: 'KGM' }],
    ['1000127', 'on_hold', ['REL', 'LKD', 'QHLD'], { value: '500.000', uom: 'KGM' }],
  ])('maps order %s to status %s', async (number, status, sourceStatus, plannedQty) => {
    const { ports } = await get({ productionOrderId: number }, { output: 'order' });
    expect(ports.out![0]!.payload).toMatchObject({ status, sourceStatus, plannedQty });
    expect(validateCanonical('canonical:ProductionOrder@1', ports.out![0]!.payload)).toEqual([]);
  });

  it('sends an order the ERP does not have out of notFound with the payload unchanged', async () => {
    const { ports, result } = await get({ productionOrderId: '0009999999', eventId: 'E-2' });
    expect(result.kind).toBe('emit');
    expect(ports.out).toBeUndefined();
    expect(ports.notFound).toEqual([
      {
        payload: { productionOrderId: '0009999999', eventId: 'E-2' },
        payloadText: '{"productionOrderId":"0009999999","eventId":"E-2"}',
        headers: { 'erp-order': '9999999' },
      },
    ]);
  });

  it('fails with a data error naming the field when the payload has no order number, sending nothing', async () => {
    const error = await failure(get({ eventId: 'E-3' }));
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({
      code: 'ERP_INPUT_INVALID',
      details: { field: 'orderNumber', expression: 'msg.payload.productionOrderId' },
    });
    expect(error.message).toBe('orderNumber (msg.payload.productionOrderId) is missing; it needs a value.');
    expect(erp.server.requests).toHaveLength(0);
  });

  it('refuses an order number that could change the URL', async () => {
    const error = await failure(get({ productionOrderId: "1000123') or ('1" }));
    expect(error).toMatchObject({ code: 'ERP_INPUT_INVALID', details: { field: 'orderNumber' } });
    expect(erp.server.requests).toHaveLength(0);
  });

  it('fails as transient, with Retry-After, while the ERP is unavailable', async () => {
    erp.server.fault({ kind: 'unavailable', status: 503, retryAfter: '20', html: true });
    const error = await failure(get({ productionOrderId: '1000123' }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({
      code: 'ERP_TRANSIENT',
      retryAfterMs: 20_000,
      details: { vendorErrorCode: 'SAP_TRANSIENT' },
    });
  });

  it('fails as a remote error with the SAP message code when SAP refuses the read', async () => {
    erp.server.fault({ kind: 'reject', status: 400, code: 'CO/016', message: 'Order is locked by user QA_LEAD' });
    const error = await failure(get({ productionOrderId: '1000123' }));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'ERP_REJECTED', status: 400, vendorCode: 'CO/016' });
    expect(error.message).toContain('Order is locked by user QA_LEAD');
  });

  it('fails as an auth error when the ERP refuses the credentials', async () => {
    const client = createSapClient({
      baseUrl: erp.server.baseUrl,
      client: '100',
      auth: { kind: 'basic', username: 'MILLRACE_COMM', password: 'wrong' },
    });
    try {
      const error = await failure(
        runNode(node, { config: {}, payload: { productionOrderId: '1' }, connection: client }),
      );
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ code: 'ERP_UNAUTHORIZED' });
    } finally {
      await client.close();
    }
  });

  it('treats a missing service as an error, not as a missing order', async () => {
    const bare = await startSapTestServer();
    bare.define('API_OTHER_SRV', 'A_Thing', { keys: ['Id'], rows: [] });
    const client = createSapClient({
      baseUrl: bare.baseUrl,
      client: '100',
      auth: { kind: 'basic', username: 'u', password: 'p' },
    });
    try {
      const error = await failure(
        runNode(node, { config: {}, payload: { productionOrderId: '1' }, connection: client }),
      );
      expect(error).toMatchObject({ code: 'ERP_REJECTED', status: 404, vendorCode: '/IWFND/MED/170' });
    } finally {
      await client.close();
      await bare.close();
    }
  });

  it('fails with a config error when no ERP connection is bound', async () => {
    const error = await failure(runNode(node, { config: {}, payload: { productionOrderId: '1' } }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'ERP_NO_CONNECTION' });
  });
});
