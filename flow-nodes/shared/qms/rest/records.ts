import { RemoteError, type Logger } from '@millrace/node-sdk';
import { CapaSchema, InspectionLotSchema, QualityEventSchema, validateCanonical } from '@millrace/canonical';
import type { HttpResponse } from '../../../connections/http/client.ts';
import { nameBasedUuid } from '../canonical-id.ts';
import {
  CAPA_TYPES,
  DISPOSITIONS,
  INSPECTION_ORIGINS,
  QUALITY_EVENT_KINDS,
  QUALITY_EVENT_SOURCES,
  SEVERITIES,
} from '../canonical-enums.ts';
import { canonicalChoice, canonicalStatus } from '../states.ts';

/**
 * The generic eQMS REST records (shared/qms/README.md) and how each becomes a canonical object.
 * The generic API spells fields as the canonical model does, so a request goes out as it is;
 * a record comes back with the QMS's own additions: `id`, `number`, `state`, timestamps and,
 * once decided, the inspection's `decision`.
 */

export type WireRecord = Readonly<Record<string, unknown>> & { readonly id: string };

export interface RecordKind {
  /** The collection under the API root: POST /inspections. */
  readonly collection: 'inspections' | 'quality-events' | 'capas';
  readonly entity: 'InspectionLot' | 'QualityEvent' | 'CAPA';
  readonly schema: string;
  /** "inspection", for messages. */
  readonly what: string;
  /** The fields the QMS refuses a second record for (409), sent as the query when looking it up. */
  readonly naturalKey: readonly string[];
  /**
   * The fields a found duplicate must agree on to count as this request. Fields the QMS takes
   * over after opening (classification, owner, due date set at triage) are left out: the record
   * is still the one asked for after QA changed them.
   */
  readonly compared: readonly string[];
  /** Canonical fields read from the record, falling back to the request's value. */
  readonly fields: readonly string[];
  /** Picklist fields whose vendor spelling is mapped to the canonical one. */
  readonly choices?: Readonly<Record<string, { allowed: readonly string[]; aliases?: Record<string, string> }>>;
  /** What only the QMS can say (id, number, state…), as canonical fields. */
  owned(record: WireRecord, id: string): Record<string, unknown>;
}

const common = (record: WireRecord) => ({
  revision: Number.isInteger(record.revision) ? record.revision : undefined,
  createdAt: record.createdAt,
  updatedAt: record.updatedAt,
});

export const INSPECTION: RecordKind = {
  collection: 'inspections',
  entity: 'InspectionLot',
  schema: 'canonical:InspectionLot@1',
  what: 'inspection',
  naturalKey: ['lotId', 'origin'],
  compared: ['lotId', 'origin', 'materialId', 'productionOrderId', 'plantId', 'quantity', 'specRef'],
  fields: ['lotId', 'origin', 'materialId', 'productionOrderId', 'plantId', 'quantity', 'specRef', 'sampleQuantity'],
  choices: { origin: { allowed: INSPECTION_ORIGINS } },
  owned: (record, id) => ({
    id,
    qmsInspectionId: record.id,
    erpInspectionLot: record.erpInspectionLot,
    usageDecision: usageDecision(record.decision ?? record.usageDecision),
    ...state('InspectionLot', record),
    ...common(record),
  }),
};

export const QUALITY_EVENT: RecordKind = {
  collection: 'quality-events',
  entity: 'QualityEvent',
  schema: 'canonical:QualityEvent@1',
  what: 'quality event',
  naturalKey: ['externalId'],
  compared: [
    'externalId',
    'kind',
    'source',
    'title',
    'description',
    'affectedLots',
    'affectedOrders',
    'affectedMaterials',
    'equipmentId',
  ],
  fields: [
    'kind',
    'classification',
    'source',
    'title',
    'description',
    'affectedLots',
    'affectedOrders',
    'affectedMaterials',
    'equipmentId',
    'containment',
    'disposition',
    'rootCause',
    'capaIds',
    'ownerId',
    'dueAt',
    'closedAt',
    'statusReason',
  ],
  choices: {
    kind: {
      allowed: QUALITY_EVENT_KINDS,
      aliases: { ncr: 'nonconformance', non_conformance: 'nonconformance', supplier: 'supplier_issue' },
    },
    classification: { allowed: SEVERITIES },
    source: { allowed: QUALITY_EVENT_SOURCES },
    disposition: { allowed: DISPOSITIONS },
  },
  owned: (record, id) => ({
    id,
    number: record.number ?? record.id,
    externalRefs: [{ system: 'qms', type: 'QualityEvent', id: record.id }],
    openedAt: record.openedAt ?? record.createdAt,
    ...state('QualityEvent', record),
    ...common(record),
  }),
};

export const CAPA: RecordKind = {
  collection: 'capas',
  entity: 'CAPA',
  schema: 'canonical:CAPA@1',
  what: 'CAPA',
  naturalKey: ['externalId'],
  compared: ['externalId', 'type', 'problemStatement', 'sourceEventIds'],
  fields: ['type', 'problemStatement', 'sourceEventIds', 'ownerId', 'dueAt', 'closedAt', 'statusReason'],
  choices: {
    type: { allowed: CAPA_TYPES, aliases: { supplier: 'supplier_corrective', scar: 'supplier_corrective' } },
  },
  owned: (record, id) => ({
    id,
    number: record.number ?? record.id,
    externalRefs: [{ system: 'qms', type: 'CAPA', id: record.id }],
    ...state('CAPA', record),
    ...common(record),
  }),
};

