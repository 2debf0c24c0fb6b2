import { startSapTestServer, type SapTestServer, type SapTestServerOptions } from './test-server.ts';
import type { EntitySet } from './test-server-data.ts';
import { ODataError, type Row } from './test-server-query.ts';
import {
  DOCUMENT_SERVICE,
  DOCUMENT_SET,
  DOCUMENT_TYPES,
  STOCK_KEYS,
  STOCK_SERVICE,
  STOCK_SET,
  STOCK_TYPES,
  documentNumbers,
  postMaterialDocument,
  stockRow,
  type SapStockType,
  type StockSeed,
} from './test-server-stock.ts';

/**
 * Test support: the SAP test server seeded as a small S/4 plant, for the business nodes
 * (erp.get-order, erp.set-stock-status, erp.record-usage-decision). The entity sets, fields and
 * rules are the ones the ERP simulator is specified to have (manufacturing.md, "(b) ERP
 * simulator"): production orders with items and statuses, stock by stock type, transfer postings
 * by material document deep insert, inspection lots and their usage decisions.
 */

export { DOCUMENT_SERVICE, DOCUMENT_SET, STOCK_SERVICE, STOCK_SET } from './test-server-stock.ts';
export const ORDER_SERVICE = 'API_PRODUCTION_ORDER_2_SRV';
export const ORDER_SET = 'A_ProductionOrder_2';
export const INSPECTION_SERVICE = 'API_INSPECTIONLOT_SRV';
export const LOT_SET = 'A_InspectionLot';
export const UD_SET = 'A_InspLotUsageDecision';
export const ERP_USER = 'MILLRACE_COMM';
export const ERP_CREDENTIALS = { username: ERP_USER, password: 'erp-secret' };

export interface ErpTestServer extends SapTestServer {
  /** Every material document, in wire form, items under to_MaterialDocumentItem.results. */
  materialDocuments(): Row[];
  /** The stock of a batch by InventoryStockType ('01', '02', '07'), as decimal strings. */
  stockOf(
    batch: string,
    options?: { material?: string; plant?: string; storageLocation?: string },
  ): Partial<Record<SapStockType, string>>;
  /** The usage decision of an inspection lot, in wire form. */
  usageDecision(lot: string): Row | undefined;
}

const date = (iso: string) => `/Date(${Date.parse(iso)})/`;

const ORDER_FLAGS = [
  'OrderIsCreated',
  'OrderIsReleased',
  'OrderIsPartiallyReleased',
  'OrderIsPartiallyConfirmed',
  'OrderIsConfirmed',
  'OrderIsPartiallyDelivered',
  'OrderIsDelivered',
  'OrderIsTechnicallyCompleted',
  'OrderIsClosed',
  'OrderIsLocked',
  'OrderIsMarkedForDeletion',
  'OrderIsDeleted',
] as const;

const STATUS_TEXT: Readonly<Record<string, readonly [string, string]>> = {
  CRTD: ['I0001', 'Created'],
  REL: ['I0002', 'Released'],
  PCNF: ['I0010', 'Partially confirmed'],
  CNF: ['I0009', 'Confirmed'],
  DLV: ['I0012', 'Delivered'],
  TECO: ['I0045', 'Technically completed'],
  CLSD: ['I0046', 'Closed'],
  LKD: ['I0043', 'Locked'],
  DLFL: ['I0076', 'Deletion flag'],
  PRC: ['I0016', 'Pre-costed'],
};

