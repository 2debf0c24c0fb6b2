import { dayOf, timeOf, type Row } from '../odata/edm.ts';
import { ODataError, badRequest } from '../odata/errors.ts';
import { EVENT_TYPES } from '../events.ts';
import type { ErpSim } from '../sim.ts';
import { QUANTITY, fromMilli, materialOf, stripZeros, toMilli } from '../store.ts';

/**
 * Production order life cycle: CRTD → REL → PCNF/CNF → (PDLV) DLV → TECO → CLSD, with LKD and
 * DLFL blocking changes. V2 flattens the system statuses into flags; the status list
 * (to_ProductionOrderStatus) is derived from them so both always agree.
 */
export const ORDER_FLAGS = [
  'OrderIsCreated',
  'OrderIsReleased',
  'OrderIsPartiallyReleased',
  'OrderIsPartiallyConfirmed',
  'OrderIsConfirmed',
  'OrderIsPartiallyDelivered',
  'OrderIsDelivered',
  'OrderIsTechnicallyCompleted',
  'OrderIsClosed',
  'OrderIsLocked',
  'OrderIsMarkedForDeletion',
  'OrderIsDeleted',
] as const;

const STATUS: ReadonlyArray<readonly [string, string, string, string]> = [
  ['OrderIsReleased', 'REL', 'I0002', 'Released'],
  ['OrderIsPartiallyReleased', 'PREL', 'I0042', 'Partially released'],
  ['OrderIsPartiallyConfirmed', 'PCNF', 'I0010', 'Partially confirmed'],
  ['OrderIsConfirmed', 'CNF', 'I0009', 'Confirmed'],
  ['OrderIsPartiallyDelivered', 'PDLV', 'I0074', 'Partially delivered'],
  ['OrderIsDelivered', 'DLV', 'I0012', 'Delivered'],
  ['OrderIsTechnicallyCompleted', 'TECO', 'I0045', 'Technically completed'],
  ['OrderIsClosed', 'CLSD', 'I0046', 'Closed'],
  ['OrderIsLocked', 'LKD', 'I0043', 'Locked'],
  ['OrderIsMarkedForDeletion', 'DLFL', 'I0076', 'Deletion flag'],
  ['OrderIsDeleted', 'DLT', 'I0013', 'Deleted'],
];

/** The status rows of an order, as to_ProductionOrderStatus lists them. */
export function statusRows(order: Row): Row[] {
  const rows: Row[] = [];
  const add = (short: string, code: string, name: string) =>
    rows.push({
      ManufacturingOrder: order.ManufacturingOrder,
      StatusCode: code,
      StatusName: name,
      StatusShortName: short,
      IsUserStatus: false,
    });
  if (order.OrderIsCreated && !order.OrderIsReleased) add('CRTD', 'I0001', 'Created');
  for (const [flag, short, code, name] of STATUS) if (order[flag] === true) add(short, code, name);
  for (const user of (order._userStatuses as string[] | undefined) ?? [])
    rows.push({
      ManufacturingOrder: order.ManufacturingOrder,
      StatusCode: 'E0001',
      StatusName: user,
      StatusShortName: user,
      IsUserStatus: true,
    });
  return rows;
}

export function statusNames(order: Row): string[] {
  return statusRows(order).map((s) => String(s.StatusShortName));
}

export function findOrder(sim: ErpSim, number: string): Row | undefined {
  const n = stripZeros(number);
  return sim.state.orders.find((o) => o.ManufacturingOrder === n);
}

export function requireOrder(sim: ErpSim, number: string): Row {
  const order = findOrder(sim, number);
  if (!order) throw new ODataError(404, 'CO/004', `Order ${number} does not exist`);
  return order;
}

/** Why the order takes no more postings or changes, or undefined when it does. */
export function blockedReason(order: Row): string | undefined {
  if (order.OrderIsDeleted || order.OrderIsMarkedForDeletion) return 'is flagged for deletion (DLFL)';
  if (order.OrderIsClosed) return 'is closed (CLSD)';
  if (order.OrderIsTechnicallyCompleted) return 'is technically completed (TECO)';
  if (order.OrderIsLocked) return 'is locked (LKD)';
  return undefined;
}

function changed(sim: ErpSim, order: Row, type: string = EVENT_TYPES.orderChanged): void {
  order.LastChangeDateTime = sim.touch();
  sim.emit(type, { ManufacturingOrder: String(order.ManufacturingOrder) });
}

export function releaseOrder(sim: ErpSim, number: string): Row {
  const order = requireOrder(sim, number);
  const blocked = blockedReason(order);
  if (blocked)
    throw new ODataError(400, 'CO/016', `Order ${order.ManufacturingOrder} ${blocked}: it cannot be released`);
  // Releasing a released order is only a warning in S/4; nothing changes and no event is raised.
  if (order.OrderIsReleased) return order;
  order.OrderIsReleased = true;
  order.MfgOrderActualReleaseDate = dayOf(sim.now());
  changed(sim, order, EVENT_TYPES.orderReleased);
  return order;
}

