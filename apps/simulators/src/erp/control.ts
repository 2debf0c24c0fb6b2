import type { Row } from './odata/edm.ts';
import { ODataError } from './odata/errors.ts';
import { addStock, ensureBatch, postMaterialDocument, type StockType } from './rules/movements.ts';
import { findOrder } from './rules/orders.ts';
import { SEED_USER, seedOrder } from './seed.ts';
import { newQualityInfoRecord } from './services/quality-master.ts';
import type { ErpSim } from './sim.ts';
import { QUANTITY, toMilli } from './store.ts';

/**
 * Extra seed data for `POST /__sim/seed`, in a shape tests can write by hand. Goods receipts go
 * through the GR-101 rule (inspection lot and QI stock for QM-active materials). Everything is
 * one transaction: a bad entry seeds nothing and is named in the 400.
 */
export interface ErpSeedInput {
  readonly materials?: ReadonlyArray<{
    material: string;
    name?: string;
    unit: string;
    batchManaged?: boolean;
    qmPlants?: string[];
  }>;
  readonly orders?: ReadonlyArray<{
    order?: string;
    material: string;
    plant: string;
    quantity: string | number;
    unit?: string;
    status?: string;
    batch?: string;
    plannedStart?: string;
  }>;
  readonly goodsReceipts?: ReadonlyArray<{
    order?: string;
    material: string;
    plant: string;
    storageLocation?: string;
    batch: string;
    quantity: string | number;
    unit: string;
    supplier?: string;
  }>;
  readonly stock?: ReadonlyArray<{
    material: string;
    plant: string;
    storageLocation?: string;
    batch?: string;
    type?: string;
    quantity: string | number;
    specialStock?: string;
  }>;
  readonly qualityInfoRecords?: ReadonlyArray<{
    material: string;
    supplier: string;
    plant: string;
    procurementBlock?: string;
    blockReason?: string;
  }>;
}

export interface SeedResult {
  readonly orders: string[];
  readonly inspectionLots: string[];
  readonly materialDocuments: string[];
  readonly qualityInfoRecords: string[];
}

const STOCK_TYPES: Readonly<Record<string, StockType>> = {
  '01': '01',
  '02': '02',
  '07': '07',
  unrestricted: '01',
  quality_inspection: '02',
  blocked: '07',
};

export class SeedError extends Error {}