function order(
  id: string,
  flags: ReadonlyArray<(typeof ORDER_FLAGS)[number]>,
  statuses: readonly string[],
  extra: Row = {},
): Row {
  return {
    ManufacturingOrder: id,
    ManufacturingOrderType: 'PP01',
    ManufacturingOrderCategory: '10',
    Material: 'FG-1000',
    MaterialName: 'Finished good 1000',
    ProductionPlant: 'P100',
    ProductionVersion: '0001',
    TotalQuantity: '500.000',
    MfgOrderPlannedScrapQty: '0.000',
    MfgOrderConfirmedYieldQty: '0.000',
    ProductionUnit: 'KG',
    MfgOrderPlannedStartDate: date('2026-03-02T00:00:00Z'),
    MfgOrderPlannedStartTime: 'PT06H00M00S',
    MfgOrderPlannedEndDate: date('2026-03-02T00:00:00Z'),
    MfgOrderPlannedEndTime: 'PT18H00M00S',
    LastChangeDateTime: `/Date(${Date.parse('2026-03-01T16:40:12Z')}+0000)/`,
    ...Object.fromEntries(ORDER_FLAGS.map((f) => [f, flags.includes(f)])),
    to_ProductionOrderItem: {
      results: [
        {
          ManufacturingOrder: id,
          ManufacturingOrderItem: '0001',
          Material: 'FG-1000',
          Batch: 'B0042',
          StorageLocation: '0001',
          MfgOrderItemPlannedTotalQty: '500.000',
          MfgOrderItemGoodsReceiptQty: '0.000',
          ProductionUnit: 'KG',
        },
      ],
    },
    to_ProductionOrderStatus: {
      results: statuses.map((short) => ({
        ManufacturingOrder: id,
        StatusCode: STATUS_TEXT[short]?.[0] ?? 'E0001',
        StatusShortName: short,
        StatusName: STATUS_TEXT[short]?.[1] ?? short,
        IsUserStatus: !STATUS_TEXT[short],
      })),
    },
    ...extra,
  };
}

export const ERP_ORDERS: readonly Row[] = [
  order('1000123', ['OrderIsCreated', 'OrderIsReleased'], ['REL', 'PRC']),
  order(
    '1000124',
    ['OrderIsCreated', 'OrderIsReleased', 'OrderIsConfirmed', 'OrderIsDelivered', 'OrderIsTechnicallyCompleted'],
    ['REL', 'CNF', 'DLV', 'TECO'],
    { MfgOrderConfirmedYieldQty: '498.500', MfgOrderPlannedScrapQty: '1.5' },
  ),
  order('1000125', ['OrderIsCreated'], ['CRTD'], { ProductionUnit: 'ST', TotalQuantity: '12' }),
  order('1000126', ['OrderIsCreated', 'OrderIsMarkedForDeletion'], ['CRTD', 'DLFL']),
  order('1000127', ['OrderIsCreated', 'OrderIsReleased', 'OrderIsLocked'], ['REL', 'LKD', 'QHLD']),
];

/** Lots of FG-1000 in plant P100: each batch set up for one situation the tests need. */
export const ERP_STOCK: readonly StockSeed[] = [
  // Fresh from production, in quality inspection, controlled by inspection lot 010000000042.
  { material: 'FG-1000', plant: 'P100', storageLocation: '0001', batch: 'B0042', type: '02', qty: '480.000' },
  // The same batch number of another material: a read that forgets the material would see it.
  { material: 'RM-2000', plant: 'P100', storageLocation: '0001', batch: 'B0042', type: '01', qty: '75.000' },
  // Released, unrestricted.
  { material: 'FG-1000', plant: 'P100', storageLocation: '0001', batch: 'B0043', type: '01', qty: '200.000' },
  // Split between quality inspection and unrestricted.
  { material: 'FG-1000', plant: 'P100', storageLocation: '0001', batch: 'B0044', type: '02', qty: '100.000' },
  { material: 'FG-1000', plant: 'P100', storageLocation: '0001', batch: 'B0044', type: '01', qty: '50.000' },
  // Already blocked.
  { material: 'FG-1000', plant: 'P100', storageLocation: '0001', batch: 'B0045', type: '07', qty: '20.000' },
  // In quality inspection in two storage locations.
  { material: 'FG-1000', plant: 'P100', storageLocation: '0001', batch: 'B0046', type: '02', qty: '10.000' },
  { material: 'FG-1000', plant: 'P100', storageLocation: '0002', batch: 'B0046', type: '02', qty: '15.000' },
  // In quality inspection, no inspection lot (QM not active for it): free transfer postings apply.
  { material: 'FG-1000', plant: 'P100', storageLocation: '0001', batch: 'B0047', type: '02', qty: '30.000' },
  // Own stock in QI, plus sales order stock (special stock E) of the same batch that is not ours to move.
  { material: 'FG-1000', plant: 'P100', storageLocation: '0001', batch: 'B0050', type: '02', qty: '40.000' },
  {
    material: 'FG-1000',
    plant: 'P100',
    storageLocation: '0001',
    batch: 'B0050',
    type: '02',
    qty: '5.000',
    specialStock: 'E',
  },
];

