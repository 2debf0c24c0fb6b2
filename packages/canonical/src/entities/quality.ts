/** Quality management: quality events (deviation, nonconformance, ...), CAPAs and supplier cases. */
import { Type, type Static } from '@sinclair/typebox';
import {
  Code,
  entityFields,
  entityOptions,
  QuantitySchema,
  Ref,
  requiredWhen,
  SEVERITIES,
  StringEnum,
  Text,
  Timestamp,
} from '../building-blocks.ts';
import { CapaLifecycle, QualityEventLifecycle, SupplierQualityCaseLifecycle } from '../lifecycles.ts';

export const QUALITY_EVENT_KINDS = ['deviation', 'nonconformance', 'complaint', 'supplier_issue'] as const;

export const DISPOSITIONS = [
  'use_as_is',
  'rework',
  'repair',
  'scrap',
  'return_to_vendor',
  'release_with_justification',
] as const;

export const QualityEventSchema = Type.Object(
  {
    ...entityFields(),
    // Assigned by the QMS; an event raised by the MES has none yet.
    number: Type.Optional(Code),
    kind: StringEnum(QUALITY_EVENT_KINDS),
    classification: Type.Optional(StringEnum(SEVERITIES)),
    source: Type.Optional(StringEnum(['mes', 'lab', 'erp', 'supplier', 'customer', 'audit', 'other'])),
    title: Type.Optional(Code),
    description: Text,
    affectedLots: Type.Optional(Type.Array(Ref)),
    affectedOrders: Type.Optional(Type.Array(Ref)),
    affectedMaterials: Type.Optional(Type.Array(Ref)),
    equipmentId: Type.Optional(Ref),
    containment: Type.Optional(Text),
    disposition: Type.Optional(StringEnum(DISPOSITIONS)),
    rootCause: Type.Optional(Text),
    capaIds: Type.Optional(Type.Array(Ref)),
    ownerId: Type.Optional(Ref),
    openedAt: Type.Optional(Timestamp),
    dueAt: Type.Optional(Timestamp),
    closedAt: Type.Optional(Timestamp),
    statusReason: Type.Optional(Text),
    status: StringEnum(QualityEventLifecycle.states),
    sourceStatus: Type.Optional(Code),
  },
  entityOptions(
    'Quality event',
    'A deviation, nonconformance, complaint or supplier issue, with its investigation and disposition.',
    requiredWhen('status', ['cancelled', 'reopened'], ['statusReason']),
  ),
);
export type QualityEvent = Static<typeof QualityEventSchema>;

export const CapaSchema = Type.Object(
  {
    ...entityFields(),
    number: Type.Optional(Code),
    type: StringEnum(['corrective', 'preventive', 'supplier_corrective']),
    sourceEventIds: Type.Optional(Type.Array(Ref)),
    problemStatement: Text,
    rootCause: Type.Optional(Type.Object({ method: Type.Optional(Code), text: Text }, { additionalProperties: false })),
    actions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            task: Text,
            ownerId: Type.Optional(Ref),
            dueAt: Type.Optional(Timestamp),
            completedAt: Type.Optional(Timestamp),
            status: StringEnum(['open', 'done', 'cancelled']),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    effectivenessCheck: Type.Optional(
      Type.Object(
        {
          criteria: Text,
          dueAt: Type.Optional(Timestamp),
          result: Type.Optional(StringEnum(['pending', 'effective', 'ineffective'])),
          checkedAt: Type.Optional(Timestamp),
        },
        { additionalProperties: false },
      ),
    ),
    ownerId: Type.Optional(Ref),
    dueAt: Type.Optional(Timestamp),
    closedAt: Type.Optional(Timestamp),
    successorCapaId: Type.Optional(Ref),
    statusReason: Type.Optional(Text),
    status: StringEnum(CapaLifecycle.states),
    sourceStatus: Type.Optional(Code),
  },
  entityOptions(
    'CAPA',
    'A corrective or preventive action: problem, root cause, action plan and effectiveness check.',
    requiredWhen('status', ['cancelled'], ['statusReason']),
  ),
);
export type Capa = Static<typeof CapaSchema>;

export const SCAR_STAGES = ['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'] as const;

const due = Type.Optional(Timestamp);
const StageDueDatesSchema = Type.Object(
  { D0: due, D1: due, D2: due, D3: due, D4: due, D5: due, D6: due, D7: due, D8: due },
  { additionalProperties: false, description: 'When each 8D stage response is due.' },
);

export const SupplierQualityCaseSchema = Type.Object(
  {
    ...entityFields(),
    number: Type.Optional(Code),
    supplierId: Ref,
    materialId: Ref,
    plantId: Type.Optional(Ref),
    supplierLots: Type.Optional(Type.Array(Code)),
    purchaseOrderRefs: Type.Optional(Type.Array(Ref)),
    qualityEventId: Type.Optional(Ref),
    severity: Type.Optional(StringEnum(SEVERITIES)),
    stage: Type.Optional(StringEnum(SCAR_STAGES)),
    stageDueDates: Type.Optional(StageDueDatesSchema),
    procurementAction: Type.Optional(
      Type.Object(
        {
          type: StringEnum(['block', 'increase_inspection', 'release_qty_limit', 'none']),
          erpRef: Type.Optional(Code),
          releasedQuantity: Type.Optional(QuantitySchema),
          effectiveFrom: Type.Optional(Timestamp),
          effectiveTo: Type.Optional(Timestamp),
        },
        { additionalProperties: false, description: 'What procurement does meanwhile (SAP quality info record).' },
      ),
    ),
    ownerId: Type.Optional(Ref),
    statusReason: Type.Optional(Text),
    status: StringEnum(SupplierQualityCaseLifecycle.states),
    sourceStatus: Type.Optional(Code),
  },
  entityOptions(
    'Supplier quality case',
    'A supplier incident and its corrective action request (SCAR, 8D stages D0 to D8), with the procurement action taken.',
    requiredWhen('status', ['cancelled'], ['statusReason']),
  ),
);
export type SupplierQualityCase = Static<typeof SupplierQualityCaseSchema>;
