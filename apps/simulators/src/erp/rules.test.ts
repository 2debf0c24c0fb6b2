import { afterEach, describe, expect, it } from 'vitest';
import { startErpSimulator, type ErpSimulator } from './index.ts';
import { ErpHttp, ROOT } from './test-support/http.ts';

let erp: ErpSimulator | undefined;
afterEach(async () => erp?.close());

const DOCS = `${ROOT}/API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader`;
const LOTS = `${ROOT}/API_INSPECTIONLOT_SRV`;

async function start(options: Parameters<typeof startErpSimulator>[0] = {}) {
  erp = await startErpSimulator(options);
  const http = new ErpHttp(erp.url);
  await http.fetchToken('API_MATERIAL_DOCUMENT_SRV');
  return { erp, http };
}

const item = (x: Record<string, string>) => ({
  Material: 'FG-1000',
  Plant: 'P100',
  StorageLocation: '0001',
  EntryUnit: 'KG',
  ...x,
});
const stockOf = (e: ErpSimulator, batch: string, material = 'FG-1000') =>
  Object.fromEntries(
    e
      .store()
      .stock.filter(
        (s) =>
          s.Batch === batch &&
          s.Material === material &&
          s.InventorySpecialStockType === '' &&
          Number(s.MatlWrhsStkQtyInMatlBaseUnit) !== 0,
      )
      .map((s) => [s.InventoryStockType, s.MatlWrhsStkQtyInMatlBaseUnit]),
  );