/** A confirmation of yield (the MES reports it; S/4 has a separate confirmation API for it). */
export function confirmOrder(sim: ErpSim, number: string, yieldQty: string, final: boolean): Row {
  const order = requireOrder(sim, number);
  const blocked = blockedReason(order);
  if (blocked) throw new ODataError(400, 'RU/105', `Order ${order.ManufacturingOrder} ${blocked}: no confirmations`);
  if (!order.OrderIsReleased)
    throw new ODataError(400, 'RU/101', `Order ${order.ManufacturingOrder} is not released (CRTD): no confirmations`);
  if (!QUANTITY.test(yieldQty))
    throw badRequest(`ConfirmationYieldQuantity '${yieldQty}' is not a quantity`, 'ConfirmationYieldQuantity');
  order.MfgOrderConfirmedYieldQty = fromMilli(toMilli(order.MfgOrderConfirmedYieldQty) + toMilli(yieldQty));
  order.OrderIsConfirmed = final;
  order.OrderIsPartiallyConfirmed = !final;
  changed(sim, order);
  return order;
}

export function technicallyComplete(sim: ErpSim, number: string): Row {
  const order = requireOrder(sim, number);
  if (order.OrderIsTechnicallyCompleted) return order;
  const blocked = blockedReason(order);
  if (blocked) throw new ODataError(400, 'CO/017', `Order ${order.ManufacturingOrder} ${blocked}`);
  if (!order.OrderIsReleased)
    throw new ODataError(400, 'CO/017', `Order ${order.ManufacturingOrder} is not released: release it before TECO`);
  order.OrderIsTechnicallyCompleted = true;
  changed(sim, order);
  return order;
}

export function closeOrder(sim: ErpSim, number: string): Row {
  const order = requireOrder(sim, number);
  if (order.OrderIsClosed) return order;
  if (!order.OrderIsTechnicallyCompleted)
    throw new ODataError(
      400,
      'CO/018',
      `Order ${order.ManufacturingOrder} is not technically completed (TECO): it cannot be closed`,
    );
  order.OrderIsClosed = true;
  changed(sim, order);
  return order;
}

/** A goods receipt for the order: delivered quantity, PDLV/DLV. */
export function receiveForOrder(sim: ErpSim, order: Row, batch: string, qtyMilli: number): void {
  const item = sim.state.orderItems.find((i) => i.ManufacturingOrder === order.ManufacturingOrder);
  if (item) {
    item.MfgOrderItemGoodsReceiptQty = fromMilli(toMilli(item.MfgOrderItemGoodsReceiptQty) + qtyMilli);
    if (!item.Batch) item.Batch = batch;
    const done = toMilli(item.MfgOrderItemGoodsReceiptQty) >= toMilli(order.TotalQuantity);
    order.OrderIsDelivered = done;
    order.OrderIsPartiallyDelivered = !done;
  }
  changed(sim, order);
}

/** Fields a PATCH may change while the order is open. */
export const ORDER_UPDATABLE = new Set([
  'TotalQuantity',
  'MfgOrderPlannedScrapQty',
  'MfgOrderPlannedStartDate',
  'MfgOrderPlannedStartTime',
  'MfgOrderPlannedEndDate',
  'MfgOrderPlannedEndTime',
  'ManufacturingOrderText',
  'ManufacturingOrderImportance',
  'ProductionSupervisor',
  'MRPController',
  'StorageLocation',
]);

export function updateOrder(sim: ErpSim, order: Row, changes: Row): void {
  for (const name of Object.keys(changes)) {
    if (!ORDER_UPDATABLE.has(name))
      throw badRequest(`Property '${name}' of a production order cannot be changed with this API`, name);
  }
  const blocked = blockedReason(order);
  if (blocked) throw new ODataError(400, 'CO/019', `Order ${order.ManufacturingOrder} ${blocked}: no changes allowed`);
  if ('TotalQuantity' in changes && !(toMilli(changes.TotalQuantity) > 0))
    throw badRequest('TotalQuantity must be greater than zero', 'TotalQuantity');
  Object.assign(order, changes);
  changed(sim, order);
}

export interface NewOrder {
  readonly Material: string;
  readonly ProductionPlant: string;
  readonly TotalQuantity: string;
  readonly ManufacturingOrder?: string;
  readonly ManufacturingOrderType?: string;
  readonly ProductionUnit?: string;
  readonly ProductionVersion?: string;
  readonly MfgOrderPlannedStartDate?: number;
  readonly MfgOrderPlannedEndDate?: number;
  readonly Batch?: string;
  readonly StorageLocation?: string;
}

