import type { Row } from '../odata/edm.ts';
import { badRequest } from '../odata/errors.ts';
import type { EntitySetDef, ServiceDef } from '../odata/model.ts';
import {
  ORDER_FLAGS,
  closeOrder,
  confirmOrder,
  createOrder,
  releaseOrder,
  statusRows,
  technicallyComplete,
  updateOrder,
} from '../rules/orders.ts';
import type { ErpSim } from '../sim.ts';
import { stripZeros } from '../store.ts';
import { bool, boolRO, date, dateRO, dec, stamp, str, time } from './props.ts';

/** API_PRODUCTION_ORDER_2_SRV: orders with items, operations, components and statuses. */
export function productionOrderService(sim: ErpSim): ServiceDef {
  const { state } = sim;
  const byOrder = (rows: Row[]) => (o: Row) => rows.filter((r) => r.ManufacturingOrder === o.ManufacturingOrder);
  const orders: EntitySetDef = {
    name: 'A_ProductionOrder_2',
    entityType: 'A_ProductionOrder_2Type',
    keys: ['ManufacturingOrder'],
    normalize: { ManufacturingOrder: stripZeros },
    etagProp: 'LastChangeDateTime',
    props: {
      ManufacturingOrder: str(12),
      ManufacturingOrderCategory: str(2, true),
      ManufacturingOrderType: str(4),
      ManufacturingOrderText: str(40),
      ManufacturingOrderImportance: str(1),
      Material: str(40),
      MaterialName: str(40, true),
      ProductionPlant: str(4),
      PlanningPlant: str(4, true),
      MRPController: str(3),
      ProductionSupervisor: str(3),
      ProductionVersion: str(4),
      StorageLocation: str(4),
      TotalQuantity: dec(),
      MfgOrderPlannedScrapQty: dec(),
      MfgOrderConfirmedYieldQty: dec(13, 3, true),
      ProductionUnit: str(3),
      MfgOrderPlannedStartDate: date,
      MfgOrderPlannedStartTime: time,
      MfgOrderPlannedEndDate: date,
      MfgOrderPlannedEndTime: time,
      MfgOrderActualReleaseDate: dateRO,
      MfgOrderCreationDate: dateRO,
      MfgOrderCreationTime: { type: 'Edm.Time', readOnly: true },
      CreatedByUser: str(12, true),
      LastChangedByUser: str(12, true),
      LastChangeDateTime: stamp,
      SalesOrder: str(10),
      SalesOrderItem: str(6),
      ...Object.fromEntries(ORDER_FLAGS.map((f) => [f, boolRO])),
    },
    navs: {
      to_ProductionOrderItem: { target: 'A_ProductionOrderItem_2', many: true, get: byOrder(state.orderItems) },
      to_ProductionOrderOperation: {
        target: 'A_ProductionOrderOperation_2',
        many: true,
        get: byOrder(state.orderOperations),
      },
      to_ProductionOrderComponent: {
        target: 'A_ProductionOrderComponent_2',
        many: true,
        get: byOrder(state.orderComponents),
      },
      to_ProductionOrderStatus: { target: 'A_ProductionOrderStatus_2', many: true, get: (o) => statusRows(o) },
    },
    list: () => state.orders,
    create(body, op) {
      for (const field of ['Material', 'ProductionPlant', 'TotalQuantity'])
        if (typeof body[field] !== 'string' || body[field] === '')
          throw badRequest(`${field} is required to create a production order`, field);
      if (body.ManufacturingOrder)
        throw badRequest(
          'ManufacturingOrder is assigned by the system (internal number range); leave it out',
          'ManufacturingOrder',
        );
      return createOrder(
        sim,
        {
          Material: String(body.Material),
          ProductionPlant: String(body.ProductionPlant),
          TotalQuantity: String(body.TotalQuantity),
          ...(body.ManufacturingOrderType ? { ManufacturingOrderType: String(body.ManufacturingOrderType) } : {}),
          ...(body.ProductionUnit ? { ProductionUnit: String(body.ProductionUnit) } : {}),
          ...(body.ProductionVersion ? { ProductionVersion: String(body.ProductionVersion) } : {}),
          ...(typeof body.MfgOrderPlannedStartDate === 'number'
            ? { MfgOrderPlannedStartDate: body.MfgOrderPlannedStartDate }
            : {}),
          ...(typeof body.MfgOrderPlannedEndDate === 'number'
            ? { MfgOrderPlannedEndDate: body.MfgOrderPlannedEndDate }
            : {}),
          ...(body.StorageLocation ? { StorageLocation: String(body.StorageLocation) } : {}),
        },
        op.user,
      );
    },
    update(row, changes, op) {
      updateOrder(sim, row, changes);
      row.LastChangedByUser = op.user;
    },
  };
  const items: EntitySetDef = {
    name: 'A_ProductionOrderItem_2',
    entityType: 'A_ProductionOrderItem_2Type',
    keys: ['ManufacturingOrder', 'ManufacturingOrderItem'],
    normalize: { ManufacturingOrder: stripZeros },
    props: {
      ManufacturingOrder: str(12),
      ManufacturingOrderItem: str(4),
      Material: str(40),
      ProductionPlant: str(4),
      StorageLocation: str(4),
      Batch: str(10),
      MfgOrderItemPlannedTotalQty: dec(),
      MfgOrderItemGoodsReceiptQty: dec(),
      ProductionUnit: str(3),
    },
    list: () => state.orderItems,
  };
  const operations: EntitySetDef = {
    name: 'A_ProductionOrderOperation_2',
    entityType: 'A_ProductionOrderOperation_2Type',
    keys: ['ManufacturingOrder', 'ManufacturingOrderSequence', 'ManufacturingOrderOperation'],
    normalize: { ManufacturingOrder: stripZeros },
    props: {
      ManufacturingOrder: str(12),
      ManufacturingOrderSequence: str(6),
      ManufacturingOrderOperation: str(4),
      MfgOrderOperationText: str(40),
      WorkCenter: str(8),
      ProductionPlant: str(4),
      OperationConfirmedYieldQuantity: dec(),
      OperationUnit: str(3),
    },
    list: () => state.orderOperations,
  };
  const components: EntitySetDef = {
    name: 'A_ProductionOrderComponent_2',
    entityType: 'A_ProductionOrderComponent_2Type',
    keys: ['Reservation', 'ReservationItem'],
    props: {
      Reservation: str(10),
      ReservationItem: str(4),
      ManufacturingOrder: str(12),
      Material: str(40),
      Plant: str(4),
      StorageLocation: str(4),
      RequiredQuantity: dec(),
      WithdrawnQuantity: dec(),
      BaseUnit: str(3),
    },
    list: () => state.orderComponents,
  };
  const statuses: EntitySetDef = {
    name: 'A_ProductionOrderStatus_2',
    entityType: 'A_ProductionOrderStatus_2Type',
    keys: ['ManufacturingOrder', 'StatusCode'],
    normalize: { ManufacturingOrder: stripZeros },
    props: {
      ManufacturingOrder: str(12),
      StatusCode: str(5),
      StatusName: str(30),
      StatusShortName: str(4),
      IsUserStatus: bool,
    },
    list: () => state.orders.flatMap(statusRows),
  };
  const orderParam = { ManufacturingOrder: str(12) };
  const returns = { set: 'A_ProductionOrder_2' };
  return {
    name: 'API_PRODUCTION_ORDER_2_SRV',
    sets: [orders, items, operations, components, statuses],
    functions: [
      {
        name: 'ReleaseOrder',
        httpMethod: 'POST',
        params: orderParam,
        returns,
        run: (p) => releaseOrder(sim, String(p.ManufacturingOrder)),
      },
      {
        name: 'CloseOrder',
        httpMethod: 'POST',
        params: orderParam,
        returns,
        run: (p) => closeOrder(sim, String(p.ManufacturingOrder)),
      },
      // Simulator extensions (S/4 confirms through API_PROD_ORDER_CONFIRMATION_2_SRV and sets TECO in the app).
      {
        name: 'TechnicallyCompleteOrder',
        httpMethod: 'POST',
        params: orderParam,
        returns,
        run: (p) => technicallyComplete(sim, String(p.ManufacturingOrder)),
      },
      {
        name: 'ConfirmOrder',
        httpMethod: 'POST',
        params: { ...orderParam, ConfirmationYieldQuantity: dec(), IsFinalConfirmation: { ...bool, optional: true } },
        returns,
        run: (p) =>
          confirmOrder(
            sim,
            String(p.ManufacturingOrder),
            String(p.ConfirmationYieldQuantity),
            p.IsFinalConfirmation === true,
          ),
      },
    ],
  };
}
