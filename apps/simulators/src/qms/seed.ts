import { STATE_MACHINES } from '@millrace/canonical';
import { ENTITIES, type EntityName } from './entities.ts';
import { ApiError, invalidField } from './errors.ts';
import type { Qms } from './kit.ts';
import type { Actor } from './repo.ts';
import { readSpecBody, upsertSpec } from './specs.ts';
import type { Rec, RequiredFieldRule, User } from './store.ts';
import { SCOPES } from './auth.ts';
import type { Json } from './validate.ts';

/**
 * The deterministic seed: QA users (who can sign), inspection specs whose characteristic ids
 * the MES simulator uses as process parameter names, and a little history (a closed deviation
 * with its CAPA, an open supplier case) dated in the past so it never mixes with what a test
 * creates. The same seed always gives the same store.
 */

const SEED_ACTOR: Actor = { userId: 'system', clientId: 'seed' };
const ALL = [...SCOPES];

export const SEED_USERS: readonly User[] = [
  { id: 'u-qa-0042', name: 'Quinn Avery', password: 'sign-0042', canSign: true, scopes: ALL },
  { id: 'u-qa-0007', name: 'Robin Vale', password: 'sign-0007', canSign: true, scopes: ALL },
  { id: 'u-op-0100', name: 'Sam Ortega', password: 'op-0100', canSign: false, scopes: ['qms.read', 'qms.write'] },
  { id: 'u-qa-robot', name: 'QA Robot', password: 'robot-sign', canSign: true, scopes: ALL },
];

const FG_1000_CHARS = [
  {
    charId: 'DRY-TEMP',
    name: 'Dryer outlet temperature',
    lower: '55.0',
    upper: '65.0',
    target: '60.0',
    uom: 'CEL',
    critical: true,
    method: 'PT100 probe, batch mean',
  },
  { charId: 'MOISTURE', name: 'Loss on drying', upper: '2.0', uom: 'P1', critical: true, method: 'LOD 105 °C' },
  {
    charId: 'ASSAY',
    name: 'Assay (HPLC)',
    lower: '98.0',
    upper: '102.0',
    target: '100.0',
    uom: 'P1',
    critical: true,
    method: 'HPLC-UV',
  },
];

/** FG-1000 has two superseded versions, so `?version=` and the history have something to show. */
export const SEED_SPECS: readonly Json[] = [
  {
    id: 'SPEC-FG-1000',
    materialId: 'FG-1000',
    plantId: 'P100',
    version: '1',
    validFrom: '2025-01-01',
    characteristics: [{ ...FG_1000_CHARS[0]!, lower: '50.0', upper: '70.0' }, FG_1000_CHARS[1]!],
  },
  {
    id: 'SPEC-FG-1000',
    materialId: 'FG-1000',
    plantId: 'P100',
    version: '2',
    validFrom: '2025-06-01',
    characteristics: [FG_1000_CHARS[0]!, FG_1000_CHARS[1]!, { ...FG_1000_CHARS[2]!, lower: '97.0', upper: '103.0' }],
  },
  {
    id: 'SPEC-FG-1000',
    materialId: 'FG-1000',
    plantId: 'P100',
    version: '3',
    validFrom: '2026-01-01',
    characteristics: FG_1000_CHARS,
  },
  {
    id: 'SPEC-IP-1500',
    materialId: 'IP-1500',
    plantId: 'P100',
    version: '1',
    validFrom: '2026-01-01',
    characteristics: [
      { charId: 'BLEND-TIME', name: 'Blending time', lower: '10', upper: '15', target: '12', uom: 'MIN' },
      { charId: 'MOISTURE', name: 'Loss on drying', upper: '3.5', uom: 'P1' },
    ],
  },
  {
    id: 'SPEC-RM-2000',
    materialId: 'RM-2000',
    plantId: 'P100',
    version: '1',
    validFrom: '2026-01-01',
    characteristics: [
      { charId: 'IDENTITY', name: 'Identity (IR)', kind: 'qualitative', method: 'FTIR vs reference' },
      { charId: 'ASSAY', name: 'Assay (HPLC)', lower: '99.0', upper: '101.0', uom: 'P1', critical: true },
      { charId: 'WATER-KF', name: 'Water (Karl Fischer)', upper: '0.5', uom: 'P1' },
    ],
  },
];