describe('ERP simulator business rules', () => {
  it('a goods receipt 101 for a QM-active material puts the stock in QI and opens an origin-04 inspection lot', async () => {
    const { erp, http } = await start();
    const res = await http.write('POST', DOCS, {
      GoodsMovementCode: '02',
      PostingDate: '/Date(1772409600000)/',
      MaterialDocumentHeaderText: 'MES batch complete',
      to_MaterialDocumentItem: {
        results: [
          item({
            Batch: 'B7001',
            GoodsMovementType: '101',
            QuantityInEntryUnit: '125.5',
            ManufacturingOrder: '1000105',
          }),
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.json.d).toMatchObject({
      MaterialDocumentYear: '2026',
      MaterialDocument: expect.stringMatching(/^49\d{8}$/),
    });
    expect(res.json.d.to_MaterialDocumentItem.results[0]).toMatchObject({
      MaterialDocumentItem: '1',
      GoodsMovementType: '101',
      InventoryStockType: '02',
    });
    expect(stockOf(erp, 'B7001')).toEqual({ '02': '125.500' });
    const lot = erp.store().inspectionLots.find((l) => l.Batch === 'B7001')!;
    expect(lot).toMatchObject({
      InspectionLotOrigin: '04',
      ManufacturingOrder: '1000105',
      InspectionLotQuantity: '125.500',
      InspectionLotHasUsageDecision: false,
    });
    expect(lot.InspectionLot).toMatch(/^04\d{10}$/);
    expect(erp.store().inspectionCharacteristics.filter((c) => c.InspectionLot === lot.InspectionLot)).toHaveLength(3);
    const order = erp.store().orders.find((o) => o.ManufacturingOrder === '1000105')!;
    expect(order.statuses).toContain('PDLV');
    // 250 from the seeded receipt of B0049 plus this one.
    expect(order.items[0]!.MfgOrderItemGoodsReceiptQty).toBe('375.500');
    const read = await http.get(
      `${LOTS}/A_InspectionLot('${String(lot.InspectionLot)}')?$select=InspectionLot,Batch,InspectionLotQuantity`,
    );
    expect(read.json.d).toMatchObject({ Batch: 'B7001', InspectionLotQuantity: '125.500' });
  });

  it('a usage decision A posts the lot QI stock to unrestricted with a 321 and completes the stock posting; a second UD is refused', async () => {
    const { erp, http } = await start();
    await http.fetchToken('API_INSPECTIONLOT_SRV');
    const ud = await http.write('POST', `${LOTS}/A_InspLotUsageDecision`, {
      InspectionLot: '40000000003',
      InspectionLotUsageDecisionCode: 'A1',
      InspLotUsageDecisionValuation: 'A',
      InspLotUsageDecisionCodeGroup: 'UD-FG',
    });
    expect(ud.status).toBe(201);
    expect(ud.json.d).toMatchObject({
      InspectionLot: '040000000003',
      InspectionLotUsageDecidedBy: 'MILLRACE_COMM',
      InspLotUsageDecisionTime: expect.stringMatching(/^PT\d\dH\d\dM\d\dS$/),
    });
    expect(ud.json.d.InspectionLotUsageDecidedOn).toMatch(/^\/Date\(\d+\)\/$/);
    expect(stockOf(erp, 'B0049')).toEqual({ '01': '250.000' });
    const lot = await http.get(
      `${LOTS}/A_InspectionLot('040000000003')?$select=InspLotIsStockPostingCompleted,InspectionLotHasUsageDecision,InspLotQtyToFree`,
    );
    expect(lot.json.d).toMatchObject({
      InspLotIsStockPostingCompleted: true,
      InspectionLotHasUsageDecision: true,
      InspLotQtyToFree: '250.000',
    });
    const posting = erp
      .store()
      .materialDocuments.filter((d) => d.items.some((i) => i.Batch === 'B0049' && i.GoodsMovementType === '321'));
    expect(posting).toHaveLength(1);
    const again = await http.write('POST', `${LOTS}/A_InspLotUsageDecision`, {
      InspectionLot: '040000000003',
      InspectionLotUsageDecisionCode: 'R1',
      InspLotUsageDecisionValuation: 'R',
    });
    expect(again.status).toBe(400);
    expect(again.json.error.code).toBe('QA/150');
    expect(erp.store().usageDecisions.filter((u) => u.InspectionLot === '040000000003')).toHaveLength(1);
    expect((await http.get(`${LOTS}/A_InspLotUsageDecision('040000000001')`)).status).toBe(404);
  });

  it('a usage decision R posts to blocked (350); without autoPost the stock stays in QI, to be posted', async () => {
    const { erp, http } = await start({ autoPostOnUsageDecision: false });
    await http.fetchToken('API_INSPECTIONLOT_SRV');
    const ud = await http.write('POST', `${LOTS}/A_InspLotUsageDecision`, {
      InspectionLot: '040000000003',
      InspectionLotUsageDecisionCode: 'R1',
      InspLotUsageDecisionValuation: 'R',
    });
    expect(ud.status).toBe(201);
    expect(stockOf(erp, 'B0049')).toEqual({ '02': '250.000' });
    expect(erp.store().inspectionLots.find((l) => l.InspectionLot === '040000000003')).toMatchObject({
      InspLotIsStockPostingCompleted: false,
      InspLotQtyToBePosted: '250.000',
    });
  });

  it('refuses a usage decision while required characteristics have no results, and accepts it once they do', async () => {
    const { erp, http } = await start();
    await http.fetchToken('API_INSPECTIONLOT_SRV');
    const ud = {
      InspectionLot: '040000000001',
      InspectionLotUsageDecisionCode: 'R1',
      InspLotUsageDecisionValuation: 'R',
    };
    const early = await http.write('POST', `${LOTS}/A_InspLotUsageDecision`, ud);
    expect(early.status).toBe(400);
    expect(early.json.error.message.value).toMatch(/0010 \(pH value\), 0020 \(Moisture\)/);
    const r1 = await http.write('POST', `${LOTS}/A_InspectionResult`, {
      InspectionLot: '040000000001',
      InspPlanOperationInternalID: '00000001',
      InspectionCharacteristic: '0010',
      InspectionResultMeanValue: '8.1',
    });
    expect(r1.status).toBe(201);
    expect(r1.json.d.InspectionValuationResult).toBe('R');
    const r2 = await http.write('POST', `${LOTS}/A_InspectionResult`, {
      InspectionLot: '040000000001',
      InspPlanOperationInternalID: '00000001',
      InspectionCharacteristic: '0020',
      InspectionResultMeanValue: 1.1,
    });
    expect(r2.json.d.InspectionValuationResult).toBe('A');
    const decided = await http.write('POST', `${LOTS}/A_InspLotUsageDecision`, ud);
    expect(decided.status).toBe(201);
    expect(stockOf(erp, 'B0042')).toEqual({ '07': '480.000' });
    const status = await http.get(
      `${LOTS}/A_InspectionLotWithStatus('040000000001')?$select=InspLotStsDefectsRecorded,InspLotStatusInspCompleted`,
    );
    expect(status.json.d).toMatchObject({ InspLotStsDefectsRecorded: true, InspLotStatusInspCompleted: true });
  });

  it('opens production lots without characteristics in a plant whose results live in the QMS, so a UD needs none', async () => {
    const { erp, http } = await start({ resultsInQms: ['P100'] });
    const received = await http.write('POST', DOCS, {
      GoodsMovementCode: '02',
      to_MaterialDocumentItem: {
        results: [
          item({ Batch: 'B7002', GoodsMovementType: '101', QuantityInEntryUnit: '40', ManufacturingOrder: '1000105' }),
        ],
      },
    });
    expect(received.status).toBe(201);
    const lot = erp.store().inspectionLots.find((l) => l.Batch === 'B7002')!;
    expect(lot).toMatchObject({ InspectionLotOrigin: '04', BillOfOperationsType: '' });
    expect(erp.store().inspectionCharacteristics.filter((c) => c.InspectionLot === lot.InspectionLot)).toEqual([]);
    await http.fetchToken('API_INSPECTIONLOT_SRV');
    const ud = await http.write('POST', `${LOTS}/A_InspLotUsageDecision`, {
      InspectionLot: lot.InspectionLot,
      InspectionLotUsageDecisionCode: 'A1',
      InspLotUsageDecisionValuation: 'A',
    });
    expect(ud.status).toBe(201);
    expect(stockOf(erp, 'B7002')).toEqual({ '01': '40.000' });
  });

  it('refuses a 321 on a batch under an open inspection lot, and allows it on QI stock without a lot', async () => {
    const { erp, http } = await start();
    const doc = (batch: string) => ({
      GoodsMovementCode: '04',
      MaterialDocumentHeaderText: 'MR-release',
      to_MaterialDocumentItem: [item({ Batch: batch, GoodsMovementType: '321', QuantityInEntryUnit: '10' })],
    });
    const refused = await http.write('POST', DOCS, doc('B0042'));
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('QA/495');
    expect(refused.json.error.message.value).toMatch(/inspection lot 040000000001/);
    expect(stockOf(erp, 'B0042')).toEqual({ '02': '480.000' });
    const free = await http.write('POST', DOCS, doc('B0047'));
    expect(free.status).toBe(201);
    expect(stockOf(erp, 'B0047')).toEqual({ '02': '20.000', '01': '10.000' });
    const found = await http.get(
      `${DOCS}?$filter=MaterialDocumentHeaderText eq 'MR-release'&$expand=to_MaterialDocumentItem`.replaceAll(
        ' ',
        '%20',
      ),
    );
    expect(found.json.d.results).toHaveLength(1);
    expect(found.json.d.results[0].to_MaterialDocumentItem.results[0]).toMatchObject({
      Batch: 'B0047',
      GoodsMovementType: '321',
      QuantityInEntryUnit: '10.000',
    });
  });

  it('refuses a transfer with a deficit of the source stock type with 400 M7/021, posting none of the items', async () => {
    const { erp, http } = await start();
    const res = await http.write('POST', DOCS, {
      GoodsMovementCode: '04',
      MaterialDocumentHeaderText: 'MR-hold',
      to_MaterialDocumentItem: {
        results: [
          item({ Batch: 'B0043', GoodsMovementType: '344', QuantityInEntryUnit: '150' }),
          item({ Batch: 'B0043', GoodsMovementType: '344', QuantityInEntryUnit: '60' }),
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('M7/021');
    expect(res.json.error.message.value).toBe('Deficit of Unrestricted-use 10.000 KG : FG-1000 P100 0001 B0043');
    expect(stockOf(erp, 'B0043')).toEqual({ '01': '200.000' });
    expect(erp.store().materialDocuments.filter((d) => d.MaterialDocumentHeaderText === 'MR-hold')).toHaveLength(0);
    const blocked = await http.write('POST', DOCS, {
      GoodsMovementCode: '04',
      to_MaterialDocumentItem: [item({ Batch: 'B0045', GoodsMovementType: '350', QuantityInEntryUnit: '1' })],
    });
    expect(blocked.json.error.message.value).toMatch(/^Deficit of Quality inspection 1.000 KG/);
  });

  it('refuses bad items clearly: a batch id over 10 characters, an unknown movement type, a wrong unit, a missing order', async () => {
    const { http } = await start();
    const post = (x: Record<string, string>, code = '04') =>
      http.write('POST', DOCS, { GoodsMovementCode: code, to_MaterialDocumentItem: [item(x)] });
    const long = await post({ Batch: 'MES-LOT-2026-0001', GoodsMovementType: '344', QuantityInEntryUnit: '1' });
    expect(long.status).toBe(400);
    expect(long.json.error.message.value).toMatch(/'Batch'.*longer than 10/);
    expect((await post({ Batch: 'B0043', GoodsMovementType: '999', QuantityInEntryUnit: '1' })).json.error.code).toBe(
      'M7/012',
    );
    expect(
      (await post({ Batch: 'B0043', GoodsMovementType: '344', QuantityInEntryUnit: '1', EntryUnit: 'G' })).json.error
        .code,
    ).toBe('M7/061');
    const fine = await post({ Batch: 'B0043', GoodsMovementType: '344', QuantityInEntryUnit: '1.2345' });
    expect(fine.json.error.message.value).toMatch(/'QuantityInEntryUnit'.*more than 3 decimals/);
    expect(
      (await post({ Batch: 'B0043', GoodsMovementType: '101', QuantityInEntryUnit: '1' }, '02')).json.error.message
        .value,
    ).toMatch(/ManufacturingOrder is missing/);
    const unreleased = await post(
      { Batch: 'B9', GoodsMovementType: '101', QuantityInEntryUnit: '1', ManufacturingOrder: '1000100' },
      '02',
    );
    expect(unreleased.json.error.message.value).toMatch(/not released/);
    const batchKey = await http.get(
      `${ROOT}/API_BATCH_SRV/Batch(Material='FG-1000',BatchIdentifyingPlant='P100',Batch='ABCDEFGHIJK')`,
    );
    expect(batchKey.status).toBe(400);
  });

  it('moves orders through CRTD → REL → CNF → TECO → CLSD and refuses skipped steps', async () => {
    const { erp, http } = await start();
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    const fn = (name: string, extra = '') =>
      http.write('POST', `${ROOT}/API_PRODUCTION_ORDER_2_SRV/${name}?ManufacturingOrder='1000101'${extra}`);
    expect((await fn('CloseOrder')).json.error.code).toBe('CO/018');
    expect((await fn('TechnicallyCompleteOrder')).json.error.message.value).toMatch(/not released/);
    expect((await fn('ReleaseOrder')).status).toBe(200);
    expect(
      (await fn('ConfirmOrder', '&ConfirmationYieldQuantity=100.5M&IsFinalConfirmation=true')).json.d,
    ).toMatchObject({ OrderIsConfirmed: true, MfgOrderConfirmedYieldQty: '100.500' });
    expect((await fn('TechnicallyCompleteOrder')).status).toBe(200);
    const closed = await fn('CloseOrder');
    expect(closed.json.d.OrderIsClosed).toBe(true);
    expect(erp.store().orders.find((o) => o.ManufacturingOrder === '1000101')!.statuses).toEqual([
      'REL',
      'CNF',
      'TECO',
      'CLSD',
    ]);
    const etag = (await http.get(`${ROOT}/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2('1000101')`)).headers.get(
      'etag',
    )!;
    const patch = await http.write(
      'PATCH',
      `${ROOT}/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2('1000101')`,
      { TotalQuantity: '5' },
      { 'if-match': etag },
    );
    expect(patch.status).toBe(400);
    expect(patch.json.error.message.value).toMatch(/closed/);
  });

  it('seeds goods receipts through the GR-101 rule (lots and QI stock), all or nothing', async () => {
    const { erp } = await start();
    const seed = (body: unknown) => fetch(`${erp.url}/__sim/seed`, { method: 'POST', body: JSON.stringify(body) });
    const receipts = Array.from({ length: 200 }, (_, i) => ({
      order: String(2000000 + Math.floor(i / 4)),
      material: 'FG-1000',
      plant: 'P100',
      batch: `L${String(i).padStart(5, '0')}`,
      quantity: '10',
      unit: 'KG',
    }));
    const res = await seed({
      goodsReceipts: receipts,
      qualityInfoRecords: [
        { material: 'RM-2100', supplier: 'SUP-9', plant: 'P200', procurementBlock: '01', blockReason: 'Audit' },
      ],
    });
    const body = (await res.json()) as { inspectionLots: string[]; orders: string[] };
    expect(res.status).toBe(200);
    expect(body.inspectionLots).toHaveLength(200);
    expect(body.orders).toHaveLength(50);
    expect(stockOf(erp, 'L00199')).toEqual({ '02': '10.000' });
    expect(erp.store().qualityInfoRecords.find((q) => q.Supplier === 'SUP-9')).toMatchObject({
      ProcurementBlock: '01',
      BlockReason: 'Audit',
    });
    const before = erp.store().inspectionLots.length;
    const bad = await seed({ goodsReceipts: [receipts[0], { ...receipts[1], batch: 'WAY-TOO-LONG-ID' }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /^goodsReceipts\[1\]: .*WAY-TOO-LONG-ID/,
    );
    expect(erp.store().inspectionLots.length).toBe(before);
  });

  it('reverses a goods receipt with Cancel: stock back out of QI and the lot cancelled', async () => {
    const { erp, http } = await start();
    const gr = await http.write('POST', DOCS, {
      GoodsMovementCode: '02',
      to_MaterialDocumentItem: [
        item({ Batch: 'B7002', GoodsMovementType: '101', QuantityInEntryUnit: '5', ManufacturingOrder: '1000105' }),
      ],
    });
    const { MaterialDocument, MaterialDocumentYear } = gr.json.d;
    const cancel = await http.write(
      'POST',
      `${ROOT}/API_MATERIAL_DOCUMENT_SRV/Cancel?MaterialDocumentYear='${MaterialDocumentYear}'&MaterialDocument='${MaterialDocument}'`,
    );
    expect(cancel.status).toBe(200);
    expect(cancel.json.d.GoodsMovementCode).toBe('06');
    expect(stockOf(erp, 'B7002')).toEqual({});
    expect(erp.store().inspectionLots.find((l) => l.Batch === 'B7002')!.canceled).toBe(true);
    const twice = await http.write(
      'POST',
      `${ROOT}/API_MATERIAL_DOCUMENT_SRV/Cancel?MaterialDocumentYear='${MaterialDocumentYear}'&MaterialDocument='${MaterialDocument}'`,
    );
    expect(twice.json.error.code).toBe('M7/157');
  });

  it('sets a procurement block on a quality info record and restricts a batch, both with ETags', async () => {
    const { erp, http } = await start();
    await http.fetchToken('API_QUALITYINFORECORD_SRV');
    const list = await http.get(
      `${ROOT}/API_QUALITYINFORECORD_SRV/QualityInProcurement?$filter=Supplier eq 'SUP-4711' and Material eq 'RM-2000'`.replaceAll(
        ' ',
        '%20',
      ),
    );
    const qir = list.json.d.results[0];
    const uri = new URL(qir.__metadata.uri).pathname;
    const res = await http.write(
      'PATCH',
      uri,
      { ProcurementBlock: '01', BlockReason: 'Supplier quality incident' },
      { 'if-match': qir.__metadata.etag },
    );
    expect(res.status).toBe(204);
    expect(
      erp.store().qualityInfoRecords.find((q) => q.Supplier === 'SUP-4711' && q.Material === 'RM-2000'),
    ).toMatchObject({ ProcurementBlock: '01', BlockReason: 'Supplier quality incident' });
    const batchUrl = `${ROOT}/API_BATCH_SRV/Batch(Material='FG-1000',BatchIdentifyingPlant='P100',Batch='B0043')`;
    const batch = await http.get(batchUrl);
    const restricted = await http.write(
      'PATCH',
      batchUrl,
      { d: { MatlBatchIsInRstrcdUseStock: true } },
      { 'if-match': batch.headers.get('etag')! },
    );
    expect(restricted.status).toBe(204);
    expect((await http.get(batchUrl)).json.d.MatlBatchIsInRstrcdUseStock).toBe(true);
    const plan = await http.get(
      `${ROOT}/API_INSPECTIONPLAN_SRV/A_InspPlanOpCharacteristic?$filter=InspectionPlanGroup eq '50000001'`.replaceAll(
        ' ',
        '%20',
      ),
    );
    expect(
      plan.json.d.results.map((c: { InspectionSpecificationText: string; InspSpecLowerLimit: string }) => [
        c.InspectionSpecificationText,
        c.InspSpecLowerLimit,
      ]),
    ).toEqual([
      ['pH value', '6.5'],
      ['Moisture', '0'],
      ['Appearance', null],
    ]);
  });
});
