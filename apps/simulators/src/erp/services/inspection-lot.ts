import type { Row } from '../odata/edm.ts';
import { ODataError, badRequest } from '../odata/errors.ts';
import type { EntitySetDef, ServiceDef } from '../odata/model.ts';
import { createLot, withStatus } from '../rules/lots.ts';
import { changeUsageDecision, recordResult, recordUsageDecision, updateResult } from '../rules/quality.ts';
import type { ErpSim } from '../sim.ts';
import { QUANTITY, materialOf, padLot, toMilli } from '../store.ts';
import { bool, boolRO, date, dateRO, dbl, dec, int, stamp, str, time } from './props.ts';

/** API_INSPECTIONLOT_SRV: lots, their statuses, characteristics, results and usage decisions. */
export function inspectionLotService(sim: ErpSim): ServiceDef {
  const { state } = sim;
  const lotKey = { InspectionLot: padLot };
  // The leading-zero mismatch mode: this service pads the order number, the order service does not.
  const present = (row: Row): Row =>
    sim.modes.leadingZeros && typeof row.ManufacturingOrder === 'string' && /^\d+$/.test(row.ManufacturingOrder)
      ? { ...row, ManufacturingOrder: row.ManufacturingOrder.padStart(12, '0') }
      : row;
  const lotProps = {
    InspectionLot: str(12),
    Material: str(40),
    Batch: str(10),
    Plant: str(4),
    InspectionLotOrigin: str(2),
    InspectionLotType: str(8),
    ManufacturingOrder: str(12, true),
    Supplier: str(10),
    InspectionLotText: str(40),
    InspectionLotQuantity: dec(),
    InspectionLotActualQuantity: dec(13, 3, true),
    InspectionLotDefectiveQuantity: dec(13, 3, true),
    InspectionLotQuantityUnit: str(3),
    InspLotQtyToFree: dec(13, 3, true),
    InspLotQtyToBlocked: dec(13, 3, true),
    InspLotQtyToScrap: dec(13, 3, true),
    InspLotQtyToSample: dec(13, 3, true),
    InspLotQtyToBePosted: dec(13, 3, true),
    InspectionLotHasQuantity: boolRO,
    InspLotIsStockPostingCompleted: boolRO,
    InspectionLotHasUsageDecision: boolRO,
    InspLotIsCreatedAutomatically: boolRO,
    BillOfOperationsType: str(1, true),
    BillOfOperationsGroup: str(8, true),
    BillOfOperationsVariant: str(2, true),
    MaterialDocument: str(10, true),
    MaterialDocumentYear: str(4, true),
    InspLotDigitalSgntrResultsRecg: str(1),
    InspLotDigitalSgntrInUsgeDcsn: str(1),
    InspectionLotCreatedBy: str(12, true),
    InspectionLotCreatedOn: dateRO,
    InspectionLotCreatedOnTime: { type: 'Edm.Time', readOnly: true } as const,
    InspectionLotStartDate: date,
    InspectionLotEndDate: date,
    InspectionLotChangedBy: str(12, true),
    ChangedDateTime: stamp,
  };
  const lots: EntitySetDef = {
    name: 'A_InspectionLot',
    entityType: 'A_InspectionLotType',
    keys: ['InspectionLot'],
    normalize: lotKey,
    etagProp: 'ChangedDateTime',
    props: lotProps,
    list: () => state.inspectionLots,
    present,
    /** A manual lot (origin 89): no stock behind it, characteristics from the material's plan. */
    create(body, op) {
      const material = materialOf(state, String(body.Material ?? ''));
      if (!material) throw badRequest(`Material '${String(body.Material ?? '')}' does not exist`, 'Material');
      const plant = String(body.Plant ?? '');
      if (!state.plants.includes(plant)) throw badRequest(`Plant '${plant}' does not exist`, 'Plant');
      const qty = String(body.InspectionLotQuantity ?? '');
      if (!QUANTITY.test(qty))
        throw badRequest('InspectionLotQuantity must be a positive quantity', 'InspectionLotQuantity');
      const lot = createLot(sim, {
        origin: '89',
        material: material.Material,
        plant,
        storageLocation: '',
        batch: String(body.Batch ?? ''),
        qtyMilli: toMilli(qty),
        unit: material.BaseUnit,
        user: op.user,
      });
      lot.InspLotQtyToBePosted = '0.000';
      lot.InspectionLotHasQuantity = false;
      if (typeof body.InspectionLotText === 'string') lot.InspectionLotText = body.InspectionLotText;
      return lot;
    },
    update(row, changes, op) {
      for (const k of Object.keys(changes))
        if (k !== 'InspectionLotText' && k !== 'InspectionLotStartDate' && k !== 'InspectionLotEndDate')
          throw badRequest(`Property '${k}' of an inspection lot cannot be changed`, k);
      Object.assign(row, changes);
      row.InspectionLotChangedBy = op.user;
      row.ChangedDateTime = sim.touch();
    },
  };
  const withStatusSet: EntitySetDef = {
    name: 'A_InspectionLotWithStatus',
    entityType: 'A_InspectionLotWithStatusType',
    keys: ['InspectionLot'],
    normalize: lotKey,
    etagProp: 'ChangedDateTime',
    props: {
      ...lotProps,
      InspectionLotStatusCreated: bool,
      InspectionLotStatusReleased: bool,
      InspectionLotStatusSkip: bool,
      InspLotStatusRsltsConfirmed: bool,
      InspLotStsDefectsRecorded: bool,
      InspLotStsShrtTrmInspCmpltd: bool,
      InspLotStatusInspCompleted: bool,
      InspLotStatusCanceled: bool,
      InspLotStatusRepair: bool,
    },
    list: () => state.inspectionLots.map((l) => withStatus(sim, l)),
    present,
  };
  const characteristics: EntitySetDef = {
    name: 'A_InspectionCharacteristic',
    entityType: 'A_InspectionCharacteristicType',
    keys: ['InspectionLot', 'InspPlanOperationInternalID', 'InspectionCharacteristic'],
    normalize: lotKey,
    props: {
      InspectionLot: str(12),
      InspPlanOperationInternalID: str(8),
      InspectionCharacteristic: str(4),
      InspectionSpecificationText: str(40),
      InspectionSpecification: str(8),
      InspSpecIsQuantitative: bool,
      InspSpecLowerLimit: dbl,
      InspSpecUpperLimit: dbl,
      InspSpecTargetValue: dbl,
      InspSpecHasLowerLimit: bool,
      InspSpecHasUpperLimit: bool,
      InspectionSpecificationUnit: str(3),
      InspSpecDecimalPlaces: { type: 'Edm.Byte' },
      InspectionCharacteristicStatus: str(1),
      ChangedDateTime: stamp,
    },
    navs: {
      to_InspResultValue: {
        target: 'A_InspectionResult',
        many: true,
        get: (c) =>
          state.inspectionResults.filter(
            (r) =>
              r.InspectionLot === c.InspectionLot &&
              r.InspPlanOperationInternalID === c.InspPlanOperationInternalID &&
              r.InspectionCharacteristic === c.InspectionCharacteristic,
          ),
      },
    },
    list: () => state.inspectionCharacteristics,
  };
  const results: EntitySetDef = {
    name: 'A_InspectionResult',
    entityType: 'A_InspectionResultType',
    keys: ['InspectionLot', 'InspPlanOperationInternalID', 'InspectionCharacteristic'],
    normalize: lotKey,
    etagProp: 'ChangedDateTime',
    props: {
      InspectionLot: str(12),
      InspPlanOperationInternalID: str(8),
      InspectionCharacteristic: str(4),
      InspectionResultMeanValue: dbl,
      InspectionResultOriginalValue: str(25),
      InspectionResultAttribute: str(1),
      InspectionValuationResult: str(1),
      InspectionResultStatus: str(1),
      InspectionResultText: str(40),
      InspectionNumberOfDefects: int,
      Inspector: str(12),
      InspectionStartDate: dateRO,
      InspectionEndDate: dateRO,
      CreatedByUser: str(12, true),
      LastChangedByUser: str(12, true),
      ChangedDateTime: stamp,
    },
    list: () => state.inspectionResults,
    create: (body, op) =>
      recordResult(sim, { ...body, InspectionLot: padLot(String(body.InspectionLot ?? '')) }, op.user),
    update: (row, changes, op) => updateResult(sim, row, changes, op.user),
  };
  const decisions: EntitySetDef = {
    name: 'A_InspLotUsageDecision',
    entityType: 'A_InspLotUsageDecisionType',
    keys: ['InspectionLot'],
    normalize: lotKey,
    etagProp: 'ChangedDateTime',
    props: {
      InspectionLot: str(12),
      InspLotUsageDecisionLevel: str(1, true),
      InspectionLotQualityScore: dec(3, 0),
      InspLotUsageDecisionCatalog: str(1, true),
      SelectedCodeSetPlant: str(4),
      InspLotUsgeDcsnSelectedSet: str(8),
      InspLotUsageDecisionCodeGroup: str(8),
      InspectionLotUsageDecisionCode: str(4),
      InspLotUsgeDcsnDynValuation: str(1, true),
      InspLotUsageDecisionValuation: str(1),
      InspLotUsgeDcsnFollowUpAction: str(8),
      InspectionLotUsageDecidedBy: str(12, true),
      InspectionLotUsageDecidedOn: dateRO,
      InspLotUsageDecisionTime: { ...time, readOnly: true },
      InspLotUsgeDcsnHasLongText: boolRO,
      InspLotUsageDecisionChangedBy: str(12, true),
      ChangedDateTime: stamp,
    },
    list: () => state.usageDecisions,
    create(body, op) {
      if (typeof body.InspectionLot !== 'string' || body.InspectionLot === '')
        throw new ODataError(400, 'QA/101', 'InspectionLot is required for a usage decision', [
          { code: 'QA/101', message: 'InspectionLot is required', target: 'InspectionLot' },
        ]);
      return recordUsageDecision(sim, body, op.user);
    },
    update: (row, changes, op) => changeUsageDecision(sim, row, changes, op.user),
  };
  return {
    name: 'API_INSPECTIONLOT_SRV',
    sets: [lots, withStatusSet, characteristics, results, decisions],
    functions: [],
  };
}