function inspectionLot(id: string, batch: string, hasUd: boolean, extra: Row = {}): Row {
  return {
    InspectionLot: id,
    Material: 'FG-1000',
    Batch: batch,
    Plant: 'P100',
    InspectionLotOrigin: '04',
    InspectionLotType: '04',
    ManufacturingOrder: '1000123',
    InspectionLotText: `GR from production, batch ${batch}`,
    InspectionLotQuantity: '480.000',
    InspectionLotQuantityUnit: 'KG',
    InspectionLotHasUsageDecision: hasUd,
    InspLotIsStockPostingCompleted: false,
    ...extra,
  };
}

export const ERP_INSPECTION_LOTS: readonly Row[] = [
  inspectionLot('010000000042', 'B0042', false),
  inspectionLot('010000000043', 'B0048', true),
  inspectionLot('010000000044', 'B0049', false, { InspectionLotOrigin: '01', ManufacturingOrder: '' }),
];

const UD_TYPES = {
  InspectionLot: 'string',
  InspLotUsageDecisionLevel: 'string',
  InspectionLotQualityScore: 'decimal',
  InspLotUsageDecisionCatalog: 'string',
  SelectedCodeSetPlant: 'string',
  InspLotUsgeDcsnSelectedSet: 'string',
  InspLotUsageDecisionCodeGroup: 'string',
  InspectionLotUsageDecisionCode: 'string',
  InspLotUsgeDcsnDynValuation: 'string',
  InspLotUsageDecisionValuation: 'string',
  InspLotUsgeDcsnFollowUpAction: 'string',
  InspectionLotUsageDecidedBy: 'string',
  InspectionLotUsageDecidedOn: 'datetime',
  InspLotUsageDecisionTime: 'string',
  InspLotUsgeDcsnHasLongText: 'boolean',
  ChangedDateTime: 'datetime',
} as const;

export const ERP_USAGE_DECISIONS: readonly Row[] = [
  {
    InspectionLot: '010000000043',
    InspLotUsageDecisionLevel: 'L',
    InspLotUsageDecisionCatalog: '3',
    SelectedCodeSetPlant: 'P100',
    InspLotUsgeDcsnSelectedSet: 'UD-FG',
    InspLotUsageDecisionCodeGroup: 'UD-FG',
    InspectionLotUsageDecisionCode: 'A1',
    InspLotUsageDecisionValuation: 'A',
    InspectionLotUsageDecidedBy: 'QA_LEAD',
    InspectionLotUsageDecidedOn: date('2026-03-04T00:00:00Z'),
    InspLotUsageDecisionTime: 'PT09H12M44S',
    InspLotUsgeDcsnHasLongText: false,
  },
];

