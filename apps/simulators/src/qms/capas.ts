import { targetOf } from './actions.ts';
import { CAPA_TYPES } from './enums.ts';
import { ApiError } from './errors.ts';
import { actorOf, assertNoDuplicate, createWithKey, ok, patchableOf, recordAnswer, route, type Qms } from './kit.ts';
import { listRecords } from './paging.ts';
import type { Actor } from './repo.ts';
import type { Rec } from './store.ts';
import {
  objectBody,
  optChoice,
  optRef,
  optRefList,
  optString,
  optTimestamp,
  refuseOwned,
  requireFields,
  type Json,
} from './validate.ts';

/**
 * CAPAs: opened by `qms.open-capa` (externalId is the natural key) for one or more quality
 * events, which then list the CAPA in their capaIds; an event cannot close while one of its
 * CAPAs is open.
 */

const OWNED = ['id', 'number', 'state', 'status', 'revision', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'];

function readFields(body: Json): Json {
  const out: Json = {};
  const set = (k: string, v: unknown) => {
    if (v !== undefined) out[k] = v;
  };
  set('type', optChoice(body, 'type', CAPA_TYPES));
  set('problemStatement', optString(body, 'problemStatement'));
  set('sourceEventIds', optRefList(body, 'sourceEventIds'));
  for (const f of ['ownerId', 'externalId', 'successorCapaId']) set(f, optRef(body, f));
  set('dueAt', optTimestamp(body, 'dueAt'));
  for (const f of ['rootCause', 'effectivenessCheck']) {
    const v = body[f];
    if (v === undefined) continue;
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new ApiError(422, 'INVALID_FIELD', `${f} must be an object`, { fields: [f] });
    out[f] = v;
  }
  if (body.actions !== undefined) {
    if (!Array.isArray(body.actions))
      throw new ApiError(422, 'INVALID_FIELD', 'actions must be a list of { task, ownerId?, dueAt?, status }', {
        fields: ['actions'],
      });
    out.actions = body.actions;
  }
  return out;
}

export function createCapa(qms: Qms, body: Json, actor: Actor): Rec {
  refuseOwned(body, OWNED);
  requireFields(body, ['type', 'problemStatement'], 'a CAPA');
  const fields = readFields(body);
  for (const [k, v] of Object.entries(body)) if (!(k in fields) && v !== undefined) fields[k] = v;
  const sources = (fields.sourceEventIds as string[] | undefined) ?? [];
  const unknown = sources.filter((id) => !qms.store.records.quality_event.has(id));
  if (unknown.length > 0)
    throw new ApiError(422, 'UNKNOWN_REFERENCE', `no quality event ${unknown.join(', ')}`, {
      fields: ['sourceEventIds'],
      unknownIds: unknown,
    });
  assertNoDuplicate(qms, 'capa', fields);
  const year = new Date(qms.repo.now()).getUTCFullYear();
  const number = `CAPA-${year}-${String(qms.store.next(`CAPA-${year}`)).padStart(4, '0')}`;
  const rec = qms.repo.insert('capa', fields, actor, { number });
  for (const id of sources) {
    const event = qms.store.records.quality_event.get(id)!;
    const capaIds = (event.capaIds as string[] | undefined) ?? [];
    if (!capaIds.includes(rec.id))
      qms.repo.update('quality_event', event, { capaIds: [...capaIds, rec.id] }, actor, {
        action: 'link-capa',
        eventData: { capaId: rec.id },
      });
  }
  return rec;
}

export function registerCapas(qms: Qms): void {
  route(qms, 'GET', '/capas', 'read', (req) => ok(listRecords('capa', qms.store.all('capa'), req.query)));
  route(qms, 'POST', '/capas', 'write', (req, who) =>
    createWithKey(qms, 'capa', req, (body) => createCapa(qms, body, actorOf(who))),
  );
  route(qms, 'GET', '/capas/:id', 'read', (req) => recordAnswer('capa', qms.repo.get('capa', req.params.id!)));
  route(qms, 'PATCH', '/capas/:id', 'write', (req, who) => {
    const rec = qms.repo.get('capa', req.params.id!);
    qms.repo.checkRevision(rec, req.headers['if-match'], qms.settings.requireIfMatch);
    const body = objectBody(req);
    patchableOf('capa', body);
    if (['closed_effective', 'closed_ineffective', 'cancelled'].includes(rec.state))
      throw new ApiError(409, 'RECORD_LOCKED', `CAPA ${rec.id} is ${rec.state} and can no longer change`, {
        currentState: rec.state,
      });
    qms.repo.update('capa', rec, readFields(body), actorOf(who));
    return recordAnswer('capa', rec);
  });
  route(qms, 'POST', '/capas/:id/actions/:transition', 'write', (req, who) => {
    const rec = qms.repo.get('capa', req.params.id!);
    const to = targetOf('capa', req.params.transition!);
    qms.repo.checkRevision(rec, req.headers['if-match'], qms.settings.requireIfMatch);
    const body = objectBody(req, true);
    const { reason: _reason, ...rest } = body;
    const changes = readFields(patchableOf('capa', rest, ['successorCapaId']));
    const why = optString(body, 'reason');
    if (to === 'cancelled' && !why)
      throw new ApiError(422, 'REQUIRED_FIELD_MISSING', 'cancelling a CAPA needs a reason', { fields: ['reason'] });
    const closing = to === 'closed_effective' || to === 'closed_ineffective';
    const check = (rec.effectivenessCheck ?? changes.effectivenessCheck) as Json | undefined;
    qms.repo.move('capa', rec, to, actorOf(who), {
      action: req.params.transition!,
      changes: {
        ...changes,
        ...(why ? { statusReason: why } : {}),
        ...(closing ? { closedAt: qms.repo.now() } : {}),
        ...(closing && check
          ? { effectivenessCheck: { ...check, result: to === 'closed_effective' ? 'effective' : 'ineffective' } }
          : {}),
      },
      ...(why ? { reason: why } : {}),
    });
    return recordAnswer('capa', rec);
  });
}
