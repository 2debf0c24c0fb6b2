/**
 * Data schemas of the canonical events that do not carry a whole entity: change notices (the new
 * status plus, optionally, the entity as it is now) and a few small facts.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  Code,
  ElectronicSignatureSchema,
  ErpBatch,
  QuantitySchema,
  Ref,
  StringEnum,
  Text,
  Timestamp,
} from '../building-blocks.ts';
import {
  CapaLifecycle,
  INSPECTION_DECISIONS,
  MaterialLotLifecycle,
  ProductionOrderLifecycle,
  QualityEventLifecycle,
  SupplierQualityCaseLifecycle,
} from '../lifecycles.ts';
import { STOCK_TYPES } from '../entities/inventory.ts';
import { MATERIAL_USES, ProductionOrderSchema } from '../entities/production.ts';
import { CapaSchema, QualityEventSchema, SCAR_STAGES, SupplierQualityCaseSchema } from '../entities/quality.ts';

const options = (title: string, description: string) => ({ title, description, additionalProperties: false });

/** What every change notice says about the change itself. */
function changeFields() {
  return {
    changedAt: Timestamp,
    changedBy: Type.Optional(Ref),
    changedFields: Type.Optional(Type.Array(Code, { description: 'Names of the entity fields that changed.' })),
  };
}

export const MaterialConsumptionSchema = Type.Object(
  {
    productionOrderId: Ref,
    mesJobId: Type.Optional(Code),
    lotId: Ref,
    materialId: Ref,
    qty: QuantitySchema,
    materialUse: Type.Optional(StringEnum(MATERIAL_USES)),
    phase: Type.Optional(Code),
    equipmentId: Type.Optional(Ref),
    personId: Type.Optional(Ref),
    consumedAt: Timestamp,
  },
  options('Material consumption', 'The MES consumed a quantity of a lot for a production order.'),
);
export type MaterialConsumption = Static<typeof MaterialConsumptionSchema>;

export const ProductionOrderChangedSchema = Type.Object(
  {
    productionOrderId: Ref,
    orderNumber: Code,
    status: StringEnum(ProductionOrderLifecycle.states),
    previousStatus: Type.Optional(StringEnum(ProductionOrderLifecycle.states)),
    ...changeFields(),
    order: Type.Optional(ProductionOrderSchema),
  },
  options('Production order changed', 'A production order changed in the ERP; `order` is the order as it is now.'),
);
export type ProductionOrderChanged = Static<typeof ProductionOrderChangedSchema>;

export const InspectionDecisionSchema = Type.Object(
  {
    inspectionLotId: Ref,
    erpInspectionLot: Type.Optional(Code),
    qmsInspectionId: Type.Optional(Code),
    lotId: Ref,
    materialId: Type.Optional(Ref),
    decision: StringEnum(INSPECTION_DECISIONS),
    usageDecisionCode: Type.Optional(Code),
    decidedAt: Timestamp,
    // The QMS refuses a decision without a signature; an event without one did not come from it.
    signature: ElectronicSignatureSchema,
    comment: Type.Optional(Text),
    qualityEventIds: Type.Optional(Type.Array(Ref)),
  },
  options('Inspection decision', 'The QMS decided an inspection (usage decision), signed by the person who made it.'),
);
export type InspectionDecision = Static<typeof InspectionDecisionSchema>;

export const QualityEventChangedSchema = Type.Object(
  {
    qualityEventId: Ref,
    number: Type.Optional(Code),
    status: StringEnum(QualityEventLifecycle.states),
    previousStatus: Type.Optional(StringEnum(QualityEventLifecycle.states)),
    ...changeFields(),
    qualityEvent: Type.Optional(QualityEventSchema),
  },
  options('Quality event changed', 'A quality event changed in the QMS; `qualityEvent` is the event as it is now.'),
);
export type QualityEventChanged = Static<typeof QualityEventChangedSchema>;

export const CapaChangedSchema = Type.Object(
  {
    capaId: Ref,
    number: Type.Optional(Code),
    status: StringEnum(CapaLifecycle.states),
    previousStatus: Type.Optional(StringEnum(CapaLifecycle.states)),
    ...changeFields(),
    capa: Type.Optional(CapaSchema),
  },
  options('CAPA changed', 'A CAPA changed in the QMS; `capa` is the CAPA as it is now.'),
);
export type CapaChanged = Static<typeof CapaChangedSchema>;

export const SupplierQualityCaseChangedSchema = Type.Object(
  {
    supplierQualityCaseId: Ref,
    number: Type.Optional(Code),
    status: StringEnum(SupplierQualityCaseLifecycle.states),
    previousStatus: Type.Optional(StringEnum(SupplierQualityCaseLifecycle.states)),
    stage: Type.Optional(StringEnum(SCAR_STAGES)),
    ...changeFields(),
    supplierQualityCase: Type.Optional(SupplierQualityCaseSchema),
  },
  options(
    'Supplier quality case changed',
    'A supplier quality case changed in the QMS; the case as it is now may come along.',
  ),
);
export type SupplierQualityCaseChanged = Static<typeof SupplierQualityCaseChangedSchema>;

export const LotStatusChangedSchema = Type.Object(
  {
    lotId: Ref,
    lotNumber: Type.Optional(Code),
    erpBatch: Type.Optional(ErpBatch),
    materialId: Type.Optional(Ref),
    plantId: Type.Optional(Ref),
    qualityStatus: StringEnum(MaterialLotLifecycle.states),
    previousQualityStatus: Type.Optional(StringEnum(MaterialLotLifecycle.states)),
    stockType: Type.Optional(StringEnum(STOCK_TYPES)),
    reasonCode: Type.Optional(Code),
    reasonText: Type.Optional(Text),
    triggeredBy: Type.Optional(
      Type.Object(
        { kind: StringEnum(['usage_decision', 'release_record', 'quality_event', 'expiry', 'manual']), id: Ref },
        { additionalProperties: false },
      ),
    ),
    ...changeFields(),
  },
  options('Lot status changed', "A lot's quality status changed (hold, release, rejection, expiry)."),
);
export type LotStatusChanged = Static<typeof LotStatusChangedSchema>;

export const ERROR_CLASSES = ['validation', 'auth', 'business', 'transient', 'internal'] as const;

export const IntegrationExceptionSchema = Type.Object(
  {
    flowId: Code,
    flowVersion: Type.Optional(Code),
    runId: Type.Optional(Code),
    nodeId: Type.Optional(Code),
    errorClass: StringEnum(ERROR_CLASSES),
    message: Text,
    problems: Type.Optional(
      Type.Array(
        Type.Object(
          { pointer: Type.String(), message: Text, nodeId: Type.Optional(Code) },
          { additionalProperties: false },
        ),
      ),
    ),
    attempts: Type.Optional(Type.Integer({ minimum: 0 })),
    deadLetterId: Type.Optional(Code),
    businessKeys: Type.Optional(Type.Record(Type.String(), Code)),
    sourceEventId: Type.Optional(Code),
    sourceEventType: Type.Optional(Code),
    occurredAt: Timestamp,
  },
  options('Integration exception', 'A flow run could not do its job: what failed, why, and where it is parked.'),
);
export type IntegrationException = Static<typeof IntegrationExceptionSchema>;
