/** Inspection: what to test (specification), the lot under test, and each test result. */
import { Type, type Static } from '@sinclair/typebox';
import {
  Code,
  DateOnly,
  Decimal,
  ElectronicSignatureSchema,
  entityFields,
  entityOptions,
  QuantitySchema,
  Ref,
  requiredWhen,
  StringEnum,
  Text,
  Timestamp,
  UomCode,
  VersionedRefSchema,
} from '../building-blocks.ts';
import {
  INSPECTION_DECISIONS,
  InspectionLotLifecycle,
  InspectionResultLifecycle,
  InspectionSpecificationLifecycle,
} from '../lifecycles.ts';
import { INSPECTION_ORIGINS } from './master-data.ts';

export const InspectionSpecificationSchema = Type.Object(
  {
    ...entityFields(),
    materialId: Ref,
    plantId: Type.Optional(Ref),
    version: Code,
    validFrom: Type.Optional(DateOnly),
    validTo: Type.Optional(DateOnly),
    characteristics: Type.Array(
      Type.Object(
        {
          charId: Code,
          name: Code,
          method: Type.Optional(Code),
          kind: Type.Optional(StringEnum(['quantitative', 'qualitative'])),
          target: Type.Optional(Decimal),
          lower: Type.Optional(Decimal),
          upper: Type.Optional(Decimal),
          uom: Type.Optional(UomCode),
          critical: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    samplingProcedure: Type.Optional(Code),
    appliesTo: Type.Optional(
      Type.Object(
        { productionVersion: Type.Optional(Code), routing: Type.Optional(Code) },
        { additionalProperties: false },
      ),
    ),
    status: StringEnum(InspectionSpecificationLifecycle.states),
    sourceStatus: Type.Optional(Code),
  },
  entityOptions(
    'Inspection specification',
    'What to test on a material and within which limits (ISA-95 MaterialTestSpecification, SAP inspection plan).',
  ),
);
export type InspectionSpecification = Static<typeof InspectionSpecificationSchema>;

export const UsageDecisionSchema = Type.Object(
  {
    code: Type.Optional(Code),
    codeGroup: Type.Optional(Code),
    valuation: StringEnum(INSPECTION_DECISIONS),
    decidedBy: Ref,
    decidedAt: Timestamp,
    signature: Type.Optional(ElectronicSignatureSchema),
    followUpAction: Type.Optional(Code),
    qualityScore: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type UsageDecision = Static<typeof UsageDecisionSchema>;

export const InspectionLotSchema = Type.Object(
  {
    ...entityFields(),
    // Two systems may both run the inspection; the canonical lot carries both ids to correlate them.
    erpInspectionLot: Type.Optional(
      Type.String({ pattern: '^\\d{1,12}$', 'x-hint': 'an SAP inspection lot number of 1 to 12 digits' }),
    ),
    qmsInspectionId: Type.Optional(Code),
    origin: StringEnum(INSPECTION_ORIGINS),
    lotId: Ref,
    materialId: Type.Optional(Ref),
    plantId: Type.Optional(Ref),
    productionOrderId: Type.Optional(Ref),
    specRef: Type.Optional(VersionedRefSchema),
    quantity: Type.Optional(QuantitySchema),
    sampleQuantity: Type.Optional(QuantitySchema),
    usageDecision: Type.Optional(UsageDecisionSchema),
    stockPostingCompleted: Type.Optional(Type.Boolean()),
    status: StringEnum(InspectionLotLifecycle.states),
    sourceStatus: Type.Optional(Code),
  },
  entityOptions(
    'Inspection lot',
    'A request to inspect a quantity of a lot, and its usage decision (SAP inspection lot, QMS inspection).',
    // Sequencing check: a lot cannot be in a decided state without the decision itself.
    requiredWhen('status', [...INSPECTION_DECISIONS, 'stock_posted'], ['usageDecision']),
  ),
);
export type InspectionLot = Static<typeof InspectionLotSchema>;

export const InspectionResultSchema = Type.Object(
  {
    ...entityFields(),
    inspectionLotId: Ref,
    characteristicId: Code,
    sampleId: Type.Optional(Code),
    measuredValue: Type.Optional(Decimal),
    attributeCode: Type.Optional(Code),
    uom: Type.Optional(UomCode),
    valuation: Type.Optional(StringEnum(['accepted', 'rejected'])),
    inspectorId: Type.Optional(Ref),
    equipmentId: Type.Optional(Ref),
    testedAt: Timestamp,
    supersedesId: Type.Optional(Ref),
    correctionReason: Type.Optional(Text),
    status: StringEnum(InspectionResultLifecycle.states),
    sourceStatus: Type.Optional(Code),
  },
  entityOptions(
    'Inspection result',
    'One measured value or attribute for one characteristic of an inspection lot (ISA-95 TestResult).',
    // A correction must say why (EU GMP Annex 11 section 9).
    { dependentRequired: { supersedesId: ['correctionReason'] } },
  ),
);
export type InspectionResult = Static<typeof InspectionResultSchema>;