export async function startErpTestServer(options: SapTestServerOptions = {}): Promise<ErpTestServer> {
  const server = await startSapTestServer({ basic: ERP_CREDENTIALS, ...options });
  server.define(ORDER_SERVICE, ORDER_SET, {
    keys: ['ManufacturingOrder'],
    types: {
      TotalQuantity: 'decimal',
      MfgOrderPlannedScrapQty: 'decimal',
      MfgOrderConfirmedYieldQty: 'decimal',
      MfgOrderPlannedStartDate: 'datetime',
      MfgOrderPlannedEndDate: 'datetime',
      LastChangeDateTime: 'datetime',
    },
    navigations: ['to_ProductionOrderItem', 'to_ProductionOrderStatus'],
    rows: ERP_ORDERS,
  });
  const stock = server.define(STOCK_SERVICE, STOCK_SET, {
    keys: STOCK_KEYS,
    emptyKeys: ['StorageLocation', 'Supplier', 'Customer', 'SDDocument', 'InventorySpecialStockType'],
    types: { ...STOCK_TYPES, MatlWrhsStkQtyInMatlBaseUnit: 'decimal' },
    rows: ERP_STOCK.map(stockRow),
  });
  const lots = server.define(INSPECTION_SERVICE, LOT_SET, {
    keys: ['InspectionLot'],
    types: { InspectionLotQuantity: 'decimal' },
    rows: ERP_INSPECTION_LOTS,
  });
  const openLot = (material: string, plant: string, batch: string) =>
    lots
      .all()
      .map((s) => s.row)
      .find(
        (r) => r.Material === material && r.Plant === plant && r.Batch === batch && !r.InspectionLotHasUsageDecision,
      )?.InspectionLot as string | undefined;
  const documents = server.define(DOCUMENT_SERVICE, DOCUMENT_SET, {
    keys: ['MaterialDocumentYear', 'MaterialDocument'],
    types: DOCUMENT_TYPES,
    navigations: ['to_MaterialDocumentItem'],
    rows: [
      // An earlier goods receipt: a search for our own postings must not take it for one.
      {
        MaterialDocumentYear: '2026',
        MaterialDocument: '4900000001',
        GoodsMovementCode: '02',
        PostingDate: date('2026-03-02T00:00:00Z'),
        DocumentDate: date('2026-03-02T00:00:00Z'),
        MaterialDocumentHeaderText: 'GR order 1000123',
        ReferenceDocument: '1000123',
        CreatedByUser: 'MES_USER',
        CreationDate: date('2026-03-02T00:00:00Z'),
        to_MaterialDocumentItem: {
          results: [
            {
              MaterialDocumentYear: '2026',
              MaterialDocument: '4900000001',
              MaterialDocumentItem: '1',
              Material: 'FG-1000',
              Plant: 'P100',
              StorageLocation: '0001',
              Batch: 'B0042',
              GoodsMovementType: '101',
              QuantityInEntryUnit: '480.000',
              EntryUnit: 'KG',
            },
          ],
        },
      },
    ],
    onInsert: postMaterialDocument(
      { stock: () => stock, openInspectionLot: openLot, user: ERP_USER },
      documentNumbers(4900000002),
    ),
  });
  const decisions = server.define(INSPECTION_SERVICE, UD_SET, {
    keys: ['InspectionLot'],
    types: UD_TYPES,
    rows: ERP_USAGE_DECISIONS,
    onInsert: (ud) => recordDecision(ud, lots, server.entity(INSPECTION_SERVICE, UD_SET, ud) !== undefined),
  });

  return Object.assign(server, {
    materialDocuments: () => documents.all().map((s) => s.row),
    stockOf(batch: string, where: { material?: string; plant?: string; storageLocation?: string } = {}) {
      const out: Partial<Record<SapStockType, string>> = {};
      for (const { row } of stock.all()) {
        if (row.Batch !== batch || row.InventorySpecialStockType !== '') continue;
        if (row.Material !== (where.material ?? 'FG-1000') || row.Plant !== (where.plant ?? 'P100')) continue;
        if (row.StorageLocation !== (where.storageLocation ?? '0001')) continue;
        out[row.InventoryStockType as SapStockType] = row.MatlWrhsStkQtyInMatlBaseUnit as string;
      }
      return out;
    },
    usageDecision: (lot: string) => decisions.get({ InspectionLot: lot })?.row,
  });
}

/** The onInsert rule of A_InspLotUsageDecision: one decision per lot, valued A or R. */
function recordDecision(ud: Row, lots: EntitySet, decided: boolean): Row {
  const lot = lots.get({ InspectionLot: ud.InspectionLot });
  if (!lot) throw new ODataError(400, 'QA/101', `Inspection lot ${String(ud.InspectionLot)} does not exist.`);
  if (decided || lot.row.InspectionLotHasUsageDecision)
    throw new ODataError(
      400,
      'QA/150',
      `A usage decision has already been made for inspection lot ${String(ud.InspectionLot)}.`,
    );
  if (typeof ud.InspectionLotUsageDecisionCode !== 'string' || ud.InspectionLotUsageDecisionCode === '')
    throw new ODataError(400, 'QA/120', 'Enter a usage decision code.');
  if (ud.InspLotUsageDecisionValuation !== 'A' && ud.InspLotUsageDecisionValuation !== 'R')
    throw new ODataError(400, 'QA/121', `Valuation ${String(ud.InspLotUsageDecisionValuation)} is not A or R.`);
  lots.update(lot, { InspectionLotHasUsageDecision: true });
  const now = new Date();
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    InspLotUsageDecisionLevel: 'L',
    ...ud,
    InspectionLotUsageDecidedBy: ERP_USER,
    InspectionLotUsageDecidedOn: `/Date(${day})/`,
    InspLotUsageDecisionTime: `PT${pad(now.getUTCHours())}H${pad(now.getUTCMinutes())}M${pad(now.getUTCSeconds())}S`,
    InspLotUsgeDcsnHasLongText: false,
  };
}
