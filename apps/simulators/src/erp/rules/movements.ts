import { dayOf, timeOf, type Row } from '../odata/edm.ts';
import { ODataError, badRequest } from '../odata/errors.ts';
import { EVENT_TYPES } from '../events.ts';
import type { ErpSim } from '../sim.ts';
import { QUANTITY, fromMilli, materialOf, stripZeros, toMilli } from '../store.ts';
import { createLot, openLotFor } from './lots.ts';
import { blockedReason, findOrder, receiveForOrder } from './orders.ts';

/**
 * Goods movements as S/4 posts them: every item is checked against the stock as it was before
 * the document, then all are posted or none. A goods receipt (101) of a QM-active material goes
 * to quality inspection stock and opens an inspection lot; QI stock under an open lot only
 * leaves through a usage decision.
 */
export type StockType = '01' | '02' | '07';

export const TYPE_NAMES: Readonly<Record<StockType, string>> = {
  '01': 'Unrestricted-use',
  '02': 'Quality inspection',
  '07': 'Blocked stock',
};

interface Movement {
  /** GoodsMovementCode values the header may carry with it. */
  readonly codes: readonly string[];
  readonly from?: StockType;
  /** For 101 the target depends on QM; undefined for consumption and scrap. */
  readonly to?: StockType;
}

export const MOVEMENTS: Readonly<Record<string, Movement>> = {
  '101': { codes: ['01', '02'], to: '01' },
  '261': { codes: ['03'], from: '01' },
  '321': { codes: ['04'], from: '02', to: '01' },
  '322': { codes: ['04'], from: '01', to: '02' },
  '343': { codes: ['04'], from: '07', to: '01' },
  '344': { codes: ['04'], from: '01', to: '07' },
  '349': { codes: ['04'], from: '07', to: '02' },
  '350': { codes: ['04'], from: '02', to: '07' },
  '551': { codes: ['03'], from: '01' },
  '553': { codes: ['03'], from: '02' },
  '555': { codes: ['03'], from: '07' },
};

export interface PostOptions {
  readonly user: string;
  /** The usage decision posts QI stock of its own lot: the open-lot rule does not apply to it. */
  readonly byUsageDecision?: boolean;
}

interface Line {
  readonly item: Row;
  readonly position: number;
  readonly type: string;
  readonly from?: StockType;
  readonly to?: StockType;
  readonly qty: number;
  readonly qm: boolean;
  readonly order?: Row;
}

export function stockRow(
  sim: ErpSim,
  material: string,
  plant: string,
  sloc: string,
  batch: string,
  type: StockType,
): Row | undefined {
  return sim.state.stock.find(
    (s) =>
      s.Material === material &&
      s.Plant === plant &&
      s.StorageLocation === sloc &&
      s.Batch === batch &&
      s.InventoryStockType === type &&
      s.InventorySpecialStockType === '',
  );
}

export function addStock(
  sim: ErpSim,
  material: string,
  plant: string,
  sloc: string,
  batch: string,
  type: StockType,
  milli: number,
): void {
  const row = stockRow(sim, material, plant, sloc, batch, type);
  if (row) {
    row.MatlWrhsStkQtyInMatlBaseUnit = fromMilli(toMilli(row.MatlWrhsStkQtyInMatlBaseUnit) + milli);
    return;
  }
  sim.state.stock.push({
    Material: material,
    Plant: plant,
    StorageLocation: sloc,
    Batch: batch,
    Supplier: '',
    Customer: '',
    WBSElementInternalID: '00000000',
    SDDocument: '',
    SDDocumentItem: '000000',
    InventorySpecialStockType: '',
    InventoryStockType: type,
    MaterialBaseUnit: materialOf(sim.state, material)?.BaseUnit ?? 'KG',
    MatlWrhsStkQtyInMatlBaseUnit: fromMilli(milli),
  });
}