const HISTORY_AT = '2025-12-10T09:00:00.000Z';
const SEED_RECORDS: Partial<Record<EntityName, Json[]>> = {
  quality_event: [
    {
      id: 'QE-000001',
      number: 'DEV-2025-0001',
      kind: 'deviation',
      classification: 'minor',
      source: 'mes',
      title: 'Dryer inlet filter change overdue',
      description: 'Filter change logged 2 days late on FBD-02.',
      affectedLots: ['LOT-2025-0901-P100-L1'],
      affectedMaterials: ['FG-1000'],
      equipmentId: 'FBD-02',
      externalId: 'MES-DEV-SEED-0001',
      disposition: 'use_as_is',
      rootCause: 'Maintenance plan not synced.',
      capaIds: ['CAPA-000001'],
      state: 'closed',
      closedAt: '2025-12-20T16:00:00.000Z',
    },
  ],
  capa: [
    {
      id: 'CAPA-000001',
      number: 'CAPA-2025-0001',
      type: 'corrective',
      externalId: 'CAPA-SEED-0001',
      problemStatement: 'Maintenance plan for FBD-02 not synchronised with the CMMS.',
      sourceEventIds: ['QE-000001'],
      state: 'closed_effective',
      closedAt: '2025-12-19T12:00:00.000Z',
    },
  ],
  supplier_case: [
    {
      id: 'SC-000001',
      number: 'SCAR-2025-0001',
      supplierId: 'SUP-300',
      materialId: 'RM-2000',
      supplierLots: ['S300-25-118'],
      severity: 'major',
      externalId: 'SCAR-SEED-0001',
      stage: 'D2',
      description: 'Assay out of specification on two incoming lots.',
      responses: [],
      state: 'issued',
    },
  ],
};

/**
 * The MES simulator publishes process parameters with an OPC-style `tag` next to the `name`,
 * and the batch-release pack posts `p.tag ?? p.name` as the characteristic id: these map its
 * default tags to the spec's characteristics.
 */
export const DEFAULT_CHARACTERISTIC_ALIASES: Readonly<Record<string, string>> = {
  'dryer-02/Dryer/ProductTemperature': 'DRY-TEMP',
  'dryer-02/Dryer/Moisture': 'MOISTURE',
};

export function loadSeed(qms: Qms): void {
  Object.assign(qms.store.characteristicAliases, DEFAULT_CHARACTERISTIC_ALIASES);
  for (const u of SEED_USERS) qms.store.users.set(u.id, u);
  for (const s of SEED_SPECS) seedSpec(qms, s);
  for (const [entity, recs] of Object.entries(SEED_RECORDS) as Array<[EntityName, Json[]]>)
    for (const r of recs) seedRecord(qms, entity, { createdAt: HISTORY_AT, updatedAt: HISTORY_AT, ...r });
}

/** The body of POST /__sim/seed (and options.seedData): extra specs, users, records and rules. */
export interface SeedData {
  readonly specs?: readonly Json[];
  readonly users?: readonly Partial<User>[];
  readonly inspections?: readonly Json[];
  readonly qualityEvents?: readonly Json[];
  readonly capas?: readonly Json[];
  readonly supplierCases?: readonly Json[];
  readonly releases?: readonly Json[];
  readonly requiredFields?: readonly RequiredFieldRule[];
  /** Result ids (e.g. MES tag paths) → characteristic ids, added to the table. */
  readonly characteristicAliases?: Readonly<Record<string, string>>;
}

const RECORD_KEYS: Record<string, EntityName> = {
  inspections: 'inspection',
  qualityEvents: 'quality_event',
  capas: 'capa',
  supplierCases: 'supplier_case',
  releases: 'release',
};

