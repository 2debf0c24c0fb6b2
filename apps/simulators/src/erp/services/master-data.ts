import type { Row } from '../odata/edm.ts';
import { ODataError, badRequest } from '../odata/errors.ts';
import type { EntitySetDef, ServiceDef } from '../odata/model.ts';
import { EVENT_TYPES } from '../events.ts';
import { ensureBatch } from '../rules/movements.ts';
import type { ErpSim } from '../sim.ts';
import { bool, date, dec, onlyChanges, stamp, str } from './props.ts';

/** API_MATERIAL_STOCK_SRV (read-only) and API_BATCH_SRV. */
export function materialStockService(sim: ErpSim): ServiceDef {
  const { state } = sim;
  const stock: EntitySetDef = {
    name: 'A_MatlStkInAcctMod',
    entityType: 'A_MatlStkInAcctModType',
    keys: [
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
    ],
    props: {
      Material: str(40),
      Plant: str(4),
      StorageLocation: str(4),
      Batch: str(10),
      Supplier: str(10),
      Customer: str(10),
      WBSElementInternalID: str(24),
      SDDocument: str(10),
      SDDocumentItem: str(6),
      InventorySpecialStockType: str(1),
      InventoryStockType: str(2),
      MaterialBaseUnit: str(3),
      MatlWrhsStkQtyInMatlBaseUnit: dec(31, 14),
    },
    list: () => state.stock,
  };
  const materials: EntitySetDef = {
    name: 'A_MaterialStock',
    entityType: 'A_MaterialStockType',
    keys: ['Material'],
    props: { Material: str(40), MaterialBaseUnit: str(3) },
    navs: {
      to_MatlStkInAcctMod: {
        target: 'A_MatlStkInAcctMod',
        many: true,
        get: (m) => state.stock.filter((s) => s.Material === m.Material),
      },
    },
    list: () => state.materials.map((m) => ({ Material: m.Material, MaterialBaseUnit: m.BaseUnit })),
  };
  return { name: 'API_MATERIAL_STOCK_SRV', sets: [materials, stock], functions: [] };
}

const BATCH_CHANGEABLE = [
  'MatlBatchIsInRstrcdUseStock',
  'BatchIsMarkedForDeletion',
  'BatchBySupplier',
  'CountryOfOrigin',
  'RegionOfOrigin',
  'ShelfLifeExpirationDate',
  'NextInspectionDate',
  'ManufactureDate',
  'MatlBatchAvailabilityDate',
];

export function batchService(sim: ErpSim): ServiceDef {
  const { state } = sim;
  const batches: EntitySetDef = {
    name: 'Batch',
    entityType: 'BatchType',
    keys: ['Material', 'BatchIdentifyingPlant', 'Batch'],
    etagProp: 'LastChangeDateTime',
    props: {
      Material: str(40),
      BatchIdentifyingPlant: str(4),
      Batch: str(10),
      BatchIsMarkedForDeletion: bool,
      MatlBatchIsInRstrcdUseStock: bool,
      Supplier: str(10),
      BatchBySupplier: str(15),
      CountryOfOrigin: str(3),
      RegionOfOrigin: str(3),
      MatlBatchAvailabilityDate: date,
      ShelfLifeExpirationDate: date,
      ManufactureDate: date,
      NextInspectionDate: date,
      LastGoodsReceiptDate: { ...date, readOnly: true },
      CreationDateTime: stamp,
      LastChangeDateTime: stamp,
    },
    list: () => state.batches,
    create(body) {
      const material = String(body.Material ?? '');
      const plant = String(body.BatchIdentifyingPlant ?? '');
      const batch = String(body.Batch ?? '');
      if (!state.materials.some((m) => m.Material === material))
        throw badRequest(`Material '${material}' does not exist`, 'Material');
      if (!state.plants.includes(plant)) throw badRequest(`Plant '${plant}' does not exist`, 'BatchIdentifyingPlant');
      if (!/^[A-Z0-9_-]{1,10}$/.test(batch))
        throw new ODataError(
          400,
          'M7/042',
          `Batch '${batch}' is not a valid batch number (at most 10 characters, A-Z 0-9 _ -)`,
        );
      if (state.batches.some((b) => b.Material === material && b.BatchIdentifyingPlant === plant && b.Batch === batch))
        throw new ODataError(400, '12/002', `Batch ${batch} of material ${material} in plant ${plant} already exists`);
      const row = ensureBatch(sim, material, plant, batch);
      onlyChanges(pick(body, BATCH_CHANGEABLE), BATCH_CHANGEABLE, 'a batch');
      Object.assign(row, pick(body, BATCH_CHANGEABLE));
      return row;
    },
    update(row, changes) {
      onlyChanges(changes, BATCH_CHANGEABLE, 'a batch');
      Object.assign(row, changes);
      row.LastChangeDateTime = sim.touch();
      sim.emit(EVENT_TYPES.batchChanged, {
        Material: String(row.Material),
        BatchIdentifyingPlant: String(row.BatchIdentifyingPlant),
        Batch: String(row.Batch),
      });
    },
  };
  return { name: 'API_BATCH_SRV', sets: [batches], functions: [] };
}

function pick(row: Row, names: readonly string[]): Row {
  return Object.fromEntries(Object.entries(row).filter(([k]) => names.includes(k)));
}
