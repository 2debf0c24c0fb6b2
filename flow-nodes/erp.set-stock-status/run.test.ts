import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateCanonical } from '@millrace/canonical';
import { ConfigError, DataError, RemoteError, TransientError } from '@millrace/node-sdk';
import { runNode } from '@millrace/testing';
import { calls, failure, startTestErp, type TestErp } from '../shared/erp/test-support.ts';
import { node } from './run.ts';

let erp: TestErp;
beforeEach(async () => {
  erp = await startTestErp();
});
afterEach(() => erp.close());

/** A canonical MaterialLot as the flow would carry it. */
const lot = (batch: string, extra: Record<string, unknown> = {}) => ({
  lotNumber: `LOT-${batch}`,
  erpBatch: batch,
  materialId: 'FG-1000',
  plantId: 'P100',
  ...extra,
});

const ensure = (config: Record<string, unknown>, payload: unknown, idempotencyKey = 'mr-1-hold') =>
  runNode(node, { config, payload, connection: erp.client, idempotencyKey });

const documents = () => erp.server.materialDocuments().length;

describe('erp.set-stock-status posts only the missing movement', () => {
  it('puts a lot in quality inspection on hold with a 350, confirms it and emits a canonical StockPosting', async () => {
    const { ports } = await ensure({ to: 'blocked', reason: '1' }, lot('B0042', { eventId: 'E-1' }));
    const [message] = ports.out!;
    const payload = message!.payload as { eventId: string; stockStatus: Record<string, unknown> };
    expect(payload.eventId).toBe('E-1');
    const { posting, ...rest } = payload.stockStatus as { posting: Record<string, unknown> };
    expect(rest).toEqual({
      outcome: 'posted',
      lot: {
        material: 'FG-1000',
        plant: 'P100',
        batch: 'B0042',
        storageLocation: '0001',
        stockType: 'blocked',
        stock: {
          unrestricted: { value: '0', uom: 'KGM' },
          quality_inspection: { value: '0.000', uom: 'KGM' },
          blocked: { value: '480.000', uom: 'KGM' },
        },
      },
    });
    expect(posting).toMatchObject({
      schemaVersion: 1,
      idempotencyKey: 'mr-1-hold',
      lotId: 'LOT-B0042',
      materialId: 'FG-1000',
      plantId: 'P100',
      quantity: { value: '480.000', uom: 'KGM' },
      fromStockType: 'quality_inspection',
      toStockType: 'blocked',
      movementKind: 'qi_to_blocked',
      erpMovementType: '350',
      reasonCode: '0001',
      erpDocument: { year: expect.stringMatching(/^\d{4}$/), number: '4900000002', item: '1' },
      postedAt: expect.any(String),
      status: 'posted',
    });
    expect(validateCanonical('canonical:StockPosting@1', posting)).toEqual([]);
    expect(message!.headers).toEqual({ 'erp-outcome': 'posted' });
    expect(erp.server.stockOf('B0042')).toEqual({ '02': '0.000', '07': '480.000' });
    // The other material's batch B0042 is untouched.
    expect(erp.server.stockOf('B0042', { material: 'RM-2000' })).toEqual({ '01': '75.000' });
  });

  it('sends a transfer posting as SAP wants it: deep insert, code 04, the marker in the header text', async () => {
    await ensure({ to: 'blocked', reason: '1' }, lot('B0042'));
    expect(calls(erp.server).map((c) => c.replace(/\?.*/, ''))).toEqual([
      'GET /API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader',
      'GET /API_MATERIAL_STOCK_SRV/A_MatlStkInAcctMod',
      'POST /API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader',
      'GET /API_MATERIAL_STOCK_SRV/A_MatlStkInAcctMod',
    ]);
    const stockRead = calls(erp.server)[1]!;
    expect(stockRead).toContain(
      "$filter=Material eq 'FG-1000' and Plant eq 'P100' and Batch eq 'B0042' and (InventoryStockType eq '01' or InventoryStockType eq '02' or InventoryStockType eq '07')",
    );
    const post = erp.server.requests.find((r) => r.method === 'POST')!;
    const body = JSON.parse(post.body) as Record<string, unknown>;
    expect(body).toEqual({
      GoodsMovementCode: '04',
      PostingDate: expect.stringMatching(/^\/Date\(\d+\)\/$/),
      DocumentDate: expect.stringMatching(/^\/Date\(\d+\)\/$/),
      MaterialDocumentHeaderText: expect.stringMatching(/^MR-[A-Za-z0-9_-]{22}$/),
      to_MaterialDocumentItem: {
        results: [
          {
            Material: 'FG-1000',
            Plant: 'P100',
            StorageLocation: '0001',
            Batch: 'B0042',
            GoodsMovementType: '350',
            QuantityInEntryUnit: '480.000',
            EntryUnit: 'KG',
            GoodsMovementReasonCode: '0001',
            MaterialDocumentItemText: 'Millrace test-flow mr-1-hold',
          },
        ],
      },
    });
    expect(post.headers['idempotency-key']).toBe('mr-1-hold');
  });

  it('releases a lot without an inspection lot with a 321', async () => {
    const { ports } = await ensure({ to: 'unrestricted', output: 'result' }, lot('B0047'));
    expect(ports.out![0]!.payload).toMatchObject({
      outcome: 'posted',
      posting: { movementKind: 'qi_to_unrestricted', erpMovementType: '321', quantity: { value: '30.000' } },
      lot: { stockType: 'unrestricted' },
    });
    expect(erp.server.stockOf('B0047')).toEqual({ '01': '30.000', '02': '0.000' });
  });

  it('moves only the difference when part of the quantity is already in the target', async () => {
    const hold = { to: 'blocked', quantity: 'msg.payload.qty', output: 'result' };
    await ensure(hold, lot('B0043', { qty: { value: '100', uom: 'KGM' } }), 'mr-1-first');
    const { ports } = await ensure(hold, lot('B0043', { qty: { value: '150.000', uom: 'KGM' } }), 'mr-2-more');
    expect(ports.out![0]!.payload).toMatchObject({
      outcome: 'posted',
      posting: {
        movementKind: 'unrestricted_to_blocked',
        erpMovementType: '344',
        quantity: { value: '50.000', uom: 'KGM' },
      },
      lot: { stockType: 'blocked' },
    });
    expect(erp.server.stockOf('B0043')).toEqual({ '01': '50.000', '07': '150.000' });
  });

  it('posts nothing when the lot is already in the target stock type', async () => {
    const before = documents();
    const { ports } = await ensure({ to: 'blocked' }, lot('B0045'));
    expect((ports.out![0]!.payload as { stockStatus: unknown }).stockStatus).toEqual({
      outcome: 'already',
      lot: {
        material: 'FG-1000',
        plant: 'P100',
        batch: 'B0045',
        storageLocation: '0001',
        stockType: 'blocked',
        stock: {
          unrestricted: { value: '0', uom: 'KGM' },
          quality_inspection: { value: '0', uom: 'KGM' },
          blocked: { value: '20.000', uom: 'KGM' },
        },
      },
    });
    expect(ports.out![0]!.headers).toEqual({ 'erp-outcome': 'already' });
    expect(documents()).toBe(before);
    expect(erp.server.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it("ignores special stock (a customer's sales order stock) of the same batch", async () => {
    const { ports } = await ensure({ to: 'blocked', output: 'result' }, lot('B0050'));
    expect(ports.out![0]!.payload).toMatchObject({ posting: { quantity: { value: '40.000' } } });
  });
});

describe('erp.set-stock-status refuses what it cannot ensure', () => {
  it('fails with ERP_STOCK_INSUFFICIENT when the source holds too little, posting nothing', async () => {
    const error = await failure(ensure({ to: 'blocked', from: 'quality_inspection', quantity: '500' }, lot('B0042')));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({
      code: 'ERP_STOCK_INSUFFICIENT',
      details: {
        reason: 'insufficient',
        batch: 'B0042',
        missing: '500',
        stock: { unrestricted: '0', quality_inspection: '480.000', blocked: '0' },
      },
    });
    expect(error.message).toBe(
      'Batch B0042 of FG-1000 in P100: 500 more is needed in blocked, and quality inspection holds 480.000.',
    );
    expect(documents()).toBe(1);
  });

  it('fails with ERP_STOCK_INSUFFICIENT when SAP reports a deficit (the stock moved since the read)', async () => {
    erp.server.fault({
      kind: 'reject',
      methods: ['POST'],
      status: 400,
      code: 'M7/021',
      message: 'Deficit of Quality inspection 12.000 KG : FG-1000 P100 0001 B0042',
    });
    const error = await failure(ensure({ to: 'blocked' }, lot('B0042')));
    expect(error).toMatchObject({ code: 'ERP_STOCK_INSUFFICIENT', vendorCode: 'M7/021', status: 400 });
    expect(error.message).toBe(
      'SAP refused movement 350: Deficit of Quality inspection 12.000 KG : FG-1000 P100 0001 B0042',
    );
  });

  it("passes on SAP's refusal of a 321 for a batch an inspection lot controls, as ERP_REJECTED", async () => {
    const error = await failure(ensure({ to: 'unrestricted' }, lot('B0042')));
    expect(error).toMatchObject({ code: 'ERP_REJECTED', vendorCode: 'QA/495', status: 400 });
    expect(erp.server.stockOf('B0042')).toEqual({ '02': '480.000' });
  });

  it('asks for "from" when the whole lot is split between two source types', async () => {
    const error = await failure(ensure({ to: 'blocked' }, lot('B0044')));
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: 'ERP_STOCK_SOURCE_AMBIGUOUS' });
  });

  it('asks for the storage location when the batch is in several', async () => {
    const error = await failure(ensure({ to: 'blocked' }, lot('B0046')));
    expect(error).toMatchObject({
      code: 'ERP_STORAGE_LOCATION_AMBIGUOUS',
      details: { storageLocations: ['0001', '0002'] },
    });
    const { ports } = await ensure({ to: 'blocked', storageLocation: "'0002'", output: 'result' }, lot('B0046'));
    expect(ports.out![0]!.payload).toMatchObject({
      posting: { quantity: { value: '15.000' } },
      lot: { storageLocation: '0002' },
    });
  });

  it('refuses a quantity in another unit than the stock is kept in', async () => {
    const error = await failure(ensure({ to: 'blocked', quantity: "'100'", uom: "'LTR'" }, lot('B0042')));
    expect(error).toMatchObject({ code: 'ERP_UOM_MISMATCH', details: { uom: 'LTR', stockUom: 'KGM' } });
  });

  it('refuses a target no transfer posting reaches, before calling the ERP', async () => {
    const error = await failure(ensure({ to: 'quality_inspection', from: 'unrestricted' }, lot('B0043')));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'ERP_MOVEMENT_UNSUPPORTED' });
    expect(erp.server.requests).toHaveLength(0);
  });

  it.each([
    [
      { erpBatch: undefined },
      'batch (msg.payload.erpBatch ?? msg.payload.producedLot?.erpBatch) is missing; it needs a value.',
    ],
    [
      { erpBatch: 'b0042' },
      'batch (msg.payload.erpBatch ?? msg.payload.producedLot?.erpBatch) is "b0042", which is not an ERP batch of up to 10 upper-case letters, digits, "-" or "_".',
    ],
    [
      { erpBatch: { id: 1 } },
      'batch (msg.payload.erpBatch ?? msg.payload.producedLot?.erpBatch) is an object; it needs a string.',
    ],
  ])('fails with a data error for bad input %j, and calls nothing', async (change, message) => {
    const error = await failure(ensure({ to: 'blocked' }, { ...lot('B0042'), ...change }));
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: 'ERP_INPUT_INVALID', details: { field: 'batch' } });
    expect(error.message).toBe(message);
    expect(erp.server.requests).toHaveLength(0);
  });

  it('fails with a data error for a quantity that is not one', async () => {
    const error = await failure(ensure({ to: 'blocked', quantity: 'msg.payload.qty' }, lot('B0042', { qty: '-5' })));
    expect(error).toMatchObject({
      code: 'ERP_INPUT_INVALID',
      details: { field: 'quantity', expression: 'msg.payload.qty' },
    });
  });

  it('fails as plain transient when SAP answers the POST with 503: it did not post', async () => {
    erp.server.fault({ kind: 'unavailable', status: 503, retryAfter: '30', methods: ['POST'] });
    const error = await failure(ensure({ to: 'blocked' }, lot('B0042')));
    expect(error).toMatchObject({ code: 'ERP_TRANSIENT', retryAfterMs: 30_000, details: { status: 503 } });
    expect(documents()).toBe(1);
  });

  it('fails as transient when the stock cannot be read, having posted nothing', async () => {
    erp.server.fault({ kind: 'unavailable', status: 429, retryAfter: '5', methods: ['GET'], times: 2 });
    const error = await failure(ensure({ to: 'blocked' }, lot('B0042')));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'ERP_TRANSIENT', retryAfterMs: 5000 });
    expect(documents()).toBe(1);
  });
});
