import { dayOf, timeOf, type Row } from '../odata/edm.ts';
import { ODataError, badRequest } from '../odata/errors.ts';
import { EVENT_TYPES } from '../events.ts';
import type { ErpSim } from '../sim.ts';
import { fromMilli, padLot, toMilli } from '../store.ts';
import { characteristicsOf, findLot, resultOf } from './lots.ts';
import { postMaterialDocument, stockRow } from './movements.ts';

/**
 * Results recording and the usage decision. A decision needs a result for every required
 * characteristic, is made once per lot, and (when autoPostOnUsageDecision) posts the lot's QI
 * stock to unrestricted (valuation A, movement 321) or blocked (R, 350), which is what marks the
 * lot's stock posting completed.
 */

function requireLot(sim: ErpSim, lot: unknown, what: string): Row {
  const found = typeof lot === 'string' && lot !== '' ? findLot(sim, lot) : undefined;
  if (!found)
    throw new ODataError(400, 'QA/101', `${what}: inspection lot ${String(lot ?? '(none)')} does not exist`, [
      { code: 'QA/101', message: 'Inspection lot does not exist', target: 'InspectionLot' },
    ]);
  if (found._canceled)
    throw new ODataError(400, 'QA/102', `${what}: inspection lot ${String(found.InspectionLot)} is cancelled`);
  return found;
}

export function recordResult(sim: ErpSim, body: Row, user: string): Row {
  const lot = requireLot(sim, body.InspectionLot, 'Result');
  if (lot.InspectionLotHasUsageDecision)
    throw new ODataError(
      400,
      'QE/026',
      `Inspection lot ${String(lot.InspectionLot)} has a usage decision; results can no longer be recorded`,
    );
  const c = characteristicsOf(sim, String(lot.InspectionLot)).find(
    (x) =>
      x.InspPlanOperationInternalID === body.InspPlanOperationInternalID &&
      x.InspectionCharacteristic === body.InspectionCharacteristic,
  );
  if (!c)
    throw new ODataError(
      400,
      'QE/010',
      `Inspection lot ${String(lot.InspectionLot)} has no characteristic ${String(body.InspectionCharacteristic)} in operation ${String(body.InspPlanOperationInternalID)}`,
    );
  if (resultOf(sim, c))
    throw new ODataError(
      400,
      'QE/011',
      `Characteristic ${String(c.InspectionCharacteristic)} of lot ${String(lot.InspectionLot)} already has a result; change it with PATCH`,
    );
  const now = sim.now();
  const result: Row = {
    InspectionLot: lot.InspectionLot,
    InspPlanOperationInternalID: c.InspPlanOperationInternalID,
    InspectionCharacteristic: c.InspectionCharacteristic,
    InspectionResultMeanValue: null,
    InspectionResultOriginalValue: '',
    InspectionResultAttribute: '',
    InspectionValuationResult: '',
    InspectionResultStatus: '5',
    InspectionResultText: '',
    InspectionNumberOfDefects: 0,
    Inspector: user,
    InspectionStartDate: dayOf(now),
    InspectionEndDate: dayOf(now),
    CreatedByUser: user,
    LastChangedByUser: user,
    ChangedDateTime: 0,
  };
  applyResult(sim, c, result, body, user);
  sim.state.inspectionResults.push(result);
  return result;
}

export function updateResult(sim: ErpSim, result: Row, changes: Row, user: string): void {
  const lot = findLot(sim, String(result.InspectionLot))!;
  if (lot.InspectionLotHasUsageDecision)
    throw new ODataError(
      400,
      'QE/026',
      `Inspection lot ${String(lot.InspectionLot)} has a usage decision; results can no longer be changed`,
    );
  const c = characteristicsOf(sim, String(lot.InspectionLot)).find(
    (x) =>
      x.InspPlanOperationInternalID === result.InspPlanOperationInternalID &&
      x.InspectionCharacteristic === result.InspectionCharacteristic,
  )!;
  applyResult(sim, c, result, changes, user);
}

