import type { Principal } from './auth.ts';
import { ApiError, badRequest, invalidField, notFound } from './errors.ts';
import { actorOf, ok, recordAnswer, route, type Qms } from './kit.ts';
import { filterByQuery, page } from './paging.ts';
import type { Actor } from './repo.ts';
import { clone, type Rec } from './store.ts';
import { DECIMAL, objectBody, optRef, optString, UOM, type Json } from './validate.ts';
import { ENTITIES } from './entities.ts';
import { BASE } from './kit.ts';

/**
 * Inspection specifications: what to test on a material, within which limits. `PUT
 * /inspection-specs/{id}` is an upsert (an example pack syncs ERP inspection-plan changes into
 * it): a changed spec gets the next version and the old version stays readable in the history
 * (`?version=`); the same content again changes nothing, so a repeated sync is harmless.
 */

export interface Characteristic {
  readonly charId: string;
  readonly name: string;
  readonly kind?: 'quantitative' | 'qualitative';
  readonly method?: string;
  readonly target?: string;
  readonly lower?: string;
  readonly upper?: string;
  readonly uom?: string;
  readonly critical?: boolean;
}

const SPEC_STATES = ['draft', 'approved', 'effective'];

/** The spec content from a PUT body (or seed), every problem named by its path. */
export function readSpecBody(body: Json): Json {
  const materialId = optRef(body, 'materialId');
  if (!materialId)
    throw new ApiError(422, 'REQUIRED_FIELD_MISSING', 'a spec needs materialId', { fields: ['materialId'] });
  const chars = body.characteristics;
  if (!Array.isArray(chars) || chars.length === 0)
    throw new ApiError(422, 'REQUIRED_FIELD_MISSING', 'a spec needs at least one characteristic', {
      fields: ['characteristics'],
    });
  const seen = new Set<string>();
  const characteristics = chars.map((c, i) => readCharacteristic(c, `characteristics[${i}]`, seen));
  const status = body.status === undefined ? 'effective' : String(body.status);
  if (!SPEC_STATES.includes(status)) throw invalidField('status', `must be one of ${SPEC_STATES.join(', ')}`);
  const out: Json = { materialId, characteristics, status };
  for (const f of ['plantId', 'validFrom', 'validTo', 'samplingProcedure', 'description', 'erpInspectionPlan']) {
    const v = optString(body, f, 128);
    if (v !== undefined) out[f] = v;
  }
  if (body.version !== undefined) {
    if (typeof body.version !== 'string' && typeof body.version !== 'number')
      throw invalidField('version', 'must be a string such as "4"');
    out.version = String(body.version);
  }
  return out;
}

function readCharacteristic(raw: unknown, path: string, seen: Set<string>): Characteristic {
  if (typeof raw !== 'object' || raw === null) throw invalidField(path, 'must be an object');
  const c = raw as Json;
  if (typeof c.charId !== 'string' || c.charId === '') throw invalidField(`${path}.charId`, 'is required');
  if (seen.has(c.charId)) throw invalidField(`${path}.charId`, `${c.charId} appears twice`);
  seen.add(c.charId);
  const out: Record<string, unknown> = { charId: c.charId, name: typeof c.name === 'string' ? c.name : c.charId };
  for (const f of ['target', 'lower', 'upper'] as const) {
    const v = c[f];
    if (v === undefined) continue;
    const s = typeof v === 'number' ? String(v) : v;
    if (typeof s !== 'string' || !DECIMAL.test(s)) throw invalidField(`${path}.${f}`, 'must be a decimal string');
    out[f] = s;
  }
  if (out.lower !== undefined && out.upper !== undefined && Number(out.lower) > Number(out.upper))
    throw invalidField(`${path}.lower`, 'is above upper');
  if (c.uom !== undefined) {
    if (typeof c.uom !== 'string' || !UOM.test(c.uom))
      throw invalidField(`${path}.uom`, 'must be a UN/CEFACT Rec 20 code such as CEL or P1');
    out.uom = c.uom;
  }
  if (c.kind !== undefined && c.kind !== 'quantitative' && c.kind !== 'qualitative')
    throw invalidField(`${path}.kind`, 'must be quantitative or qualitative');
  out.kind = c.kind ?? 'quantitative';
  if (typeof c.method === 'string') out.method = c.method;
  if (typeof c.critical === 'boolean') out.critical = c.critical;
  return out as unknown as Characteristic;
}

const CONTENT = ['materialId', 'plantId', 'characteristics', 'validFrom', 'validTo', 'samplingProcedure', 'status'];