/** A new order with its item, three operations and the components of the material's little BOM. */
export function createOrder(sim: ErpSim, input: NewOrder, user: string): Row {
  const { state } = sim;
  const material = materialOf(state, input.Material);
  if (!material)
    throw new ODataError(400, 'M3/305', `Material ${input.Material} does not exist`, [
      { code: 'M3/305', message: `Material ${input.Material} does not exist`, target: 'Material' },
    ]);
  if (!state.plants.includes(input.ProductionPlant))
    throw new ODataError(400, 'M3/351', `Plant ${input.ProductionPlant} does not exist`, [
      { code: 'M3/351', message: `Plant ${input.ProductionPlant} does not exist`, target: 'ProductionPlant' },
    ]);
  if (!QUANTITY.test(input.TotalQuantity) || toMilli(input.TotalQuantity) <= 0)
    throw badRequest(`TotalQuantity '${input.TotalQuantity}' must be a positive quantity`, 'TotalQuantity');
  const unit = input.ProductionUnit ?? material.BaseUnit;
  if (unit !== material.BaseUnit)
    throw new ODataError(
      400,
      'M7/061',
      `Unit ${unit} is not the base unit ${material.BaseUnit} of ${material.Material}`,
    );
  let number = input.ManufacturingOrder ? stripZeros(input.ManufacturingOrder) : undefined;
  if (number && findOrder(sim, number)) throw new ODataError(400, 'CO/002', `Order ${number} already exists`);
  if (!number) {
    const plantIndex = state.plants.indexOf(input.ProductionPlant) + 1;
    const next = (state.counters.order[input.ProductionPlant] ?? 1000000 + plantIndex * 100 + 9) + 1;
    state.counters.order[input.ProductionPlant] = next;
    number = String(next);
  }
  const now = sim.now();
  const start = input.MfgOrderPlannedStartDate ?? dayOf(now) + 86_400_000;
  const order: Row = {
    ManufacturingOrder: number,
    ManufacturingOrderCategory: '10',
    ManufacturingOrderType: input.ManufacturingOrderType ?? 'PP01',
    ManufacturingOrderText: material.MaterialName,
    ManufacturingOrderImportance: '',
    Material: material.Material,
    MaterialName: material.MaterialName,
    ProductionPlant: input.ProductionPlant,
    PlanningPlant: input.ProductionPlant,
    MRPController: '001',
    ProductionSupervisor: '001',
    ProductionVersion: input.ProductionVersion ?? '0001',
    StorageLocation: input.StorageLocation ?? '0001',
    TotalQuantity: fromMilli(toMilli(input.TotalQuantity)),
    MfgOrderPlannedScrapQty: '0.000',
    MfgOrderConfirmedYieldQty: '0.000',
    ProductionUnit: unit,
    MfgOrderPlannedStartDate: start,
    MfgOrderPlannedStartTime: 'PT06H00M00S',
    MfgOrderPlannedEndDate: input.MfgOrderPlannedEndDate ?? start,
    MfgOrderPlannedEndTime: 'PT18H00M00S',
    MfgOrderActualReleaseDate: null,
    MfgOrderCreationDate: dayOf(now),
    MfgOrderCreationTime: timeOf(now),
    CreatedByUser: user,
    LastChangedByUser: user,
    LastChangeDateTime: sim.touch(),
    SalesOrder: '',
    SalesOrderItem: '0',
    ...Object.fromEntries(ORDER_FLAGS.map((f) => [f, f === 'OrderIsCreated'])),
  };
  state.orders.push(order);
  state.orderItems.push({
    ManufacturingOrder: number,
    ManufacturingOrderItem: '0001',
    Material: material.Material,
    ProductionPlant: input.ProductionPlant,
    StorageLocation: input.StorageLocation ?? '0001',
    Batch: input.Batch ?? '',
    MfgOrderItemPlannedTotalQty: order.TotalQuantity,
    MfgOrderItemGoodsReceiptQty: '0.000',
    ProductionUnit: unit,
  });
  for (const [i, [text, wc]] of [
    ['Weigh and dispense', 'WC-MIX'],
    ['Process', 'WC-PROC'],
    ['Pack', 'WC-PACK'],
  ].entries()) {
    state.orderOperations.push({
      ManufacturingOrder: number,
      ManufacturingOrderOperation: String((i + 1) * 10).padStart(4, '0'),
      ManufacturingOrderSequence: '0',
      MfgOrderOperationText: text,
      WorkCenter: wc,
      ProductionPlant: input.ProductionPlant,
      OperationConfirmedYieldQuantity: '0.000',
      OperationUnit: unit,
    });
  }
  for (const [i, [component, per]] of (BOM[material.Material] ?? []).entries()) {
    const comp = materialOf(state, component);
    state.orderComponents.push({
      ManufacturingOrder: number,
      Reservation: String(10000000 + state.orders.length),
      ReservationItem: String(i + 1).padStart(4, '0'),
      Material: component,
      Plant: input.ProductionPlant,
      StorageLocation: '0001',
      RequiredQuantity: fromMilli(Math.round(toMilli(order.TotalQuantity) * per)),
      BaseUnit: comp?.BaseUnit ?? 'KG',
      WithdrawnQuantity: '0.000',
    });
  }
  sim.emit(EVENT_TYPES.orderCreated, { ManufacturingOrder: number });
  return order;
}

/** Components per unit of the header material. */
const BOM: Readonly<Record<string, ReadonlyArray<readonly [string, number]>>> = {
  'FG-1000': [
    ['RM-2000', 0.8],
    ['RM-2100', 0.25],
    ['PK-3000', 0.04],
  ],
  'FG-2000': [
    ['RM-2000', 0.1],
    ['PK-3000', 1],
  ],
  'FG-3000': [['RM-2100', 1.05]],
};