export function applySeed(sim: ErpSim, input: unknown): SeedResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new SeedError('send a JSON object: { orders?, goodsReceipts?, stock?, qualityInfoRecords?, materials? }');
  const data = input as ErpSeedInput;
  for (const key of Object.keys(data))
    if (!['materials', 'orders', 'goodsReceipts', 'stock', 'qualityInfoRecords'].includes(key))
      throw new SeedError(`unknown seed key '${key}'`);
  const result: SeedResult = { orders: [], inspectionLots: [], materialDocuments: [], qualityInfoRecords: [] };
  const lotsBefore = sim.state.inspectionLots.length;
  sim.silent = true;
  try {
    sim.tx(() => {
      each(data.materials, 'materials', (m) => {
        need(m, ['material', 'unit']);
        if (sim.state.materials.some((x) => x.Material === m.material))
          throw new SeedError(`material ${m.material} exists already`);
        sim.state.materials.push({
          Material: m.material,
          MaterialName: m.name ?? m.material,
          BaseUnit: m.unit,
          MaterialType: 'FERT',
          BatchManaged: m.batchManaged ?? true,
          qmPlants: m.qmPlants ?? [],
        });
      });
      each(data.orders, 'orders', (o) => {
        need(o, ['material', 'plant', 'quantity']);
        const start = o.plannedStart ? Date.parse(o.plannedStart) : undefined;
        if (start !== undefined && Number.isNaN(start))
          throw new SeedError(`plannedStart '${o.plannedStart}' is not a date`);
        const order = seedOrder(sim, {
          ...(o.order ? { number: o.order } : {}),
          material: o.material,
          plant: o.plant,
          qty: String(o.quantity),
          ...(o.unit ? { unit: o.unit } : {}),
          ...(o.status ? { status: o.status } : {}),
          ...(o.batch ? { batch: o.batch } : {}),
          ...(start !== undefined ? { start } : {}),
        });
        result.orders.push(String(order.ManufacturingOrder));
      });
      each(data.goodsReceipts, 'goodsReceipts', (g) => {
        need(g, ['material', 'plant', 'batch', 'quantity', 'unit']);
        // A receipt for an order the seed does not know: the order is made (released) for it.
        if (g.order && !findOrder(sim, g.order)) {
          seedOrder(sim, {
            number: g.order,
            material: g.material,
            plant: g.plant,
            qty: String(g.quantity),
            status: 'REL',
            batch: g.batch,
          });
          result.orders.push(g.order);
        }
        const doc = postMaterialDocument(
          sim,
          {
            GoodsMovementCode: g.order ? '02' : '01',
            MaterialDocumentHeaderText: g.order ? `GR order ${g.order}` : `GR batch ${g.batch}`,
          },
          [
            {
              Material: g.material,
              Plant: g.plant,
              StorageLocation: g.storageLocation ?? '0001',
              Batch: g.batch,
              GoodsMovementType: '101',
              QuantityInEntryUnit: String(g.quantity),
              EntryUnit: g.unit,
              ...(g.order ? { ManufacturingOrder: g.order } : {}),
              ...(g.supplier ? { Supplier: g.supplier } : {}),
            },
          ],
          { user: SEED_USER },
        );
        result.materialDocuments.push(`${String(doc.MaterialDocument)}/${String(doc.MaterialDocumentYear)}`);
      });
      each(data.stock, 'stock', (s) => {
        need(s, ['material', 'plant', 'quantity']);
        const type = STOCK_TYPES[s.type ?? '01'];
        if (!type)
          throw new SeedError(`type '${s.type}' is not 01, 02, 07 (or unrestricted, quality_inspection, blocked)`);
        if (!sim.state.materials.some((m) => m.Material === s.material))
          throw new SeedError(`material ${s.material} does not exist`);
        if (!sim.state.plants.includes(s.plant)) throw new SeedError(`plant ${s.plant} does not exist`);
        if (!QUANTITY.test(String(s.quantity))) throw new SeedError(`quantity ${String(s.quantity)} is not a quantity`);
        const sloc = s.storageLocation ?? '0001';
        const batch = s.batch ?? '';
        if (batch) ensureBatch(sim, s.material, s.plant, batch);
        if (s.specialStock) {
          addStock(sim, s.material, s.plant, sloc, batch, type, 0);
          const own = sim.state.stock.at(-1)!;
          sim.state.stock.push({
            ...own,
            InventorySpecialStockType: s.specialStock,
            MatlWrhsStkQtyInMatlBaseUnit: String(s.quantity),
          });
        } else addStock(sim, s.material, s.plant, sloc, batch, type, toMilli(String(s.quantity)));
      });
      each(data.qualityInfoRecords, 'qualityInfoRecords', (q) => {
        need(q, ['material', 'supplier', 'plant']);
        const row: Row = newQualityInfoRecord(
          sim,
          {
            Material: q.material,
            Supplier: q.supplier,
            Plant: q.plant,
            ProcurementBlock: q.procurementBlock ?? '',
            BlockReason: q.blockReason ?? '',
          },
          SEED_USER,
        );
        result.qualityInfoRecords.push(String(row.QltyInProcmtIntID));
      });
    });
  } catch (thrown) {
    if (thrown instanceof ODataError) throw new SeedError(thrown.message);
    throw thrown;
  } finally {
    sim.silent = false;
  }
  result.inspectionLots.push(...sim.state.inspectionLots.slice(lotsBefore).map((l) => String(l.InspectionLot)));
  return result;
}

function each<T>(list: ReadonlyArray<T> | undefined, name: string, fn: (item: T) => void): void {
  if (list === undefined) return;
  if (!Array.isArray(list)) throw new SeedError(`${name} must be an array`);
  list.forEach((item, i) => {
    try {
      if (item === null || typeof item !== 'object') throw new SeedError('must be an object');
      fn(item);
    } catch (thrown) {
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      throw new SeedError(`${name}[${i}]: ${message}`);
    }
  });
}

function need(item: object, fields: readonly string[]): void {
  for (const f of fields) {
    const v = (item as Record<string, unknown>)[f];
    if (v === undefined || v === null || v === '') throw new SeedError(`${f} is required`);
  }
}
