/** Release: the batch disposition, signed in the QMS and carried (never signed) by Millrace. */
import { Type, type Static } from '@sinclair/typebox';
import {
  Code,
  ElectronicSignatureSchema,
  entityFields,
  entityOptions,
  Ref,
  requiredWhen,
  StringEnum,
  Text,
  Timestamp,
} from '../building-blocks.ts';
import { ReleaseRecordLifecycle } from '../lifecycles.ts';

export const ReleaseRecordSchema = Type.Object(
  {
    ...entityFields(),
    lotId: Ref,
    productionOrderId: Type.Optional(Ref),
    materialId: Type.Optional(Ref),
    decision: Type.Optional(StringEnum(['released', 'rejected', 'conditional_release', 'on_hold'])),
    decidedAt: Type.Optional(Timestamp),
    conditions: Type.Optional(Text),
    basis: Type.Optional(
      Type.Object(
        {
          inspectionLotIds: Type.Array(Ref),
          qualityEventIds: Type.Array(Ref),
          ebrReviewed: Type.Boolean(),
          coaRef: Type.Optional(Code),
        },
        { additionalProperties: false, description: 'What the decision rests on.' },
      ),
    ),
    shipmentEligibility: Type.Optional(
      Type.Object({ eligible: Type.Boolean(), blockingReasons: Type.Array(Text) }, { additionalProperties: false }),
    ),
    signature: Type.Optional(ElectronicSignatureSchema),
    supersedesId: Type.Optional(Ref),
    status: StringEnum(ReleaseRecordLifecycle.states),
    sourceStatus: Type.Optional(Code),
  },
  entityOptions(
    'Release record',
    'The disposition of a lot (release, rejection, conditional release) with the signature of the person who made it ' +
      '(EU GMP Annex 11 section 15).',
    // No decided release without its decision and signature.
    requiredWhen('status', ['released', 'rejected', 'conditionally_released', 'revoked'], ['decision', 'signature']),
  ),
);
export type ReleaseRecord = Static<typeof ReleaseRecordSchema>;