/** Posts a material document (header + items); returns the header row. Throws ODataError for any refusal. */
export function postMaterialDocument(sim: ErpSim, header: Row, items: Row[], opts: PostOptions): Row {
  const code = String(header.GoodsMovementCode ?? '');
  if (!/^0[1-7]$/.test(code))
    throw new ODataError(
      400,
      'M7/096',
      `GoodsMovementCode '${code}' is missing or unknown (01 GR PO, 02 GR order, 03 GI, 04 transfer)`,
    );
  if (items.length === 0)
    throw new ODataError(400, 'M7/011', 'The material document has no items (to_MaterialDocumentItem)');
  const lines = items.map((item, i) => check(sim, code, item, i + 1, opts));
  // All items against the stock as it was: two items from one source must fit together.
  const used = new Map<Row, number>();
  for (const line of lines) {
    if (!line.from) continue;
    const row = stockRow(
      sim,
      str(line.item.Material),
      str(line.item.Plant),
      str(line.item.StorageLocation),
      str(line.item.Batch),
      line.from,
    );
    const have = row ? toMilli(row.MatlWrhsStkQtyInMatlBaseUnit) - (used.get(row) ?? 0) : 0;
    if (have < line.qty) throw deficit(line, line.qty - Math.max(have, 0));
    if (row) used.set(row, (used.get(row) ?? 0) + line.qty);
  }

  const { state } = sim;
  const number = String(++state.counters.materialDocument);
  const now = sim.now();
  const posting = typeof header.PostingDate === 'number' ? header.PostingDate : dayOf(now);
  const year = String(new Date(posting).getUTCFullYear());
  const doc: Row = {
    MaterialDocumentYear: year,
    MaterialDocument: number,
    InventoryTransactionType: code === '04' ? 'WA' : code === '03' ? 'WA' : 'WE',
    DocumentDate: typeof header.DocumentDate === 'number' ? header.DocumentDate : posting,
    PostingDate: posting,
    CreationDate: dayOf(now),
    CreationTime: timeOf(now),
    CreatedByUser: opts.user,
    MaterialDocumentHeaderText: str(header.MaterialDocumentHeaderText),
    ReferenceDocument: str(header.ReferenceDocument),
    GoodsMovementCode: code,
    VersionForPrintingSlip: '0',
    ManualPrintIsTriggered: '',
    _reversedBy: '',
  };
  state.materialDocuments.push(doc);
  for (const line of lines) {
    const { item } = line;
    const material = str(item.Material);
    const plant = str(item.Plant);
    const sloc = str(item.StorageLocation);
    const batch = str(item.Batch);
    if (line.from) addStock(sim, material, plant, sloc, batch, line.from, -line.qty);
    if (line.to) addStock(sim, material, plant, sloc, batch, line.to, line.qty);
    const itemNo = String(line.position);
    state.materialDocumentItems.push({
      MaterialDocumentYear: year,
      MaterialDocument: number,
      MaterialDocumentItem: itemNo,
      Material: material,
      Plant: plant,
      StorageLocation: sloc,
      Batch: batch,
      GoodsMovementType: line.type,
      InventoryStockType: line.to ?? line.from ?? '',
      InventorySpecialStockType: '',
      Supplier: str(item.Supplier),
      Customer: '',
      ManufacturingOrder: line.order ? String(line.order.ManufacturingOrder) : '',
      ManufacturingOrderItem: line.order ? '0001' : '',
      GoodsMovementReasonCode: str(item.GoodsMovementReasonCode) || '0000',
      QuantityInEntryUnit: fromMilli(line.qty),
      EntryUnit: str(item.EntryUnit),
      QuantityInBaseUnit: fromMilli(line.qty),
      MaterialBaseUnit: str(item.EntryUnit),
      IssuingOrReceivingPlant: str(item.IssuingOrReceivingPlant) || plant,
      IssuingOrReceivingStorageLoc: str(item.IssuingOrReceivingStorageLoc) || sloc,
      IssgOrRcvgBatch: str(item.IssgOrRcvgBatch) || batch,
      IsAutomaticallyCreated: '',
      MaterialDocumentItemText: str(item.MaterialDocumentItemText),
      ReversedMaterialDocumentYear: str(item.ReversedMaterialDocumentYear),
      ReversedMaterialDocument: str(item.ReversedMaterialDocument),
      ReversedMaterialDocumentItem: str(item.ReversedMaterialDocumentItem),
      GoodsMovementIsCancelled: false,
    });
    if (line.type === '101') receive(sim, line, { number, year, item: itemNo }, opts.user);
  }
  sim.emit(EVENT_TYPES.materialDocumentCreated, { MaterialDocument: number, MaterialDocumentYear: year });
  return doc;
}

