/** Production: the order (ISA-95 ProductionRequest) and the MES's report that a batch is done. */
import { Type, type Static } from '@sinclair/typebox';
import {
  Code,
  DateOnly,
  Decimal,
  Digest,
  entityFields,
  entityOptions,
  ErpBatch,
  QuantitySchema,
  Ref,
  SEVERITIES,
  StringEnum,
  Text,
  Timestamp,
  UomCode,
  VersionedRefSchema,
} from '../building-blocks.ts';
import { BatchCompletionLifecycle, ProductionOrderLifecycle } from '../lifecycles.ts';
import { EQUIPMENT_LEVELS } from './master-data.ts';

export const ProductionOrderSchema = Type.Object(
  {
    ...entityFields(),
    orderNumber: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'As the ERP shows it, without leading zeros.',
    }),
    orderType: Type.Optional(Code),
    materialId: Ref,
    plantId: Ref,
    plannedQty: QuantitySchema,
    confirmedYieldQty: Type.Optional(QuantitySchema),
    scrapQty: Type.Optional(QuantitySchema),
    productionVersion: Type.Optional(Code),
    recipeRef: Type.Optional(VersionedRefSchema),
    plannedStart: Type.Optional(Timestamp),
    plannedEnd: Type.Optional(Timestamp),
    actualStart: Type.Optional(Timestamp),
    actualEnd: Type.Optional(Timestamp),
    mesJobId: Type.Optional(Code),
    outputLotIds: Type.Optional(Type.Array(Ref)),
    inspectionSpecRef: Type.Optional(VersionedRefSchema),
    status: StringEnum(ProductionOrderLifecycle.states),
    // An SAP order carries several system statuses at once (REL PCNF ...), hence a list.
    sourceStatus: Type.Optional(Type.Array(Code)),
    lastChangedAt: Type.Optional(Timestamp),
  },
  entityOptions(
    'Production order',
    'An order to make a quantity of a material (ISA-95 ProductionRequest, SAP A_ProductionOrder_2).',
  ),
);
export type ProductionOrder = Static<typeof ProductionOrderSchema>;

/** ISA-95 MaterialUse, in snake_case. */
export const MATERIAL_USES = [
  'consumed',
  'consumable',
  'produced',
  'by_product_produced',
  'co_product_produced',
  'yield_produced',
  'destructive_sample',
  'returned_sample',
  'retained_sample',
  'inventoried',
  'other',
] as const;

export const ConsumptionLineSchema = Type.Object(
  {
    lotId: Ref,
    materialId: Ref,
    qty: QuantitySchema,
    materialUse: Type.Optional(StringEnum(MATERIAL_USES)),
    phase: Type.Optional(Code),
  },
  { additionalProperties: false, description: 'One material actual (ISA-95 MaterialActual): a lot used by the batch.' },
);
export type ConsumptionLine = Static<typeof ConsumptionLineSchema>;

const ProcessParameterSchema = Type.Object(
  {
    name: Code,
    tag: Type.Optional(Code),
    value: Decimal,
    uom: Type.Optional(UomCode),
    target: Type.Optional(Decimal),
    lowerLimit: Type.Optional(Decimal),
    upperLimit: Type.Optional(Decimal),
    // Decided by the MES against its own limits; review by exception relies on it.
    inSpec: Type.Boolean(),
    critical: Type.Optional(Type.Boolean({ description: 'A critical process parameter (CPP).' })),
    phase: Type.Optional(Code),
    equipmentId: Type.Optional(Ref),
    min: Type.Optional(Decimal),
    max: Type.Optional(Decimal),
    avg: Type.Optional(Decimal),
  },
  {
    additionalProperties: false,
    description: 'A process value (ISA-95 ProductionData); min/max/avg when it was aggregated over the phase.',
  },
);

export const BATCH_EXCEPTION_TYPES = ['alarm', 'oos_cpp', 'manual_override', 'step_skipped', 'other'] as const;

export const BatchCompletionSchema = Type.Object(
  {
    ...entityFields(),
    productionOrderId: Ref,
    mesJobId: Type.Optional(Code),
    plantId: Type.Optional(Ref),
    hierarchyScope: Type.Optional(Code),
    recipe: Type.Optional(VersionedRefSchema),
    responseState: StringEnum(['completed', 'aborted']),
    producedLot: Type.Object(
      {
        lotId: Ref,
        materialId: Type.Optional(Ref),
        qty: QuantitySchema,
        erpBatch: Type.Optional(ErpBatch),
        manufactureDate: Type.Optional(DateOnly),
        expiryDate: Type.Optional(DateOnly),
      },
      { additionalProperties: false },
    ),
    consumption: Type.Optional(Type.Array(ConsumptionLineSchema)),
    processParameters: Type.Optional(Type.Array(ProcessParameterSchema)),
    equipment: Type.Optional(
      Type.Array(
        Type.Object(
          {
            equipmentId: Ref,
            level: Type.Optional(StringEnum(EQUIPMENT_LEVELS)),
            calibrationOk: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    personnel: Type.Optional(
      Type.Array(
        Type.Object(
          { personId: Ref, role: Type.Optional(Code), action: Type.Optional(Code) },
          { additionalProperties: false },
        ),
      ),
    ),
    exceptions: Type.Optional(
      Type.Array(
        Type.Object(
          {
            type: StringEnum(BATCH_EXCEPTION_TYPES),
            severity: Type.Optional(StringEnum(SEVERITIES)),
            description: Type.Optional(Text),
            occurredAt: Type.Optional(Timestamp),
            acknowledgedBy: Type.Optional(Ref),
            comment: Type.Optional(Text),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    ebr: Type.Optional(
      Type.Object(
        {
          reviewByException: Type.Boolean(),
          exceptionCount: Type.Optional(Type.Integer({ minimum: 0 })),
          recordHash: Type.Optional(Digest),
        },
        { additionalProperties: false, description: 'The electronic batch record summary.' },
      ),
    ),
    startTime: Timestamp,
    endTime: Timestamp,
    holdMinutes: Type.Optional(Type.Integer({ minimum: 0 })),
    // The integration's processing state. The MES event itself has none: it is "received" by definition.
    status: Type.Optional(StringEnum(BatchCompletionLifecycle.states)),
    sourceStatus: Type.Optional(Code),
  },
  entityOptions(
    'Batch completion',
    'The MES report that a batch has finished (ISA-95 ProductionResponse): the lot made, what it consumed, ' +
      'its process values and exceptions. `id` is the MES event id, so a repeated event is recognised.',
  ),
);
export type BatchCompletion = Static<typeof BatchCompletionSchema>;
