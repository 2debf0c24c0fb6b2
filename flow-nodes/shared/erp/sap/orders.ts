import type { ProductionOrder } from '@millrace/canonical';
import type { SapService } from '../../../connections/sap-odata-v2/run.ts';
import { nameBasedUuid, stripLeadingZeros } from '../ids.ts';
import type { CallOptions } from '../types.ts';
import { checkedCanonical } from '../canonical.ts';
import { call, dateAndTime, field, orMissing, timestamp } from './common.ts';
import { canonicalUnit } from './units.ts';

/** Production orders from API_PRODUCTION_ORDER_2_SRV, as canonical ProductionOrder@1 objects. */

export const ORDER_SERVICE = 'API_PRODUCTION_ORDER_2_SRV';
export const ORDER_SET = 'A_ProductionOrder_2';

/** V2's flattened status flags and the system status each stands for. */
const FLAGS: ReadonlyArray<readonly [string, string]> = [
  ['OrderIsCreated', 'CRTD'],
  ['OrderIsReleased', 'REL'],
  ['OrderIsPartiallyReleased', 'PREL'],
  ['OrderIsPartiallyConfirmed', 'PCNF'],
  ['OrderIsConfirmed', 'CNF'],
  ['OrderIsPartiallyDelivered', 'PDLV'],
  ['OrderIsDelivered', 'DLV'],
  ['OrderIsTechnicallyCompleted', 'TECO'],
  ['OrderIsClosed', 'CLSD'],
  ['OrderIsLocked', 'LKD'],
  ['OrderIsMarkedForDeletion', 'DLFL'],
  ['OrderIsDeleted', 'DLT'],
];

/** What the read asks for: only fields the mapping uses, and the two navigations it needs. */
export const ORDER_SELECT = [
  'ManufacturingOrder',
  'ManufacturingOrderType',
  'Material',
  'ProductionPlant',
  'ProductionVersion',
  'TotalQuantity',
  'MfgOrderPlannedScrapQty',
  'MfgOrderConfirmedYieldQty',
  'ProductionUnit',
  'MfgOrderPlannedStartDate',
  'MfgOrderPlannedStartTime',
  'MfgOrderPlannedEndDate',
  'MfgOrderPlannedEndTime',
  'LastChangeDateTime',
  ...FLAGS.map(([flag]) => flag),
  'to_ProductionOrderItem',
  'to_ProductionOrderStatus',
];
export const ORDER_EXPAND = ['to_ProductionOrderItem', 'to_ProductionOrderStatus'];

/**
 * The canonical state of an order with these SAP statuses: the most advanced one wins, a
 * deletion flag or a lock overrides the flow of the order. (SAP has no "in execution"; that
 * state comes from the MES.)
 */
export function orderStatus(statuses: Iterable<string>): ProductionOrder['status'] {
  const s = new Set(statuses);
  if (s.has('DLT') || s.has('DLFL')) return 'cancelled';
  if (s.has('CLSD')) return 'closed';
  if (s.has('TECO')) return 'technically_completed';
  if (s.has('LKD')) return 'on_hold';
  if (s.has('DLV')) return 'delivered';
  if (s.has('CNF')) return 'confirmed';
  if (s.has('PCNF')) return 'partially_confirmed';
  if (s.has('REL') || s.has('PREL')) return 'released';
  return 'created';
}

/**
 * The SAP statuses of an order by their short names (REL, PCNF, ...): from to_ProductionOrderStatus
 * when the service returned it, which also carries user statuses; else from the flags.
 */
export function sourceStatuses(entity: Record<string, unknown>): string[] {
  const nav = (entity.to_ProductionOrderStatus as { results?: unknown } | undefined)?.results;
  if (Array.isArray(nav) && nav.length > 0) {
    const names = nav
      .map((s) => (s as Record<string, unknown>).StatusShortName)
      .filter((n): n is string => typeof n === 'string' && n !== '');
    return [...new Set(names)];
  }
  return FLAGS.filter(([flag]) => entity[flag] === true).map(([, status]) => status);
}

export async function readOrder(
  service: SapService,
  system: string,
  orderNumber: string,
  options: CallOptions,
): Promise<ProductionOrder | undefined> {
  const read = await orMissing(
    service.readEntity(ORDER_SET, stripLeadingZeros(orderNumber), {
      ...call(options),
      select: ORDER_SELECT,
      expand: ORDER_EXPAND,
    }),
  );
  return read ? checkedCanonical('canonical:ProductionOrder@1', toOrder(read.entity, system), 'The order') : undefined;
}

/** One A_ProductionOrder_2 entity (dates already RFC 3339) as a ProductionOrder@1. */
export function toOrder(e: Record<string, unknown>, system: string): ProductionOrder {
  const number = stripLeadingZeros(String(e.ManufacturingOrder ?? ''));
  const sapUnit = field(e, 'ProductionUnit') ?? '';
  const uom = canonicalUnit(sapUnit) ?? sapUnit;
  const qty = (name: string) => {
    const value = field(e, name);
    return value === undefined ? undefined : { value, uom };
  };
  const statuses = sourceStatuses(e);
  const items = (e.to_ProductionOrderItem as { results?: unknown } | undefined)?.results;
  const lots = Array.isArray(items)
    ? [...new Set(items.map((i) => field(i as Record<string, unknown>, 'Batch')).filter((b) => b !== undefined))]
    : [];
  const plannedStart = dateAndTime(field(e, 'MfgOrderPlannedStartDate'), field(e, 'MfgOrderPlannedStartTime'));
  const plannedEnd = dateAndTime(field(e, 'MfgOrderPlannedEndDate'), field(e, 'MfgOrderPlannedEndTime'));
  const planned = qty('TotalQuantity');
  const confirmed = qty('MfgOrderConfirmedYieldQty');
  const scrap = qty('MfgOrderPlannedScrapQty');
  const lastChangedAt = timestamp(e.LastChangeDateTime);
  const orderType = field(e, 'ManufacturingOrderType');
  const version = field(e, 'ProductionVersion');
  return {
    id: nameBasedUuid(`${system}:ManufacturingOrder:${number}`),
    schemaVersion: 1,
    externalRefs: [{ system, type: 'ManufacturingOrder', id: number }],
    orderNumber: number,
    ...(orderType ? { orderType } : {}),
    materialId: stripLeadingZeros(String(e.Material ?? '')),
    plantId: String(e.ProductionPlant ?? ''),
    // Left out when SAP sent none: the canonical check then refuses the order, rather than a made-up 0.
    ...(planned ? { plannedQty: planned } : {}),
    ...(confirmed ? { confirmedYieldQty: confirmed } : {}),
    ...(scrap ? { scrapQty: scrap } : {}),
    ...(version ? { productionVersion: version } : {}),
    ...(plannedStart ? { plannedStart } : {}),
    ...(plannedEnd ? { plannedEnd } : {}),
    ...(lots.length > 0 ? { outputLotIds: lots } : {}),
    status: orderStatus(statuses),
    ...(statuses.length > 0 ? { sourceStatus: statuses } : {}),
    ...(lastChangedAt ? { lastChangedAt } : {}),
  } as ProductionOrder;
}