function check(sim: ErpSim, code: string, item: Row, position: number, opts: PostOptions): Line {
  const type = str(item.GoodsMovementType);
  const movement = MOVEMENTS[type];
  const at = `Item ${position}`;
  if (!movement)
    throw new ODataError(
      400,
      'M7/012',
      `${at}: movement type ${type || '(none)'} is not supported (101, 261, 321, 322, 343, 344, 349, 350, 551, 553, 555)`,
    );
  if (!movement.codes.includes(code))
    throw new ODataError(
      400,
      'M7/096',
      `${at}: movement type ${type} does not fit GoodsMovementCode ${code} (use ${movement.codes.join(' or ')})`,
    );
  for (const field of ['Material', 'Plant', 'StorageLocation', 'QuantityInEntryUnit', 'EntryUnit']) {
    if (str(item[field]) === '')
      throw new ODataError(400, 'M7/010', `${at}: ${field} is missing`, [
        { code: 'M7/010', message: `${field} is missing`, target: field },
      ]);
  }
  const material = materialOf(sim.state, str(item.Material));
  if (!material) throw new ODataError(400, 'M7/001', `${at}: material ${str(item.Material)} does not exist`);
  const plant = str(item.Plant);
  if (!sim.state.plants.includes(plant)) throw new ODataError(400, 'M7/001', `${at}: plant ${plant} does not exist`);
  const batch = str(item.Batch);
  if (material.BatchManaged && batch === '')
    throw new ODataError(400, 'M7/033', `${at}: material ${material.Material} is batch-managed; enter a batch`);
  if (batch !== '' && !/^[A-Z0-9_-]{1,10}$/.test(batch))
    throw new ODataError(
      400,
      'M7/042',
      `${at}: batch '${batch}' is not a valid batch number (at most 10 characters, A-Z 0-9 _ -)`,
    );
  const quantity = str(item.QuantityInEntryUnit);
  if (!QUANTITY.test(quantity) || toMilli(quantity) <= 0)
    throw new ODataError(
      400,
      'M7/051',
      `${at}: quantity ${quantity} is not a positive quantity with at most 3 decimals`,
    );
  if (str(item.EntryUnit) !== material.BaseUnit)
    throw new ODataError(
      400,
      'M7/061',
      `${at}: unit ${str(item.EntryUnit)} is not the base unit ${material.BaseUnit} of ${material.Material}`,
    );
  const qm = material.qmPlants.includes(plant);
  let order: Row | undefined;
  let to = movement.to;
  if (type === '101') {
    if (code === '02') {
      const number = str(item.ManufacturingOrder);
      if (number === '')
        throw new ODataError(400, 'M7/010', `${at}: ManufacturingOrder is missing for a goods receipt for an order`);
      order = findOrder(sim, number);
      if (!order) throw new ODataError(400, 'C6/003', `${at}: order ${stripZeros(number)} does not exist`);
      const blocked = blockedReason(order);
      if (blocked)
        throw new ODataError(400, 'C6/017', `${at}: order ${order.ManufacturingOrder} ${blocked}: no goods receipt`);
      if (!order.OrderIsReleased)
        throw new ODataError(
          400,
          'C6/017',
          `${at}: order ${order.ManufacturingOrder} is not released (CRTD): no goods receipt`,
        );
      if (order.Material !== material.Material || order.ProductionPlant !== plant)
        throw new ODataError(
          400,
          'C6/022',
          `${at}: order ${order.ManufacturingOrder} produces ${String(order.Material)} in ${String(order.ProductionPlant)}, not ${material.Material} in ${plant}`,
        );
    }
    const wanted = str(item.InventoryStockType);
    to = qm ? '02' : wanted === '02' || wanted === '07' ? wanted : '01';
  }
  if (type === '321' && !opts.byUsageDecision && batch !== '') {
    const lot = openLotFor(sim, material.Material, plant, batch);
    if (lot)
      throw new ODataError(
        400,
        'QA/495',
        `${at}: the quality inspection stock of batch ${batch} is managed by inspection lot ${String(lot.InspectionLot)}; make a usage decision instead`,
      );
  }
  return {
    item,
    position,
    type,
    ...(movement.from ? { from: movement.from } : {}),
    ...(to ? { to } : {}),
    qty: toMilli(quantity),
    qm,
    ...(order ? { order } : {}),
  };
}

