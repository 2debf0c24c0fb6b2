import { dayOf, type Row } from '../odata/edm.ts';
import { ODataError, badRequest } from '../odata/errors.ts';
import type { EntitySetDef, ServiceDef } from '../odata/model.ts';
import { EVENT_TYPES } from '../events.ts';
import type { ErpSim } from '../sim.ts';
import { bool, date, dateRO, dbl, dec, onlyChanges, str } from './props.ts';

/** API_QUALITYINFORECORD_SRV (procurement blocks) and API_INSPECTIONPLAN_SRV (read-only specs). */

const QIR_CHANGEABLE = [
  'ProcurementBlock',
  'BlockReason',
  'QltyInProcmtReleaseValidTo',
  'ReleasedQuantity',
  'QltyInProcmtRelQtyIsActive',
  'QltyInProcmtInspControl',
  'QltyInProcmtCertificateCtrl',
  'QualityManagementSystem',
  'QltyInProcmtCertfnValidTo',
  'InspectionLotType',
];

export function newQualityInfoRecord(sim: ErpSim, x: Row, user: string): Row {
  const { state } = sim;
  const now = sim.now();
  const id = String(++state.counters.qir).padStart(8, '0');
  const row: Row = {
    Material: x.Material,
    Supplier: x.Supplier,
    Plant: x.Plant,
    QltyInProcmtIntID: id,
    QltyInProcmtReleaseValidTo: null,
    ReleasedQuantity: '0.000',
    QltyInProcmtRelQtyIsActive: false,
    BlockReason: '',
    ProcurementBlock: '',
    QltyInProcmtInspControl: '',
    QltyInProcmtCertificateCtrl: '',
    QualityManagementSystem: 'ISO9001',
    QltyInProcmtCertfnValidTo: dayOf(now) + 365 * 86_400_000,
    InspectionLotType: '',
    CreatedByUser: user,
    CreationDate: dayOf(now),
    LastChangedByUser: user,
    LastChangeDate: dayOf(now),
    _changedAt: sim.touch(),
  };
  for (const k of QIR_CHANGEABLE) if (k in x && x[k] !== undefined) row[k] = x[k];
  state.qualityInfoRecords.push(row);
  return row;
}

export function qualityInfoRecordService(sim: ErpSim): ServiceDef {
  const { state } = sim;
  const records: EntitySetDef = {
    name: 'QualityInProcurement',
    entityType: 'QualityInProcurementType',
    keys: ['Material', 'Supplier', 'Plant', 'QltyInProcmtIntID'],
    etagProp: '_changedAt',
    props: {
      Material: str(40),
      Supplier: str(10),
      Plant: str(4),
      QltyInProcmtIntID: str(8, true),
      QltyInProcmtReleaseValidTo: date,
      ReleasedQuantity: dec(),
      QltyInProcmtRelQtyIsActive: bool,
      BlockReason: str(40),
      ProcurementBlock: str(2),
      QltyInProcmtInspControl: str(1),
      QltyInProcmtCertificateCtrl: str(1),
      QualityManagementSystem: str(4),
      QltyInProcmtCertfnValidTo: date,
      InspectionLotType: str(8),
      CreatedByUser: str(12, true),
      CreationDate: dateRO,
      LastChangedByUser: str(12, true),
      LastChangeDate: dateRO,
    },
    list: () => state.qualityInfoRecords,
    create(body, op) {
      for (const f of ['Material', 'Supplier', 'Plant'])
        if (typeof body[f] !== 'string' || body[f] === '')
          throw badRequest(`${f} is required for a quality info record`, f);
      if (!state.materials.some((m) => m.Material === body.Material))
        throw badRequest(`Material '${String(body.Material)}' does not exist`, 'Material');
      if (!state.plants.includes(String(body.Plant)))
        throw badRequest(`Plant '${String(body.Plant)}' does not exist`, 'Plant');
      if (
        state.qualityInfoRecords.some(
          (q) => q.Material === body.Material && q.Supplier === body.Supplier && q.Plant === body.Plant,
        )
      )
        throw new ODataError(
          400,
          'QI/012',
          `A quality info record for material ${String(body.Material)}, supplier ${String(body.Supplier)}, plant ${String(body.Plant)} already exists`,
        );
      return newQualityInfoRecord(sim, body, op.user);
    },
    update(row, changes, op) {
      onlyChanges(changes, QIR_CHANGEABLE, 'a quality info record');
      Object.assign(row, changes);
      row.LastChangedByUser = op.user;
      row.LastChangeDate = dayOf(sim.now());
      row._changedAt = sim.touch();
      sim.emit(EVENT_TYPES.qualityInfoRecordChanged, {
        Material: String(row.Material),
        Supplier: String(row.Supplier),
        Plant: String(row.Plant),
        QltyInProcmtIntID: String(row.QltyInProcmtIntID),
      });
    },
  };
  return { name: 'API_QUALITYINFORECORD_SRV', sets: [records], functions: [] };
}

