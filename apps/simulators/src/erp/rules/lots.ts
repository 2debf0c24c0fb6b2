import { dayOf, timeOf, type Row } from '../odata/edm.ts';
import { EVENT_TYPES } from '../events.ts';
import type { ErpSim } from '../sim.ts';
import { fromMilli, padLot } from '../store.ts';

/**
 * Inspection lots: created by a goods receipt of a QM-active material (origin 04 from production,
 * 01 from a purchase order), numbered origin + 10 digits (12 in all), with the characteristics
 * of the material's inspection plan copied in.
 */
export interface NewLot {
  readonly origin: '01' | '04' | '89';
  readonly material: string;
  readonly plant: string;
  readonly storageLocation: string;
  readonly batch: string;
  readonly qtyMilli: number;
  readonly unit: string;
  readonly order?: string;
  readonly supplier?: string;
  readonly materialDocument?: string;
  readonly materialDocumentYear?: string;
  readonly materialDocumentItem?: string;
  readonly user: string;
}

export function findLot(sim: ErpSim, lot: string): Row | undefined {
  const n = padLot(lot);
  return sim.state.inspectionLots.find((l) => l.InspectionLot === n);
}

/** The lot that controls the QI stock of a batch: no usage decision yet and not cancelled. */
export function openLotFor(sim: ErpSim, material: string, plant: string, batch: string): Row | undefined {
  return sim.state.inspectionLots.find(
    (l) =>
      l.Material === material &&
      l.Plant === plant &&
      l.Batch === batch &&
      !l.InspectionLotHasUsageDecision &&
      !l._canceled,
  );
}

export function createLot(sim: ErpSim, x: NewLot): Row {
  const { state } = sim;
  const next = (state.counters.lots[x.origin] ?? 0) + 1;
  state.counters.lots[x.origin] = next;
  const number = `${x.origin}${String(next).padStart(10, '0')}`;
  const now = sim.now();
  const withoutTaskList = x.origin === '04' && sim.config.resultsInQms.includes(x.plant);
  const assignment = withoutTaskList
    ? undefined
    : state.planMaterialAssignments.find((a) => a.Material === x.material && a.Plant === x.plant);
  const qty = fromMilli(x.qtyMilli);
  const lot: Row = {
    InspectionLot: number,
    Material: x.material,
    Batch: x.batch,
    Plant: x.plant,
    InspectionLotOrigin: x.origin,
    InspectionLotType: x.origin,
    ManufacturingOrder: x.order ?? '',
    Supplier: x.supplier ?? '',
    InspectionLotText: x.order ? `GR from production order ${x.order}, batch ${x.batch}` : `GR of batch ${x.batch}`,
    InspectionLotQuantity: qty,
    InspectionLotActualQuantity: qty,
    InspectionLotDefectiveQuantity: '0.000',
    InspectionLotQuantityUnit: x.unit,
    InspLotQtyToFree: '0.000',
    InspLotQtyToBlocked: '0.000',
    InspLotQtyToScrap: '0.000',
    InspLotQtyToSample: '0.000',
    InspLotQtyToBePosted: qty,
    InspectionLotHasQuantity: true,
    InspLotIsStockPostingCompleted: false,
    InspectionLotHasUsageDecision: false,
    InspLotIsCreatedAutomatically: true,
    BillOfOperationsType: assignment ? 'Q' : '',
    BillOfOperationsGroup: assignment?.InspectionPlanGroup ?? '',
    BillOfOperationsVariant: assignment?.InspectionPlan ?? '',
    MaterialDocument: x.materialDocument ?? '',
    MaterialDocumentYear: x.materialDocumentYear ?? '',
    InspLotDigitalSgntrResultsRecg: '',
    InspLotDigitalSgntrInUsgeDcsn: '',
    InspectionLotCreatedBy: x.user,
    InspectionLotCreatedOn: dayOf(now),
    InspectionLotCreatedOnTime: timeOf(now),
    InspectionLotStartDate: dayOf(now),
    InspectionLotEndDate: dayOf(now) + 3 * 86_400_000,
    InspectionLotChangedBy: x.user,
    ChangedDateTime: sim.touch(),
    _storageLocation: x.storageLocation,
    _canceled: false,
  };
  state.inspectionLots.push(lot);
  if (assignment) {
    const chars = state.planCharacteristics.filter(
      (c) => c.InspectionPlanGroup === assignment.InspectionPlanGroup && c.InspectionPlan === assignment.InspectionPlan,
    );
    for (const c of chars) {
      state.inspectionCharacteristics.push({
        InspectionLot: number,
        InspPlanOperationInternalID: c.InspPlanOperationInternalID,
        InspectionCharacteristic: c.InspectionPlanCharacteristic,
        InspectionSpecificationText: c.InspectionSpecificationText,
        InspSpecIsQuantitative: c.InspSpecIsQuantitative,
        InspSpecLowerLimit: c.InspSpecLowerLimit,
        InspSpecUpperLimit: c.InspSpecUpperLimit,
        InspSpecTargetValue: c.InspSpecTargetValue,
        InspSpecHasLowerLimit: c.InspSpecHasLowerLimit,
        InspSpecHasUpperLimit: c.InspSpecHasUpperLimit,
        InspectionSpecificationUnit: c.InspectionSpecificationUnit,
        InspSpecDecimalPlaces: c.InspSpecDecimalPlaces,
        InspectionSpecification: c.InspectionSpecification,
        InspectionCharacteristicStatus: '1',
        ChangedDateTime: lot.ChangedDateTime,
        _required: c._required,
      });
    }
  }
  sim.emit(EVENT_TYPES.lotCreated, { InspectionLot: number });
  return lot;
}

export function characteristicsOf(sim: ErpSim, lot: string): Row[] {
  return sim.state.inspectionCharacteristics.filter((c) => c.InspectionLot === lot);
}

export function resultOf(sim: ErpSim, c: Row): Row | undefined {
  return sim.state.inspectionResults.find(
    (r) =>
      r.InspectionLot === c.InspectionLot &&
      r.InspPlanOperationInternalID === c.InspPlanOperationInternalID &&
      r.InspectionCharacteristic === c.InspectionCharacteristic,
  );
}

/** A_InspectionLotWithStatus: the lot plus its system statuses as flags. */
export function withStatus(sim: ErpSim, lot: Row): Row {
  const chars = characteristicsOf(sim, String(lot.InspectionLot));
  const results = chars.map((c) => resultOf(sim, c));
  const requiredDone = chars.every((c, i) => !c._required || results[i] !== undefined);
  return {
    ...lot,
    InspectionLotStatusCreated: true,
    InspectionLotStatusReleased: !lot._canceled,
    InspectionLotStatusSkip: false,
    InspLotStatusRsltsConfirmed: chars.length > 0 && requiredDone,
    InspLotStsDefectsRecorded: results.some((r) => r?.InspectionValuationResult === 'R'),
    InspLotStsShrtTrmInspCmpltd: chars.length > 0 && results.every((r) => r !== undefined),
    InspLotStatusInspCompleted: lot.InspectionLotHasUsageDecision === true,
    InspLotStatusCanceled: lot._canceled === true,
    InspLotStatusRepair: false,
  };
}