/** Applies seed data; throws ApiError 400 naming what is wrong (nothing is half-applied for specs/users). */
export function applySeed(qms: Qms, data: unknown): Record<string, number> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new ApiError(400, 'BAD_SEED', 'send a JSON object such as { "specs": [ … ] }');
  const d = data as Record<string, unknown>;
  const known = ['specs', 'users', 'requiredFields', 'characteristicAliases', ...Object.keys(RECORD_KEYS)];
  const unknown = Object.keys(d).filter((k) => !known.includes(k));
  if (unknown.length > 0)
    throw new ApiError(400, 'BAD_SEED', `unknown seed keys: ${unknown.join(', ')}; known: ${known.join(', ')}`);
  const counts: Record<string, number> = {};
  const list = (k: string): Json[] => {
    const v = d[k];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new ApiError(400, 'BAD_SEED', `${k} must be a list`);
    return v as Json[];
  };
  for (const u of list('users')) {
    if (typeof u.id !== 'string' || typeof u.password !== 'string')
      throw new ApiError(400, 'BAD_SEED', 'each user needs id and password');
    qms.store.users.set(u.id, {
      id: u.id,
      name: typeof u.name === 'string' ? u.name : u.id,
      password: u.password,
      canSign: u.canSign !== false,
      scopes: Array.isArray(u.scopes) ? (u.scopes as string[]) : ALL,
    });
  }
  counts.users = list('users').length;
  for (const s of list('specs')) seedSpec(qms, s);
  counts.specs = list('specs').length;
  const aliases = d.characteristicAliases;
  if (aliases !== undefined) {
    if (typeof aliases !== 'object' || aliases === null || Object.values(aliases).some((v) => typeof v !== 'string'))
      throw new ApiError(400, 'BAD_SEED', 'characteristicAliases maps result ids to characteristic ids (strings)');
    Object.assign(qms.store.characteristicAliases, aliases);
  }
  for (const rule of list('requiredFields')) qms.store.requiredFields.push(readRule(rule));
  counts.requiredFields = list('requiredFields').length;
  for (const [key, entity] of Object.entries(RECORD_KEYS)) {
    for (const r of list(key)) seedRecord(qms, entity, r);
    counts[key] = list(key).length;
  }
  return counts;
}

export function readRule(raw: unknown): RequiredFieldRule {
  const r = raw as Partial<RequiredFieldRule> | null;
  const collections = Object.values(ENTITIES).map((e) => e.collection);
  if (!r || typeof r.collection !== 'string' || !collections.includes(r.collection))
    throw new ApiError(400, 'BAD_RULE', `requiredFields[].collection must be one of ${collections.join(', ')}`);
  if (typeof r.state !== 'string' || !Array.isArray(r.fields) || r.fields.some((f) => typeof f !== 'string'))
    throw new ApiError(400, 'BAD_RULE', 'a required-fields rule is { collection, state, fields: [..], kind? }');
  return { collection: r.collection, state: r.state, fields: r.fields, ...(r.kind ? { kind: r.kind } : {}) };
}

function seedSpec(qms: Qms, s: Json): void {
  if (typeof s.id !== 'string' || s.id === '') throw new ApiError(400, 'BAD_SEED', 'each spec needs an id');
  upsertSpec(qms, s.id, readSpecBody(s), SEED_ACTOR, false);
  const rec = qms.store.records.inspection_spec.get(s.id)!;
  if (typeof s.updatedAt === 'string') rec.updatedAt = new Date(s.updatedAt).toISOString();
}

/** A record as it already exists in the QMS: no lifecycle checks, no events, kept timestamps. */
function seedRecord(qms: Qms, entity: EntityName, r: Json): Rec {
  const info = ENTITIES[entity];
  const machine = STATE_MACHINES[info.machine];
  const state = typeof r.state === 'string' ? r.state : machine.initial;
  if (!(machine.states as readonly string[]).includes(state))
    throw invalidField('state', `a ${info.what} state is one of ${machine.states.join(', ')}`);
  const id = typeof r.id === 'string' ? r.id : qms.store.nextId(info.idPrefix);
  qms.store.bumpPast(info.idPrefix, id);
  const at = new Date(typeof r.createdAt === 'string' ? r.createdAt : qms.repo.now()).toISOString();
  const rec: Rec = {
    ...r,
    id,
    state,
    revision: typeof r.revision === 'number' ? r.revision : 1,
    createdAt: at,
    updatedAt: new Date(typeof r.updatedAt === 'string' ? r.updatedAt : at).toISOString(),
  };
  qms.store.records[entity].set(id, rec);
  qms.repo.log(entity, rec, SEED_ACTOR, { action: 'seed', toState: state });
  return rec;
}