const RESULT_FIELDS = [
  'InspectionResultMeanValue',
  'InspectionResultOriginalValue',
  'InspectionResultAttribute',
  'InspectionValuationResult',
  'InspectionResultText',
  'InspectionNumberOfDefects',
  'Inspector',
  'InspectionResultStatus',
];

function applyResult(sim: ErpSim, c: Row, result: Row, input: Row, user: string): void {
  for (const [k, v] of Object.entries(input)) if (RESULT_FIELDS.includes(k)) result[k] = v;
  if (
    c.InspSpecIsQuantitative &&
    (result.InspectionResultMeanValue === null || result.InspectionResultMeanValue === undefined)
  )
    throw badRequest(
      `Characteristic ${String(c.InspectionCharacteristic)} is quantitative: InspectionResultMeanValue is required`,
      'InspectionResultMeanValue',
    );
  const given = String(input.InspectionValuationResult ?? '');
  if (given !== '' && given !== 'A' && given !== 'R')
    throw badRequest(`InspectionValuationResult must be A or R, not '${given}'`, 'InspectionValuationResult');
  if (given === '') result.InspectionValuationResult = valuate(c, result);
  if (result.InspectionResultOriginalValue === '' && result.InspectionResultMeanValue !== null)
    result.InspectionResultOriginalValue = String(result.InspectionResultMeanValue);
  result.LastChangedByUser = user;
  result.ChangedDateTime = sim.touch();
  c.InspectionCharacteristicStatus = '5';
  c.ChangedDateTime = result.ChangedDateTime;
}

/** Within the limits → A; outside → R; a qualitative result without a valuation is accepted. */
function valuate(c: Row, result: Row): 'A' | 'R' {
  if (!c.InspSpecIsQuantitative) return 'A';
  const v = Number(result.InspectionResultMeanValue);
  if (c.InspSpecHasLowerLimit && v < Number(c.InspSpecLowerLimit)) return 'R';
  if (c.InspSpecHasUpperLimit && v > Number(c.InspSpecUpperLimit)) return 'R';
  return 'A';
}

export function recordUsageDecision(sim: ErpSim, body: Row, user: string): Row {
  const lotNo = typeof body.InspectionLot === 'string' ? padLot(body.InspectionLot) : body.InspectionLot;
  const lot = requireLot(sim, lotNo, 'Usage decision');
  if (lot.InspectionLotHasUsageDecision || sim.state.usageDecisions.some((u) => u.InspectionLot === lot.InspectionLot))
    throw new ODataError(
      400,
      'QA/150',
      `A usage decision has already been made for inspection lot ${String(lot.InspectionLot)}`,
    );
  const code = String(body.InspectionLotUsageDecisionCode ?? '');
  if (code === '')
    throw new ODataError(400, 'QA/120', 'Enter a usage decision code (InspectionLotUsageDecisionCode)', [
      { code: 'QA/120', message: 'Enter a usage decision code', target: 'InspectionLotUsageDecisionCode' },
    ]);
  const valuation = body.InspLotUsageDecisionValuation;
  if (valuation !== 'A' && valuation !== 'R')
    throw new ODataError(
      400,
      'QA/121',
      `InspLotUsageDecisionValuation must be A (accept) or R (reject), not '${String(valuation ?? '')}'`,
    );
  const missing = characteristicsOf(sim, String(lot.InspectionLot)).filter((c) => c._required && !resultOf(sim, c));
  if (missing.length > 0)
    throw new ODataError(
      400,
      'QA/116',
      `Inspection lot ${String(lot.InspectionLot)}: required characteristics ${missing.map((c) => `${String(c.InspectionCharacteristic)} (${String(c.InspectionSpecificationText)})`).join(', ')} have no results`,
    );
  const now = sim.now();
  const ud: Row = {
    InspectionLot: lot.InspectionLot,
    InspLotUsageDecisionLevel: 'L',
    InspectionLotQualityScore: body.InspectionLotQualityScore ?? (valuation === 'A' ? '100' : '1'),
    InspLotUsageDecisionCatalog: '3',
    SelectedCodeSetPlant: body.SelectedCodeSetPlant ?? lot.Plant,
    InspLotUsgeDcsnSelectedSet: body.InspLotUsgeDcsnSelectedSet ?? '',
    InspLotUsageDecisionCodeGroup: body.InspLotUsageDecisionCodeGroup ?? '',
    InspectionLotUsageDecisionCode: code,
    InspLotUsgeDcsnDynValuation: '',
    InspLotUsageDecisionValuation: valuation,
    InspLotUsgeDcsnFollowUpAction: body.InspLotUsgeDcsnFollowUpAction ?? '',
    InspectionLotUsageDecidedBy: user,
    InspectionLotUsageDecidedOn: dayOf(now),
    InspLotUsageDecisionTime: timeOf(now),
    InspLotUsgeDcsnHasLongText: false,
    InspLotUsageDecisionChangedBy: user,
    ChangedDateTime: sim.touch(),
  };
  sim.state.usageDecisions.push(ud);
  lot.InspectionLotHasUsageDecision = true;
  lot.InspectionLotChangedBy = user;
  if (sim.config.autoPostOnUsageDecision) postLotStock(sim, lot, valuation, user);
  lot.ChangedDateTime = sim.touch();
  sim.emit(EVENT_TYPES.lotChanged, { InspectionLot: String(lot.InspectionLot) });
  return ud;
}

