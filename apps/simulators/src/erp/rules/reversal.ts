import { dayOf, timeOf, type Row } from '../odata/edm.ts';
import { ODataError } from '../odata/errors.ts';
import { EVENT_TYPES } from '../events.ts';
import type { ErpSim } from '../sim.ts';
import { fromMilli, toMilli } from '../store.ts';
import { findLot } from './lots.ts';
import { MOVEMENTS, TYPE_NAMES, addStock, stockRow, str, type StockType } from './movements.ts';

/**
 * Reversal of a material document (the Cancel function import): a new document with each item's
 * movement type plus one (101 → 102, 321 → 322, …) and the inverse stock moves, refused with a
 * deficit like any posting. Reversing a goods receipt cancels its inspection lot, unless a usage
 * decision has already been made for it.
 */
/** The Cancel function import: a reversal document with the inverse movements (type + 1). */
export function cancelMaterialDocument(
  sim: ErpSim,
  year: string,
  number: string,
  postingDate: number | undefined,
  user: string,
): Row {
  const doc = sim.state.materialDocuments.find((d) => d.MaterialDocumentYear === year && d.MaterialDocument === number);
  if (!doc) throw new ODataError(400, 'M7/060', `Material document ${number} ${year} does not exist`);
  if (doc._reversedBy)
    throw new ODataError(
      400,
      'M7/157',
      `Material document ${number} ${year} has already been reversed by ${String(doc._reversedBy)}`,
    );
  const items = sim.state.materialDocumentItems.filter(
    (i) => i.MaterialDocumentYear === year && i.MaterialDocument === number,
  );
  const { state } = sim;
  const reversal = String(++state.counters.materialDocument);
  const ryear = String(new Date(postingDate ?? dayOf(sim.now())).getUTCFullYear());
  for (const item of items) {
    const movement = MOVEMENTS[str(item.GoodsMovementType)];
    const from = item.GoodsMovementType === '101' ? (str(item.InventoryStockType) as StockType) : movement?.to;
    if (from) {
      const row = stockRow(sim, str(item.Material), str(item.Plant), str(item.StorageLocation), str(item.Batch), from);
      const have = row ? toMilli(row.MatlWrhsStkQtyInMatlBaseUnit) : 0;
      const qty = toMilli(item.QuantityInEntryUnit);
      if (have < qty) {
        const message = `Deficit of ${TYPE_NAMES[from]} ${fromMilli(qty - have)} ${str(item.EntryUnit)} : ${str(item.Material)} ${str(item.Plant)} ${str(item.StorageLocation)} ${str(item.Batch)}`;
        throw new ODataError(400, 'M7/021', message);
      }
      addStock(sim, str(item.Material), str(item.Plant), str(item.StorageLocation), str(item.Batch), from, -qty);
    }
    if (movement?.from)
      addStock(
        sim,
        str(item.Material),
        str(item.Plant),
        str(item.StorageLocation),
        str(item.Batch),
        movement.from,
        toMilli(item.QuantityInEntryUnit),
      );
    state.materialDocumentItems.push({
      ...item,
      MaterialDocumentYear: ryear,
      MaterialDocument: reversal,
      GoodsMovementType: String(Number(item.GoodsMovementType) + 1),
      ReversedMaterialDocumentYear: year,
      ReversedMaterialDocument: number,
      ReversedMaterialDocumentItem: item.MaterialDocumentItem,
    });
    item.GoodsMovementIsCancelled = true;
    if (item.GoodsMovementType === '101') cancelLotOf(sim, year, number);
  }
  const now = sim.now();
  const rev: Row = {
    ...doc,
    MaterialDocumentYear: ryear,
    MaterialDocument: reversal,
    GoodsMovementCode: '06',
    PostingDate: postingDate ?? dayOf(now),
    DocumentDate: postingDate ?? dayOf(now),
    CreationDate: dayOf(now),
    CreationTime: timeOf(now),
    CreatedByUser: user,
    MaterialDocumentHeaderText: `Reversal of ${number}`,
    _reversedBy: '',
  };
  state.materialDocuments.push(rev);
  doc._reversedBy = reversal;
  sim.emit(EVENT_TYPES.materialDocumentCreated, { MaterialDocument: reversal, MaterialDocumentYear: ryear });
  return rev;
}

/** Reversing a goods receipt cancels its inspection lot while no usage decision has been made. */
function cancelLotOf(sim: ErpSim, year: string, number: string): void {
  const lot = sim.state.inspectionLots.find((l) => l.MaterialDocument === number && l.MaterialDocumentYear === year);
  if (!lot) return;
  if (lot.InspectionLotHasUsageDecision)
    throw new ODataError(
      400,
      'QA/100',
      `Inspection lot ${String(lot.InspectionLot)} already has a usage decision: the goods receipt cannot be reversed`,
    );
  lot._canceled = true;
  lot.InspLotQtyToBePosted = '0.000';
  lot.ChangedDateTime = sim.touch();
  sim.emit(EVENT_TYPES.lotCanceled, { InspectionLot: String(findLot(sim, String(lot.InspectionLot))!.InspectionLot) });
}
