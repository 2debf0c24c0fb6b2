/**
 * The small shapes every canonical entity is built from: quantities, timestamps, identifiers,
 * external references, the common entity fields. Each one is a TypeBox schema, so the JSON Schema
 * and the TypeScript type come from the same line.
 */
import { Type, type SchemaOptions, type Static } from '@sinclair/typebox';

/**
 * A string enum as JSON Schema `enum`. TypeBox's own unions of literals become `anyOf` of
 * `const`s, which reads badly in an error ("does not match any of the allowed forms"); `enum`
 * gives one message that lists the choices.
 */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/**
 * Conditional requirements (`if`/`then`) that TypeBox has no builder for; they change no TS type.
 * `then` names its properties again (as `true`) because ajv's strict mode wants every required
 * property defined in the same schema object.
 */
export function requiredWhen(field: string, values: readonly string[], required: readonly string[]) {
  return {
    if: { properties: { [field]: { enum: [...values] } }, required: [field] },
    then: { properties: Object.fromEntries(required.map((k) => [k, true])), required: [...required] },
  };
}

/** Free text that must say something. */
export const Text = Type.String({ minLength: 1, maxLength: 4000 });

/** Short names and codes (a plant code, an order type, a reason code). */
export const Code = Type.String({ minLength: 1, maxLength: 128 });

/**
 * A reference to another record. It holds the key the sender knows: the canonical UUID once the
 * record is mapped, otherwise its business key (order number, lot number, material number). The
 * MES cannot know canonical UUIDs of ERP records, and a `batch completed` event must validate
 * before any enrichment, so references cannot insist on UUIDs. IdMapping resolves either form.
 */
export const Ref = Type.String({
  maxLength: 128,
  pattern: '^\\S(.*\\S)?$',
  'x-hint': 'an identifier without leading or trailing spaces, such as "1000123" or "LOT-2026-0042"',
});

export const Uuid = Type.String({ format: 'uuid' });

/** RFC 3339 with a mandatory offset: a local time without one is ambiguous and is refused. */
export const Timestamp = Type.String({ format: 'date-time' });

export const DateOnly = Type.String({ format: 'date' });

/**
 * Decimal numbers travel as strings (as SAP OData V2 sends them), so "123.450" keeps its
 * precision and its trailing zeros through every hop.
 */
export const Decimal = Type.String({
  pattern: '^-?\\d+(\\.\\d+)?$',
  'x-hint': 'a decimal number written as a string, such as "-12.5" or "123.450"',
});

/** Amounts of material are never negative; the direction of a movement is said by its kind. */
export const NonNegativeDecimal = Type.String({
  pattern: '^\\d+(\\.\\d+)?$',
  'x-hint': 'a decimal number of zero or more written as a string, such as "123.450"',
});

/** UN/CEFACT Recommendation 20 unit codes: KGM (not SAP's KG), LTR, C62 for "one". */
export const UomCode = Type.String({
  pattern: '^[A-Z0-9]{1,3}$',
  'x-hint': 'a UN/CEFACT Rec 20 unit code of 1 to 3 upper-case letters or digits, such as "KGM"',
});

export const QuantitySchema = Type.Object(
  { value: NonNegativeDecimal, uom: UomCode },
  { additionalProperties: false, description: 'An amount with its unit, e.g. { "value": "120.000", "uom": "KGM" }.' },
);
export type Quantity = Static<typeof QuantitySchema>;

/** Where a record lives in another system: `{ system: "s4-PRD-100", type: "ManufacturingOrder", id: "1000123" }`. */
export const ExternalRefSchema = Type.Object(
  { system: Code, type: Code, id: Code, version: Type.Optional(Code) },
  { additionalProperties: false },
);
export type ExternalRef = Static<typeof ExternalRefSchema>;

/** A versioned document such as an inspection specification or a master recipe. */
export const VersionedRefSchema = Type.Object({ id: Ref, version: Code }, { additionalProperties: false });
export type VersionedRef = Static<typeof VersionedRefSchema>;

/** SAP batch numbers are at most 10 characters, upper case: MES lot ids often are not. */
export const ErpBatch = Type.String({
  pattern: '^[A-Z0-9_-]{1,10}$',
  'x-hint': 'an SAP batch number of 1 to 10 upper-case letters, digits, "-" or "_"',
});

export const Digest = Type.String({
  pattern: '^sha256:[0-9a-f]{64}$',
  'x-hint': 'a SHA-256 digest written as "sha256:" and 64 lower-case hex digits',
});

/**
 * The manifestation of an electronic signature made in the QMS or ERP (21 CFR 11.50): who, printed
 * name, meaning and when. Millrace carries and links it; it never makes one.
 */
export const ElectronicSignatureSchema = Type.Object(
  {
    signatureId: Type.Optional(Ref),
    signerId: Ref,
    printedName: Code,
    meaning: Code,
    signedAt: Timestamp,
    recordHash: Type.Optional(Code),
    sourceSystem: Code,
  },
  { additionalProperties: false },
);
export type ElectronicSignature = Static<typeof ElectronicSignatureSchema>;

export const SEVERITIES = ['minor', 'major', 'critical'] as const;

/**
 * Fields every entity carries. Only `id` and `schemaVersion` are required: an MES event has no
 * revision or creator yet; the system of record that stores the entity fills those in.
 */
export function entityFields() {
  return {
    id: Uuid,
    schemaVersion: Type.Literal(1),
    revision: Type.Optional(Type.Integer({ minimum: 0, description: 'Monotonic; the canonical ETag.' })),
    externalRefs: Type.Optional(Type.Array(ExternalRefSchema)),
    createdAt: Type.Optional(Timestamp),
    createdBy: Type.Optional(Ref),
    updatedAt: Type.Optional(Timestamp),
    updatedBy: Type.Optional(Ref),
  };
}

/** Entity options: unknown fields are refused so a misspelt field is caught, not silently dropped. */
export function entityOptions(title: string, description: string, extra: Record<string, unknown> = {}) {
  return { title, description, additionalProperties: false, ...extra };
}
