/**
 * The registry: every canonical schema as plain JSON Schema 2020-12, addressable as
 * `canonical:<Name>@<major>`. A major changes only for a breaking change; both majors are then
 * listed side by side, so a flow that says `@1` keeps meaning what it meant.
 */
import { toJsonSchema } from '@millrace/schema';
import type { TSchema } from '@sinclair/typebox';
import { AuditRecordSchema, IdMappingSchema } from './entities/records.ts';
import { InspectionLotSchema, InspectionResultSchema, InspectionSpecificationSchema } from './entities/inspection.ts';
import { MaterialLotSchema, StockPostingSchema } from './entities/inventory.ts';
import { EquipmentSchema, MaterialSchema, PersonSchema } from './entities/master-data.ts';
import { BatchCompletionSchema, ProductionOrderSchema } from './entities/production.ts';
import { CapaSchema, QualityEventSchema, SupplierQualityCaseSchema } from './entities/quality.ts';
import { ReleaseRecordSchema } from './entities/release.ts';
import { CloudEventSchema } from './events/envelope.ts';
import {
  CapaChangedSchema,
  InspectionDecisionSchema,
  IntegrationExceptionSchema,
  LotStatusChangedSchema,
  MaterialConsumptionSchema,
  ProductionOrderChangedSchema,
  QualityEventChangedSchema,
  SupplierQualityCaseChangedSchema,
} from './events/payloads.ts';

export const CANONICAL_SCHEMA_BASE_URL = 'https://millrace.dev/schemas/canonical/';

/** `entity`: a record with an id; `event-data`: the data of a change event; `envelope`: CloudEvent. */
export type CanonicalSchemaKind = 'entity' | 'event-data' | 'envelope';

export interface CanonicalSchemaEntry {
  readonly name: string;
  readonly major: number;
  /** `canonical:<name>@<major>` */
  readonly ref: string;
  readonly kind: CanonicalSchemaKind;
  readonly title: string;
  readonly description: string;
  /** JSON Schema 2020-12 with `$id` https://millrace.dev/schemas/canonical/<name>/<major>. */
  readonly schema: Readonly<Record<string, unknown>>;
}

const DEFINITIONS: ReadonlyArray<{ name: string; major: number; kind: CanonicalSchemaKind; schema: TSchema }> = [
  { name: 'Material', major: 1, kind: 'entity', schema: MaterialSchema },
  { name: 'ProductionOrder', major: 1, kind: 'entity', schema: ProductionOrderSchema },
  { name: 'MaterialLot', major: 1, kind: 'entity', schema: MaterialLotSchema },
  { name: 'StockPosting', major: 1, kind: 'entity', schema: StockPostingSchema },
  { name: 'BatchCompletion', major: 1, kind: 'entity', schema: BatchCompletionSchema },
  { name: 'InspectionSpecification', major: 1, kind: 'entity', schema: InspectionSpecificationSchema },
  { name: 'InspectionLot', major: 1, kind: 'entity', schema: InspectionLotSchema },
  { name: 'InspectionResult', major: 1, kind: 'entity', schema: InspectionResultSchema },
  { name: 'QualityEvent', major: 1, kind: 'entity', schema: QualityEventSchema },
  { name: 'CAPA', major: 1, kind: 'entity', schema: CapaSchema },
  { name: 'SupplierQualityCase', major: 1, kind: 'entity', schema: SupplierQualityCaseSchema },
  { name: 'ReleaseRecord', major: 1, kind: 'entity', schema: ReleaseRecordSchema },
  { name: 'AuditRecord', major: 1, kind: 'entity', schema: AuditRecordSchema },
  { name: 'IdMapping', major: 1, kind: 'entity', schema: IdMappingSchema },
  { name: 'Equipment', major: 1, kind: 'entity', schema: EquipmentSchema },
  { name: 'Person', major: 1, kind: 'entity', schema: PersonSchema },
  { name: 'CloudEvent', major: 1, kind: 'envelope', schema: CloudEventSchema },
  { name: 'MaterialConsumption', major: 1, kind: 'event-data', schema: MaterialConsumptionSchema },
  { name: 'ProductionOrderChanged', major: 1, kind: 'event-data', schema: ProductionOrderChangedSchema },
  { name: 'InspectionDecision', major: 1, kind: 'event-data', schema: InspectionDecisionSchema },
  { name: 'QualityEventChanged', major: 1, kind: 'event-data', schema: QualityEventChangedSchema },
  { name: 'CapaChanged', major: 1, kind: 'event-data', schema: CapaChangedSchema },
  { name: 'SupplierQualityCaseChanged', major: 1, kind: 'event-data', schema: SupplierQualityCaseChangedSchema },
  { name: 'LotStatusChanged', major: 1, kind: 'event-data', schema: LotStatusChangedSchema },
  { name: 'IntegrationException', major: 1, kind: 'event-data', schema: IntegrationExceptionSchema },
];

/** The `$id` of a canonical schema. */
export function canonicalSchemaId(name: string, major: number): string {
  return `${CANONICAL_SCHEMA_BASE_URL}${name}/${major}`;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// Frozen: the entries are shared by every caller, and one that edited a schema would change
// validation for all of them.
export const CANONICAL_SCHEMAS: readonly CanonicalSchemaEntry[] = deepFreeze(
  DEFINITIONS.map(({ name, major, kind, schema }) => ({
    name,
    major,
    ref: `canonical:${name}@${major}`,
    kind,
    title: String(schema.title),
    description: String(schema.description),
    schema: toJsonSchema(schema, canonicalSchemaId(name, major)),
  })),
);

const BY_REF = new Map(CANONICAL_SCHEMAS.map((e) => [e.ref, e]));

const REF_PATTERN = /^canonical:([A-Z][A-Za-z0-9]*)@([1-9][0-9]{0,5})$/;

/** Splits `canonical:<Name>@<major>`; undefined when the text is not of that form (known or not). */
export function parseCanonicalRef(ref: string): { name: string; major: number } | undefined {
  const m = typeof ref === 'string' ? REF_PATTERN.exec(ref) : null;
  return m ? { name: m[1] as string, major: Number(m[2]) } : undefined;
}

export function resolveCanonicalRef(ref: string): CanonicalSchemaEntry | undefined {
  return typeof ref === 'string' ? BY_REF.get(ref) : undefined;
}

/** True when `ref` is well formed and names a schema this package has. */
export function isCanonicalRef(ref: string): boolean {
  return resolveCanonicalRef(ref) !== undefined;
}

/** Why a reference does not resolve, in words that say what to write instead. */
export function explainUnknownRef(ref: string): string {
  const parsed = parseCanonicalRef(ref);
  if (!parsed) {
    return `"${String(ref)}" is not a canonical schema reference; write canonical:<Name>@<major>, such as canonical:BatchCompletion@1`;
  }
  const majors = CANONICAL_SCHEMAS.filter((e) => e.name === parsed.name).map((e) => e.major);
  if (majors.length > 0) {
    return `${ref} does not exist: ${parsed.name} has major version ${majors.join(', ')} only`;
  }
  return `${ref} does not exist: there is no canonical schema named ${parsed.name} (see CANONICAL_SCHEMAS)`;
}