/** Posts what is still in QI for the lot (321 or 350) and records it on the lot. */
function postLotStock(sim: ErpSim, lot: Row, valuation: 'A' | 'R', user: string): void {
  const sloc = String(lot._storageLocation ?? '0001');
  const row = stockRow(sim, String(lot.Material), String(lot.Plant), sloc, String(lot.Batch), '02');
  const qty = Math.min(toMilli(lot.InspLotQtyToBePosted), row ? toMilli(row.MatlWrhsStkQtyInMatlBaseUnit) : 0);
  if (qty > 0) {
    postMaterialDocument(
      sim,
      { GoodsMovementCode: '04', MaterialDocumentHeaderText: `UD ${String(lot.InspectionLot)}` },
      [
        {
          Material: lot.Material,
          Plant: lot.Plant,
          StorageLocation: sloc,
          Batch: lot.Batch,
          GoodsMovementType: valuation === 'A' ? '321' : '350',
          QuantityInEntryUnit: fromMilli(qty),
          EntryUnit: lot.InspectionLotQuantityUnit,
          MaterialDocumentItemText: `Usage decision ${String(lot.InspectionLot)}`,
        },
      ],
      { user, byUsageDecision: true },
    );
  }
  if (valuation === 'A') lot.InspLotQtyToFree = fromMilli(qty);
  else lot.InspLotQtyToBlocked = fromMilli(qty);
  lot.InspLotQtyToBePosted = '0.000';
  lot.InspLotIsStockPostingCompleted = true;
}

const UD_CHANGEABLE = [
  'InspectionLotUsageDecisionCode',
  'InspLotUsageDecisionCodeGroup',
  'InspLotUsgeDcsnSelectedSet',
  'InspLotUsgeDcsnFollowUpAction',
  'InspectionLotQualityScore',
  'InspLotUsageDecisionValuation',
];

/** A changed decision keeps its valuation: the stock was posted on it. */
export function changeUsageDecision(sim: ErpSim, ud: Row, changes: Row, user: string): void {
  for (const k of Object.keys(changes))
    if (!UD_CHANGEABLE.includes(k)) throw badRequest(`Property '${k}' of a usage decision cannot be changed`, k);
  if (
    'InspLotUsageDecisionValuation' in changes &&
    changes.InspLotUsageDecisionValuation !== ud.InspLotUsageDecisionValuation
  )
    throw new ODataError(
      400,
      'QA/155',
      `The valuation of the usage decision of lot ${String(ud.InspectionLot)} cannot change from ${String(ud.InspLotUsageDecisionValuation)}: its stock has been posted`,
    );
  Object.assign(ud, changes);
  ud.InspLotUsageDecisionChangedBy = user;
  ud.ChangedDateTime = sim.touch();
  sim.emit(EVENT_TYPES.lotChanged, { InspectionLot: String(ud.InspectionLot) });
}
