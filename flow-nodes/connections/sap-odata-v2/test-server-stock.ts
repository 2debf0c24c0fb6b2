import type { EntitySet } from './test-server-data.ts';
import { ODataError, type Row } from './test-server-query.ts';

/**
 * Test support: stock by stock type (API_MATERIAL_STOCK_SRV A_MatlStkInAcctMod) and transfer
 * postings between stock types (API_MATERIAL_DOCUMENT_SRV A_MaterialDocumentHeader, deep insert),
 * with the rules S/4 applies to them: GoodsMovementCode 04, enough stock in the source stock
 * type (else M7/021 "Deficit"), a 321 refused while an inspection lot controls the batch, every
 * item posted or none, a document number assigned by the server. Used by test-server-erp.ts.
 */

export const STOCK_SERVICE = 'API_MATERIAL_STOCK_SRV';
export const STOCK_SET = 'A_MatlStkInAcctMod';
export const DOCUMENT_SERVICE = 'API_MATERIAL_DOCUMENT_SRV';
export const DOCUMENT_SET = 'A_MaterialDocumentHeader';

/** InventoryStockType: 01 unrestricted, 02 quality inspection, 07 blocked. */
export type SapStockType = '01' | '02' | '07';

/** The transfer postings between stock types: movement type → [from, to]. */
const TRANSFERS: Readonly<Record<string, readonly [SapStockType, SapStockType]>> = {
  '321': ['02', '01'],
  '350': ['02', '07'],
  '344': ['01', '07'],
  '343': ['07', '01'],
  '349': ['07', '02'],
};

const TYPE_NAMES: Readonly<Record<SapStockType, string>> = {
  '01': 'Unrestricted-use',
  '02': 'Quality inspection',
  '07': 'Blocked stock',
};

/** Every key field of A_MatlStkInAcctMod, as the real service has them. */
export const STOCK_KEYS = [
  'Material',
  'Plant',
  'StorageLocation',
  'Batch',
  'Supplier',
  'Customer',
  'WBSElementInternalID',
  'SDDocument',
  'SDDocumentItem',
  'InventorySpecialStockType',
  'InventoryStockType',
] as const;

export interface StockSeed {
  readonly material: string;
  readonly plant: string;
  readonly storageLocation: string;
  readonly batch: string;
  readonly type: SapStockType;
  readonly qty: string;
  readonly unit?: string;
  /** E (sales order stock), K (consignment), …; '' for own stock. */
  readonly specialStock?: string;
}

export function stockRow(s: StockSeed): Row {
  return {
    Material: s.material,
    Plant: s.plant,
    StorageLocation: s.storageLocation,
    Batch: s.batch,
    Supplier: '',
    Customer: '',
    WBSElementInternalID: '00000000',
    SDDocument: '',
    SDDocumentItem: '000000',
    InventorySpecialStockType: s.specialStock ?? '',
    InventoryStockType: s.type,
    MaterialBaseUnit: s.unit ?? 'KG',
    MatlWrhsStkQtyInMatlBaseUnit: s.qty,
  };
}

export const STOCK_TYPES = Object.fromEntries([...STOCK_KEYS, 'MaterialBaseUnit'].map((k) => [k, 'string'])) as Record<
  string,
  'string'
>;

export const DOCUMENT_TYPES = {
  MaterialDocumentYear: 'string',
  MaterialDocument: 'string',
  GoodsMovementCode: 'string',
  PostingDate: 'datetime',
  DocumentDate: 'datetime',
  MaterialDocumentHeaderText: 'string',
  ReferenceDocument: 'string',
  CreatedByUser: 'string',
  CreationDate: 'datetime',
} as const;

export interface PostingRules {
  readonly stock: () => EntitySet;
  /** The batch is under an open inspection lot (QM controls its QI stock). */
  readonly openInspectionLot: (material: string, plant: string, batch: string) => string | undefined;
  readonly user: string;
}

/** Material document numbers, per server: the next one is assigned by each posting. */
export function documentNumbers(first = 4900000001) {
  let next = first;
  return () => String(next++);
}

/**
 * The onInsert rule of A_MaterialDocumentHeader: checks every item, then moves the stock of all of
 * them, then returns the header with its number, year, creator and numbered items.
 */
export function postMaterialDocument(rules: PostingRules, nextNumber: () => string) {
  return (header: Row): Row => {
    if (header.GoodsMovementCode !== '04')
      throw new ODataError(
        400,
        'M7/096',
        `GoodsMovementCode ${String(header.GoodsMovementCode)} is not 04 (transfer posting).`,
      );
    const raw = header.to_MaterialDocumentItem as { results?: unknown } | unknown[] | undefined;
    const items = (Array.isArray(raw) ? raw : (raw?.results ?? [])) as Row[];
    if (!Array.isArray(items) || items.length === 0)
      throw new ODataError(400, 'M7/011', 'The material document has no items (to_MaterialDocumentItem).');
    const moves = items.map((item, i) => checkItem(rules, item, i + 1));
    // Every item has been checked against the stock as it was: post all of them or none.
    const deficits = new Map<string, number>();
    for (const m of moves) {
      const left = (deficits.get(m.from.key) ?? Number(m.from.row.MatlWrhsStkQtyInMatlBaseUnit)) - m.qty;
      if (left < -1e-9) throw deficit(m.item, m.fromType, -left);
      deficits.set(m.from.key, left);
    }
    for (const m of moves) move(rules.stock(), m);

    const number = nextNumber();
    const posting = typeof header.PostingDate === 'string' ? header.PostingDate : `/Date(${today()})/`;
    const year = String(new Date(Number(/-?\d+/.exec(posting)![0])).getUTCFullYear());
    return {
      ...header,
      MaterialDocumentYear: year,
      MaterialDocument: number,
      PostingDate: posting,
      DocumentDate: header.DocumentDate ?? posting,
      CreatedByUser: rules.user,
      CreationDate: `/Date(${today()})/`,
      to_MaterialDocumentItem: {
        results: items.map((item, i) => ({
          ...item,
          MaterialDocumentYear: year,
          MaterialDocument: number,
          MaterialDocumentItem: String(i + 1),
        })),
      },
    };
  };
}

