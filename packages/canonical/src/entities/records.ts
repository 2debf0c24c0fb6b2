/** Append-only records: the audit trail and the id cross-reference. Neither is ever revised. */
import { Type, type Static } from '@sinclair/typebox';
import { Code, Digest, entityOptions, Ref, StringEnum, Text, Timestamp, Uuid } from '../building-blocks.ts';

/** The entities an IdMapping can point at. */
export const MAPPABLE_ENTITIES = [
  'Material',
  'ProductionOrder',
  'MaterialLot',
  'StockPosting',
  'BatchCompletion',
  'InspectionSpecification',
  'InspectionLot',
  'InspectionResult',
  'QualityEvent',
  'CAPA',
  'SupplierQualityCase',
  'ReleaseRecord',
  'Equipment',
  'Person',
] as const;

const JsonPointer = Type.String({
  pattern: '^(/([^~/]|~[01])*)*$',
  'x-hint': 'a JSON pointer such as "/producedLot/qty/value"',
});

export const AuditRecordSchema = Type.Object(
  {
    id: Uuid,
    schemaVersion: Type.Literal(1),
    seq: Type.Integer({ minimum: 0, description: 'Position in the hash chain; 0 for the first record.' }),
    // Three clocks (ALCOA+ contemporaneous): at the source, at receipt, at recording.
    occurredAt: Timestamp,
    receivedAt: Type.Optional(Timestamp),
    recordedAt: Timestamp,
    actorType: StringEnum(['user', 'service']),
    actorId: Ref,
    onBehalfOf: Type.Optional(Ref),
    action: Code,
    entityType: Code,
    entityId: Ref,
    entityVersion: Type.Optional(Type.Integer({ minimum: 0 })),
    changes: Type.Optional(
      Type.Array(
        Type.Object(
          { path: JsonPointer, before: Type.Optional(Type.Unknown()), after: Type.Optional(Type.Unknown()) },
          { additionalProperties: false },
        ),
      ),
    ),
    beforeDigest: Type.Optional(Digest),
    afterDigest: Type.Optional(Digest),
    reasonCode: Type.Optional(Code),
    reasonText: Type.Optional(Text),
    correlationId: Type.Optional(Code),
    causationId: Type.Optional(Code),
    flowId: Type.Optional(Code),
    flowVersion: Type.Optional(Code),
    runId: Type.Optional(Code),
    stepId: Type.Optional(Code),
    sourceSystem: Type.Optional(Code),
    sourceMessageId: Type.Optional(Code),
    rawPayloadRef: Type.Optional(Code),
    signatureRef: Type.Optional(Ref),
    prevHash: Type.Union([Digest, Type.Null()], {
      description: 'The hash of record seq - 1; null for the first record.',
    }),
    hash: Digest,
  },
  entityOptions(
    'Audit record',
    'One entry of the append-only, hash-chained audit trail (21 CFR 11.10(e), EU GMP Annex 11 sections 9 and 12.4): ' +
      'who did what to which record, when and why, with before and after digests.',
  ),
);
export type AuditRecord = Static<typeof AuditRecordSchema>;

export const IdMappingSchema = Type.Object(
  {
    id: Uuid,
    schemaVersion: Type.Literal(1),
    canonicalId: Uuid,
    entityType: StringEnum(MAPPABLE_ENTITIES),
    system: Code,
    type: Code,
    externalId: Code,
    validFrom: Timestamp,
    validTo: Type.Optional(Timestamp),
    createdAt: Timestamp,
    createdBy: Ref,
  },
  entityOptions(
    'Id mapping',
    'One cross-reference between a canonical id and an id in another system (MES lot ↔ SAP batch, ' +
      'SAP inspection lot ↔ QMS inspection). Append-only: a change ends one mapping (validTo) and starts another.',
  ),
);
export type IdMapping = Static<typeof IdMappingSchema>;