function state(entity: RecordKind['entity'], record: WireRecord): Record<string, unknown> {
  const raw = record.state ?? record.status;
  const { status } = canonicalStatus(entity, raw);
  return { status, sourceStatus: typeof raw === 'string' ? raw : undefined };
}

const DECISION_ALIASES = {
  a: 'accepted',
  accept: 'accepted',
  r: 'rejected',
  reject: 'rejected',
  conditional: 'conditionally_accepted',
  conditional_accept: 'conditionally_accepted',
} as const;

function usageDecision(raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const d = raw as Record<string, unknown>;
  const valuation = canonicalChoice(
    d.valuation ?? d.decision ?? d.result,
    ['accepted', 'rejected', 'conditionally_accepted'],
    DECISION_ALIASES,
  );
  return strip({
    code: d.code,
    codeGroup: d.codeGroup,
    valuation,
    decidedBy: d.decidedBy,
    decidedAt: d.decidedAt,
    signature: d.signature,
    followUpAction: d.followUpAction,
    qualityScore: d.qualityScore,
  });
}

/** The record with its picklist values in canonical spelling ("Deviation" → "deviation"), for comparing. */
export function comparable(kind: RecordKind, record: WireRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  for (const [field, choice] of Object.entries(kind.choices ?? {})) {
    const mapped = canonicalChoice(record[field], choice.allowed, choice.aliases);
    if (mapped !== undefined) out[field] = mapped;
  }
  return out;
}

/** A record from a 2xx body: the object itself, or `{ "data": { … } }`. */
export function recordOf(body: unknown): WireRecord | undefined {
  const value =
    typeof body === 'object' && body !== null && 'data' in body && typeof body.data === 'object' ? body.data : body;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const id = (value as Record<string, unknown>).id;
  if (typeof id === 'number') return { ...(value as Record<string, unknown>), id: String(id) };
  return typeof id === 'string' && id !== '' ? (value as WireRecord) : undefined;
}

/** The records of a list answer: an array, or `{ items | data | results: [ … ] }`. */
export function recordsOf(body: unknown): WireRecord[] {
  const list = Array.isArray(body)
    ? body
    : typeof body === 'object' && body !== null
      ? ((body as Record<string, unknown>).items ??
        (body as Record<string, unknown>).data ??
        (body as Record<string, unknown>).results)
      : undefined;
  return Array.isArray(list) ? list.map(recordOf).filter((r): r is WireRecord => r !== undefined) : [];
}

export function parseBody(answer: HttpResponse): unknown {
  try {
    return answer.bodyText === '' ? undefined : (JSON.parse(answer.bodyText) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * The canonical object of a record. The record wins where it says something valid; a value
 * the canonical model cannot hold (a unit "kg", a local time) falls back to what the request
 * sent, or is left out with a warning when the request sent nothing: the QMS acted, and one
 * odd optional field must not turn that success into a failure that no retry can fix. What
 * cannot be left out (a decided inspection without its decision) is a QMS_INVALID_RESPONSE.
 */
export function toCanonical(
  kind: RecordKind,
  record: WireRecord,
  request: Readonly<Record<string, unknown>>,
  apiRoot: string,
  log: Logger,
): Record<string, unknown> {
  const id = nameBasedUuid(`${apiRoot}|${kind.collection}|${record.id}`);
  const fromRecord = new Set<string>();
  const value: Record<string, unknown> = { id, schemaVersion: 1 };
  for (const field of kind.fields) {
    const choice = kind.choices?.[field];
    const found = choice ? canonicalChoice(record[field], choice.allowed, choice.aliases) : record[field];
    if (found !== undefined && found !== null) {
      value[field] = found;
      fromRecord.add(field);
    } else if (request[field] !== undefined) value[field] = request[field];
  }
  for (const [field, v] of Object.entries(kind.owned(record, id))) {
    if (v === undefined || v === null) continue;
    value[field] = v;
    if (field !== 'id' && field !== 'status') fromRecord.add(field);
  }

  const raw = record.state ?? record.status;
  if (!canonicalStatus(kind.entity, raw).known) {
    log.warn(`qms: the ${kind.what}'s state is not one Millrace knows; taken as "${String(value.status)}"`, {
      recordId: record.id,
      state: raw,
    });
  }

  const required = new Set(requiredOf(kind.schema));
  for (const problem of validateCanonical(kind.schema, value)) {
    const field = problem.pointer.split('/')[1] ?? '';
    const requested = request[field];
    // Only what the record said is replaced; a required field without a requested value stays
    // and fails below.
    if (!fromRecord.has(field) || (requested === undefined && required.has(field))) continue;
    fromRecord.delete(field);
    if (requested !== undefined) value[field] = requested;
    else delete value[field];
    log.warn(
      `qms: the ${kind.what}'s ${field} does not fit the canonical model; ${requested !== undefined ? 'kept the requested value' : 'left out'}`,
      { recordId: record.id, problem: problem.message },
    );
  }
  const left = validateCanonical(kind.schema, value);
  if (left.length > 0) {
    throw new RemoteError(
      'QMS_INVALID_RESPONSE',
      `The QMS ${kind.what} ${record.id} cannot be read as ${kind.schema}: ${left.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}.`,
      { details: { recordId: record.id, problems: left } },
    );
  }
  return value;
}

const SCHEMAS: Record<string, { required?: string[] }> = {
  'canonical:InspectionLot@1': InspectionLotSchema,
  'canonical:QualityEvent@1': QualityEventSchema,
  'canonical:CAPA@1': CapaSchema,
};

function requiredOf(schema: string): readonly string[] {
  return SCHEMAS[schema]?.required ?? [];
}

function strip(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null));
}
