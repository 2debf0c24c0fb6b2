import { RemoteError } from '@millrace/node-sdk';
import type { InspectionLot } from '@millrace/canonical';
import type { SapService } from '../../../connections/sap-odata-v2/run.ts';
import { nameBasedUuid, padNumeric, stripLeadingZeros } from '../ids.ts';
import type { CallOptions, DecisionRequest, InspectionLotFacts, RecordedDecision } from '../types.ts';
import { call, dateAndTime, field, orMissing, translated } from './common.ts';
import { canonicalUnit } from './units.ts';

/** Inspection lots and their usage decisions (API_INSPECTIONLOT_SRV), for erp.record-usage-decision. */

export const INSPECTION_SERVICE = 'API_INSPECTIONLOT_SRV';
export const LOT_SET = 'A_InspectionLot';
export const UD_SET = 'A_InspLotUsageDecision';

/** InspectionLot is NUMC 12: SAP wants it padded, the canonical model carries it without zeros. */
const LOT_LENGTH = 12;

const LOT_SELECT = [
  'InspectionLot',
  'Material',
  'Batch',
  'Plant',
  'InspectionLotOrigin',
  'ManufacturingOrder',
  'InspectionLotQuantity',
  'InspectionLotQuantityUnit',
  'InspectionLotHasUsageDecision',
  'InspLotIsStockPostingCompleted',
];

/** InspectionLotOrigin → canonical origin; SAP has many more (05 other GR, 89 manual, ...). */
const ORIGINS: Readonly<Record<string, InspectionLot['origin']>> = {
  '01': 'goods_receipt_po',
  '03': 'in_process',
  '04': 'production_gr',
  '08': 'stock_transfer',
  '15': 'stability',
};

const VALUATIONS = { accepted: 'A', rejected: 'R' } as const;

export async function readInspectionLot(
  service: SapService,
  system: string,
  inspectionLot: string,
  options: CallOptions,
): Promise<InspectionLotFacts | undefined> {
  const read = await orMissing(
    service.readEntity(LOT_SET, padNumeric(inspectionLot, LOT_LENGTH), { ...call(options), select: LOT_SELECT }),
  );
  if (!read) return undefined;
  const e = read.entity;
  const number = stripLeadingZeros(String(e.InspectionLot ?? inspectionLot));
  const material = field(e, 'Material');
  const order = field(e, 'ManufacturingOrder');
  const qty = field(e, 'InspectionLotQuantity');
  const unit = canonicalUnit(String(e.InspectionLotQuantityUnit ?? ''));
  const plant = field(e, 'Plant');
  return {
    lot: {
      id: nameBasedUuid(`${system}:InspectionLot:${number}`),
      schemaVersion: 1,
      externalRefs: [{ system, type: 'InspectionLot', id: number }],
      erpInspectionLot: number,
      origin: ORIGINS[String(e.InspectionLotOrigin ?? '')] ?? 'manual',
      // The batch is the lot; a lot without one (a service inspection) is known by its own number.
      lotId: field(e, 'Batch') ?? number,
      ...(material ? { materialId: stripLeadingZeros(material) } : {}),
      ...(plant ? { plantId: plant } : {}),
      ...(order ? { productionOrderId: stripLeadingZeros(order) } : {}),
      ...(qty && unit ? { quantity: { value: qty, uom: unit } } : {}),
      stockPostingCompleted: e.InspLotIsStockPostingCompleted === true,
    },
  };
}

export async function readUsageDecision(
  service: SapService,
  inspectionLot: string,
  options: CallOptions,
): Promise<RecordedDecision | undefined> {
  const read = await orMissing(service.readEntity(UD_SET, padNumeric(inspectionLot, LOT_LENGTH), call(options)));
  // An entity without a code is the empty UD some releases return for an undecided lot.
  return read && field(read.entity, 'InspectionLotUsageDecisionCode') ? decisionOf(read.entity) : undefined;
}

export async function recordUsageDecision(
  service: SapService,
  request: DecisionRequest,
  options: CallOptions,
): Promise<RecordedDecision> {
  const created = await translated(
    service.create(
      UD_SET,
      {
        InspectionLot: padNumeric(request.inspectionLot, LOT_LENGTH),
        InspectionLotUsageDecisionCode: request.code,
        InspLotUsageDecisionValuation: VALUATIONS[request.valuation],
        ...(request.codeGroup ? { InspLotUsageDecisionCodeGroup: request.codeGroup } : {}),
        ...(request.selectedSet ? { InspLotUsgeDcsnSelectedSet: request.selectedSet } : {}),
        ...(request.codeSetPlant ? { SelectedCodeSetPlant: request.codeSetPlant } : {}),
        ...(request.followUpAction ? { InspLotUsgeDcsnFollowUpAction: request.followUpAction } : {}),
        ...(request.qualityScore === undefined ? {} : { InspectionLotQualityScore: String(request.qualityScore) }),
      },
      { ...call(options), ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}) },
    ),
  );
  return decisionOf(created.entity);
}

function decisionOf(e: Record<string, unknown>): RecordedDecision {
  const valuation = e.InspLotUsageDecisionValuation;
  if (valuation !== 'A' && valuation !== 'R')
    throw new RemoteError(
      'ERP_INVALID_RESPONSE',
      `The usage decision of inspection lot ${String(e.InspectionLot)} has valuation "${String(valuation)}", not A or R.`,
    );
  const codeGroup = field(e, 'InspLotUsageDecisionCodeGroup');
  const followUpAction = field(e, 'InspLotUsgeDcsnFollowUpAction');
  const decidedBy = field(e, 'InspectionLotUsageDecidedBy');
  const decidedAt = dateAndTime(field(e, 'InspectionLotUsageDecidedOn'), field(e, 'InspLotUsageDecisionTime'));
  const score = field(e, 'InspectionLotQualityScore');
  return {
    code: String(e.InspectionLotUsageDecisionCode),
    ...(codeGroup ? { codeGroup } : {}),
    valuation: valuation === 'A' ? 'accepted' : 'rejected',
    ...(followUpAction ? { followUpAction } : {}),
    ...(score !== undefined && /^\d+$/.test(score) ? { qualityScore: Number(score) } : {}),
    ...(decidedBy ? { decidedBy } : {}),
    ...(decidedAt ? { decidedAt } : {}),
  };
}