export function inspectionPlanService(sim: ErpSim): ServiceDef {
  const { state } = sim;
  const samePlan = (a: Row) => (b: Row) =>
    b.InspectionPlanGroup === a.InspectionPlanGroup && b.InspectionPlan === a.InspectionPlan;
  const plans: EntitySetDef = {
    name: 'A_InspectionPlan',
    entityType: 'A_InspectionPlanType',
    keys: ['InspectionPlanGroup', 'InspectionPlan', 'InspectionPlanInternalVersion'],
    props: {
      InspectionPlanGroup: str(8),
      InspectionPlan: str(2),
      InspectionPlanInternalVersion: str(8),
      Plant: str(4),
      InspectionPlanDesc: str(40),
      BillOfOperationsUsage: str(3),
      BillOfOperationsStatus: str(3),
      ValidityStartDate: date,
    },
    navs: {
      to_InspPlanMaterialAssgmt: {
        target: 'A_InspPlanMaterialAssgmt',
        many: true,
        get: (p) => state.planMaterialAssignments.filter(samePlan(p)),
      },
      to_InspPlanOperation: {
        target: 'A_InspPlanOperation',
        many: true,
        get: (p) => state.planOperations.filter(samePlan(p)),
      },
    },
    list: () => state.inspectionPlans,
  };
  const assignments: EntitySetDef = {
    name: 'A_InspPlanMaterialAssgmt',
    entityType: 'A_InspPlanMaterialAssgmtType',
    keys: ['InspectionPlanGroup', 'InspectionPlan', 'InspPlanMatlAssignment', 'InspPlanMatlAssgmtIntVersion'],
    props: {
      InspectionPlanGroup: str(8),
      InspectionPlan: str(2),
      InspPlanMatlAssignment: str(8),
      InspPlanMatlAssgmtIntVersion: str(8),
      Material: str(40),
      Plant: str(4),
      Supplier: str(10),
      ValidityStartDate: date,
    },
    list: () => state.planMaterialAssignments,
  };
  const operations: EntitySetDef = {
    name: 'A_InspPlanOperation',
    entityType: 'A_InspPlanOperationType',
    keys: ['InspectionPlanGroup', 'InspectionPlan', 'InspPlanOperationInternalID'],
    props: {
      InspectionPlanGroup: str(8),
      InspectionPlan: str(2),
      InspPlanOperationInternalID: str(8),
      OperationText: str(40),
      BOOOperation: str(4),
      WorkCenter: str(8),
    },
    navs: {
      to_InspPlanOpCharacteristic: {
        target: 'A_InspPlanOpCharacteristic',
        many: true,
        get: (o) =>
          state.planCharacteristics.filter(
            (c) => samePlan(o)(c) && c.InspPlanOperationInternalID === o.InspPlanOperationInternalID,
          ),
      },
    },
    list: () => state.planOperations,
  };
  const characteristics: EntitySetDef = {
    name: 'A_InspPlanOpCharacteristic',
    entityType: 'A_InspPlanOpCharacteristicType',
    keys: ['InspectionPlanGroup', 'InspectionPlan', 'InspPlanOperationInternalID', 'InspectionPlanCharacteristic'],
    props: {
      InspectionPlanGroup: str(8),
      InspectionPlan: str(2),
      InspPlanOperationInternalID: str(8),
      InspectionPlanCharacteristic: str(4),
      InspectionSpecification: str(8),
      InspectionSpecificationText: str(40),
      InspSpecIsQuantitative: bool,
      InspSpecLowerLimit: dbl,
      InspSpecUpperLimit: dbl,
      InspSpecTargetValue: dbl,
      InspSpecHasLowerLimit: bool,
      InspSpecHasUpperLimit: bool,
      InspectionSpecificationUnit: str(3),
      InspSpecDecimalPlaces: { type: 'Edm.Byte' },
      InspCharacteristicIsRequired: bool,
    },
    list: () => state.planCharacteristics.map((c) => ({ ...c, InspCharacteristicIsRequired: c._required === true })),
  };
  return { name: 'API_INSPECTIONPLAN_SRV', sets: [plans, assignments, operations, characteristics], functions: [] };
}
