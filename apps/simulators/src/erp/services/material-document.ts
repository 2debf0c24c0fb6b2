import { fromWire, type Row } from '../odata/edm.ts';
import { badRequest } from '../odata/errors.ts';
import type { EntitySetDef, ServiceDef } from '../odata/model.ts';
import { postMaterialDocument } from '../rules/movements.ts';
import { cancelMaterialDocument } from '../rules/reversal.ts';
import type { ErpSim } from '../sim.ts';
import { bool, date, dateRO, dec, str } from './props.ts';
import { navItems } from './props.ts';

/** API_MATERIAL_DOCUMENT_SRV: goods movements by deep insert, and their reversal (Cancel). */
export function materialDocumentService(sim: ErpSim): ServiceDef {
  const { state } = sim;
  const itemsOf = (h: Row) =>
    state.materialDocumentItems.filter(
      (i) => i.MaterialDocumentYear === h.MaterialDocumentYear && i.MaterialDocument === h.MaterialDocument,
    );
  const itemProps = {
    MaterialDocumentYear: str(4, true),
    MaterialDocument: str(10, true),
    MaterialDocumentItem: str(4, true),
    Material: str(40),
    Plant: str(4),
    StorageLocation: str(4),
    Batch: str(10),
    GoodsMovementType: str(3),
    InventoryStockType: str(2),
    InventorySpecialStockType: str(1),
    Supplier: str(10),
    Customer: str(10),
    ManufacturingOrder: str(12),
    ManufacturingOrderItem: str(4),
    GoodsMovementReasonCode: str(4),
    QuantityInEntryUnit: dec(),
    EntryUnit: str(3),
    QuantityInBaseUnit: dec(13, 3, true),
    MaterialBaseUnit: str(3, true),
    IssuingOrReceivingPlant: str(4),
    IssuingOrReceivingStorageLoc: str(4),
    IssgOrRcvgBatch: str(10),
    IsAutomaticallyCreated: str(1, true),
    MaterialDocumentItemText: str(50),
    ReversedMaterialDocumentYear: str(4),
    ReversedMaterialDocument: str(10),
    ReversedMaterialDocumentItem: str(4),
    GoodsMovementIsCancelled: { ...bool, readOnly: true },
  };
  const headers: EntitySetDef = {
    name: 'A_MaterialDocumentHeader',
    entityType: 'A_MaterialDocumentHeaderType',
    keys: ['MaterialDocumentYear', 'MaterialDocument'],
    props: {
      MaterialDocumentYear: str(4, true),
      MaterialDocument: str(10, true),
      InventoryTransactionType: str(2, true),
      DocumentDate: date,
      PostingDate: date,
      CreationDate: dateRO,
      CreationTime: { type: 'Edm.Time', readOnly: true },
      CreatedByUser: str(12, true),
      MaterialDocumentHeaderText: str(25),
      ReferenceDocument: str(16),
      GoodsMovementCode: str(2),
      VersionForPrintingSlip: str(1),
      ManualPrintIsTriggered: str(1),
    },
    navs: { to_MaterialDocumentItem: { target: 'A_MaterialDocumentItem', many: true, get: itemsOf } },
    list: () => state.materialDocuments,
    create(body, op) {
      const raw = body.to_MaterialDocumentItem;
      if (raw === undefined)
        throw badRequest(
          'to_MaterialDocumentItem is missing: a material document needs items',
          'to_MaterialDocumentItem',
        );
      const items = navItems(raw, 'to_MaterialDocumentItem').map((item, i) => {
        const out: Row = {};
        for (const [k, v] of Object.entries(item)) {
          if (k === '__metadata') continue;
          const def = itemProps[k as keyof typeof itemProps];
          if (!def)
            throw badRequest(
              `Item ${i + 1}: property '${k}' is invalid: A_MaterialDocumentItemType has no such property`,
              k,
            );
          if (!def.readOnly) out[k] = fromWire(v, def, k);
        }
        return out;
      });
      return postMaterialDocument(sim, body, items, { user: op.user });
    },
  };
  const items: EntitySetDef = {
    name: 'A_MaterialDocumentItem',
    entityType: 'A_MaterialDocumentItemType',
    keys: ['MaterialDocumentYear', 'MaterialDocument', 'MaterialDocumentItem'],
    props: itemProps,
    navs: {
      to_MaterialDocumentHeader: {
        target: 'A_MaterialDocumentHeader',
        many: false,
        get: (i) =>
          state.materialDocuments.find(
            (h) => h.MaterialDocumentYear === i.MaterialDocumentYear && h.MaterialDocument === i.MaterialDocument,
          ),
      },
    },
    list: () => state.materialDocumentItems,
  };
  return {
    name: 'API_MATERIAL_DOCUMENT_SRV',
    sets: [headers, items],
    functions: [
      {
        name: 'Cancel',
        httpMethod: 'POST',
        params: { MaterialDocumentYear: str(4), MaterialDocument: str(10), PostingDate: { ...date, optional: true } },
        returns: { set: 'A_MaterialDocumentHeader' },
        run: (p, op) =>
          cancelMaterialDocument(
            sim,
            String(p.MaterialDocumentYear),
            String(p.MaterialDocument),
            typeof p.PostingDate === 'number' ? p.PostingDate : undefined,
            op.user,
          ),
      },
    ],
  };
}