function deficit(line: Line, missing: number): ODataError {
  const i = line.item;
  const message = `Deficit of ${TYPE_NAMES[line.from!]} ${fromMilli(missing)} ${str(i.EntryUnit)} : ${str(i.Material)} ${str(i.Plant)} ${str(i.StorageLocation)} ${str(i.Batch)}`;
  return new ODataError(400, 'M7/021', message, [{ code: 'M7/021', message, target: `Item ${line.position}` }]);
}

/** A 101: the order's delivered quantity, the batch master, and for QM an inspection lot. */
function receive(sim: ErpSim, line: Line, doc: { number: string; year: string; item: string }, user: string): void {
  const material = str(line.item.Material);
  const plant = str(line.item.Plant);
  const batch = str(line.item.Batch);
  if (line.order) receiveForOrder(sim, line.order, batch, line.qty);
  if (batch !== '') ensureBatch(sim, material, plant, batch, str(line.item.Supplier));
  if (line.qm) {
    createLot(sim, {
      origin: line.order ? '04' : '01',
      material,
      plant,
      storageLocation: str(line.item.StorageLocation),
      batch,
      qtyMilli: line.qty,
      unit: str(line.item.EntryUnit),
      ...(line.order ? { order: String(line.order.ManufacturingOrder) } : {}),
      ...(str(line.item.Supplier) ? { supplier: str(line.item.Supplier) } : {}),
      materialDocument: doc.number,
      materialDocumentYear: doc.year,
      materialDocumentItem: doc.item,
      user,
    });
  }
}

export function ensureBatch(sim: ErpSim, material: string, plant: string, batch: string, supplier = ''): Row {
  const found = sim.state.batches.find(
    (b) => b.Material === material && b.BatchIdentifyingPlant === plant && b.Batch === batch,
  );
  const day = dayOf(sim.now());
  if (found) {
    found.LastGoodsReceiptDate = day;
    found.LastChangeDateTime = sim.touch();
    return found;
  }
  const row: Row = {
    Material: material,
    BatchIdentifyingPlant: plant,
    Batch: batch,
    BatchIsMarkedForDeletion: false,
    MatlBatchIsInRstrcdUseStock: false,
    Supplier: supplier,
    BatchBySupplier: '',
    CountryOfOrigin: 'DE',
    RegionOfOrigin: '',
    MatlBatchAvailabilityDate: day,
    ShelfLifeExpirationDate: day + 730 * 86_400_000,
    ManufactureDate: day,
    NextInspectionDate: null,
    LastGoodsReceiptDate: day,
    CreationDateTime: sim.now(),
    LastChangeDateTime: sim.touch(),
  };
  sim.state.batches.push(row);
  return row;
}

export function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

export function badItems(): ODataError {
  return badRequest('to_MaterialDocumentItem must be an array or { results: [...] } of items');
}