/** Upserts a spec; answers whether it was created, changed (new version) or unchanged. */
export function upsertSpec(
  qms: Qms,
  id: string,
  content: Json,
  actor: Actor,
  emit = true,
): { rec: Rec; outcome: 'created' | 'updated' | 'unchanged' } {
  const current = qms.store.records.inspection_spec.get(id);
  if (!current) {
    const { status, ...fields } = content;
    const rec = qms.repo.insert('inspection_spec', { ...fields, version: fields.version ?? '1' }, actor, {
      id,
      state: String(status ?? 'effective'),
      ...(emit ? {} : { event: false }),
    });
    return { rec, outcome: 'created' };
  }
  const same = CONTENT.every((f) => f === 'status' || JSON.stringify(current[f]) === JSON.stringify(content[f]));
  if (same && (content.version === undefined || content.version === current.version))
    return { rec: current, outcome: 'unchanged' };
  const version = content.version ?? nextVersion(String(current.version));
  if (version === current.version || qms.store.specHistory.some((h) => h.id === id && h.version === version))
    throw new ApiError(409, 'VERSION_EXISTS', `spec ${id} version ${String(version)} exists with other content`, {
      currentVersion: current.version,
    });
  qms.store.specHistory.push({ ...clone(current), state: 'superseded', supersededAt: qms.repo.now() });
  const { status, ...fields } = content;
  const changes: Json = { ...fields, version };
  for (const f of CONTENT)
    if (f !== 'status' && content[f] === undefined && current[f] !== undefined) delete current[f];
  qms.repo.update('inspection_spec', current, changes, actor, {
    action: 'new-version',
    event: emit ? 'inspection_spec.updated' : false,
    eventData: { previousVersion: qms.store.specHistory[qms.store.specHistory.length - 1]!.version },
  });
  if (typeof status === 'string') current.state = status;
  return { rec: current, outcome: 'updated' };
}

function nextVersion(v: string): string {
  return /^\d+$/.test(v) ? String(Number(v) + 1) : `${v}.1`;
}

/** The spec an inspection is measured against: by specRef (any version), else the material's current one. */
export function specFor(qms: Qms, inspection: Json): Rec | undefined {
  const ref = inspection.specRef as { id?: string; version?: string } | undefined;
  if (ref?.id) {
    const current = qms.store.records.inspection_spec.get(ref.id);
    if (current && (ref.version === undefined || current.version === ref.version)) return current;
    const old = qms.store.specHistory.find((h) => h.id === ref.id && h.version === ref.version);
    if (old) return old;
    if (current) return current;
  }
  if (typeof inspection.materialId !== 'string') return undefined;
  const candidates = qms.store
    .all('inspection_spec')
    .filter((s) => s.materialId === inspection.materialId && s.state === 'effective');
  return (
    candidates.find((s) => inspection.plantId !== undefined && s.plantId === inspection.plantId) ??
    candidates.find((s) => s.plantId === undefined) ??
    candidates[0]
  );
}

export function registerSpecs(qms: Qms): void {
  route(qms, 'GET', '/inspection-specs', 'read', (req) => {
    const version = req.query.get('version');
    const query = new URLSearchParams(req.query);
    // ?version= may name a superseded version: search the history too.
    const pool = version
      ? [...qms.store.all('inspection_spec'), ...qms.store.specHistory]
      : qms.store.all('inspection_spec');
    const items = filterByQuery(pool, query, ENTITIES.inspection_spec.filters);
    return ok(page(items, query, `${BASE}/inspection-specs`, (r) => r.updatedAt));
  });
  route(qms, 'GET', '/inspection-specs/:id', 'read', (req) => {
    const rec = qms.repo.get('inspection_spec', req.params.id!);
    const version = req.query.get('version');
    if (!version || version === rec.version) return recordAnswer('inspection_spec', rec);
    const old = qms.store.specHistory.find((h) => h.id === rec.id && h.version === version);
    if (!old) throw notFound(`inspection spec ${rec.id} version`, version);
    return ok(old);
  });
  route(qms, 'GET', '/inspection-specs/:id/versions', 'read', (req) => {
    const rec = qms.repo.get('inspection_spec', req.params.id!);
    return ok({ items: [...qms.store.specHistory.filter((h) => h.id === rec.id), rec], next: null });
  });
  route(qms, 'PUT', '/inspection-specs/:id', 'write', (req, who: Principal) => {
    const id = req.params.id!;
    if (!/^\S{1,128}$/.test(id)) throw badRequest('INVALID_ID', 'a spec id is 1 to 128 characters without spaces');
    const existing = qms.store.records.inspection_spec.get(id);
    if (existing) qms.repo.checkRevision(existing, req.headers['if-match']);
    const { rec, outcome } = upsertSpec(qms, id, readSpecBody(objectBody(req)), actorOf(who));
    const answer = recordAnswer('inspection_spec', rec, outcome === 'created' ? 201 : 200);
    return { ...answer, headers: { ...answer.headers, 'x-qms-outcome': outcome } };
  });
}