interface Move {
  readonly item: Row;
  readonly fromType: SapStockType;
  readonly toType: SapStockType;
  readonly from: { readonly key: string; readonly row: Row };
  readonly qty: number;
}

function checkItem(rules: PostingRules, item: Row, position: number): Move {
  const type = String(item.GoodsMovementType ?? '');
  const transfer = TRANSFERS[type];
  if (!transfer)
    throw new ODataError(400, 'M7/012', `Item ${position}: movement type ${type || '(none)'} is not allowed here.`);
  for (const field of ['Material', 'Plant', 'StorageLocation', 'Batch', 'QuantityInEntryUnit', 'EntryUnit']) {
    if (typeof item[field] !== 'string' || item[field] === '')
      throw new ODataError(400, 'M7/010', `Item ${position}: ${field} is missing.`);
  }
  const batch = String(item.Batch);
  if (!/^[A-Z0-9_-]{1,10}$/.test(batch))
    throw new ODataError(400, 'M7/042', `Item ${position}: batch ${batch} is not a valid batch number.`);
  const quantity = String(item.QuantityInEntryUnit);
  if (!/^\d+(\.\d{1,3})?$/.test(quantity) || Number(quantity) <= 0)
    throw new ODataError(400, 'M7/051', `Item ${position}: quantity ${quantity} is not a positive decimal.`);
  const [fromType, toType] = transfer;
  const material = String(item.Material);
  const plant = String(item.Plant);
  if (type === '321') {
    const lot = rules.openInspectionLot(material, plant, batch);
    if (lot)
      throw new ODataError(
        400,
        'QA/495',
        `Stock of batch ${batch} in quality inspection is managed by inspection lot ${lot}; make a usage decision instead.`,
      );
  }
  const set = rules.stock();
  const key = stockKey(item, fromType);
  const from = set.get(key);
  const qty = Number(quantity);
  if (!from || Number(from.row.MatlWrhsStkQtyInMatlBaseUnit) < qty)
    throw deficit(item, fromType, qty - Number(from?.row.MatlWrhsStkQtyInMatlBaseUnit ?? 0));
  if (from.row.MaterialBaseUnit !== item.EntryUnit)
    throw new ODataError(
      400,
      'M7/061',
      `Item ${position}: unit ${String(item.EntryUnit)} is not the base unit ${String(from.row.MaterialBaseUnit)} of ${material}.`,
    );
  return { item, fromType, toType, from: { key: set.keyText(key), row: from.row }, qty };
}

function move(set: EntitySet, m: Move): void {
  const scale = (q: string) => Math.max(3, q.split('.')[1]?.length ?? 0);
  const fmt = (n: number) => n.toFixed(scale(String(m.item.QuantityInEntryUnit)));
  const from = set.find(stockKey(m.item, m.fromType));
  set.update(from, { MatlWrhsStkQtyInMatlBaseUnit: fmt(Number(from.row.MatlWrhsStkQtyInMatlBaseUnit) - m.qty) });
  const toKey = stockKey(m.item, m.toType);
  const to = set.get(toKey);
  if (to) set.update(to, { MatlWrhsStkQtyInMatlBaseUnit: fmt(Number(to.row.MatlWrhsStkQtyInMatlBaseUnit) + m.qty) });
  else
    set.insert(
      stockRow({
        material: String(m.item.Material),
        plant: String(m.item.Plant),
        storageLocation: String(m.item.StorageLocation),
        batch: String(m.item.Batch),
        type: m.toType,
        qty: fmt(m.qty),
        unit: String(from.row.MaterialBaseUnit),
      }),
    );
}

function stockKey(item: Row, type: SapStockType): Row {
  return stockRow({
    material: String(item.Material),
    plant: String(item.Plant),
    storageLocation: String(item.StorageLocation),
    batch: String(item.Batch),
    type,
    qty: '0',
  });
}

function deficit(item: Row, type: SapStockType, missing: number): ODataError {
  return new ODataError(
    400,
    'M7/021',
    `Deficit of ${TYPE_NAMES[type]} ${missing.toFixed(3)} ${String(item.EntryUnit)} : ${String(item.Material)} ${String(item.Plant)} ${String(item.StorageLocation)} ${String(item.Batch)}`,
  );
}

/** Midnight UTC of today, in ms: an Edm.DateTime date. */
function today(): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}
