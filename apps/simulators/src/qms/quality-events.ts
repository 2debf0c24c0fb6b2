import { targetOf } from './actions.ts';
import { DISPOSITIONS, QUALITY_EVENT_KINDS, SEVERITIES, SOURCES } from './enums.ts';
import { ApiError } from './errors.ts';
import { actorOf, assertNoDuplicate, createWithKey, ok, patchableOf, recordAnswer, route, type Qms } from './kit.ts';
import { listRecords } from './paging.ts';
import { assertTransition, type Actor } from './repo.ts';
import { verifySignature } from './signature.ts';
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
 * Quality events (deviation, nonconformance, complaint, supplier issue): opened by
 * `qms.open-quality-event` with externalId as the natural key, then worked through the
 * canonical lifecycle by QA. Closing is QA approval: it needs an e-signature and is refused
 * while a linked CAPA is still open.
 */

const OWNED = ['id', 'number', 'state', 'status', 'revision', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'];
const SYSTEM = ['capaIds', 'openedAt', 'closedAt', 'statusReason'];
const NUMBER_PREFIX: Record<string, string> = {
  deviation: 'DEV',
  nonconformance: 'NCR',
  complaint: 'CMP',
  supplier_issue: 'SUP',
};
const OPEN_CAPA = (state: string) => !['closed_effective', 'closed_ineffective', 'cancelled'].includes(state);

/** The typed fields of a create or a change; each bad one named. */
function readFields(body: Json): Json {
  const out: Json = {};
  const set = (k: string, v: unknown) => {
    if (v !== undefined) out[k] = v;
  };
  set('kind', optChoice(body, 'kind', QUALITY_EVENT_KINDS));
  set('classification', optChoice(body, 'classification', SEVERITIES));
  set('source', optChoice(body, 'source', SOURCES));
  set('disposition', optChoice(body, 'disposition', DISPOSITIONS));
  set('title', optString(body, 'title', 128));
  for (const f of ['description', 'containment', 'rootCause', 'impactAssessment']) set(f, optString(body, f));
  for (const f of ['affectedLots', 'affectedOrders', 'affectedMaterials']) set(f, optRefList(body, f));
  for (const f of ['equipmentId', 'ownerId', 'externalId']) set(f, optRef(body, f));
  set('dueAt', optTimestamp(body, 'dueAt'));
  return out;
}

export function createQualityEvent(qms: Qms, body: Json, actor: Actor): Rec {
  refuseOwned(body, [...OWNED, ...SYSTEM]);
  requireFields(body, ['kind', 'description'], 'a quality event');
  const fields = readFields(body);
  for (const [k, v] of Object.entries(body)) if (!(k in fields) && v !== undefined) fields[k] = v;
  assertNoDuplicate(qms, 'quality_event', fields);
  const prefix = NUMBER_PREFIX[String(fields.kind)]!;
  const year = new Date(qms.repo.now()).getUTCFullYear();
  const number = `${prefix}-${year}-${String(qms.store.next(`${prefix}-${year}`)).padStart(4, '0')}`;
  return qms.repo.insert('quality_event', { ...fields, openedAt: qms.repo.now() }, actor, { number });
}

/** CAPAs that answer this event and are not closed. */
export function openCapasOf(qms: Qms, event: Rec): string[] {
  const linked = new Set((event.capaIds as string[] | undefined) ?? []);
  for (const c of qms.store.all('capa'))
    if (Array.isArray(c.sourceEventIds) && c.sourceEventIds.includes(event.id)) linked.add(c.id);
  return [...linked].filter((id) => {
    const capa = qms.store.records.capa.get(id);
    return capa !== undefined && OPEN_CAPA(capa.state);
  });
}

export function registerQualityEvents(qms: Qms): void {
  route(qms, 'GET', '/quality-events', 'read', (req) =>
    ok(listRecords('quality_event', qms.store.all('quality_event'), req.query)),
  );
  route(qms, 'POST', '/quality-events', 'write', (req, who) =>
    createWithKey(qms, 'quality_event', req, (body) => createQualityEvent(qms, body, actorOf(who))),
  );
  route(qms, 'GET', '/quality-events/:id', 'read', (req) =>
    recordAnswer('quality_event', qms.repo.get('quality_event', req.params.id!)),
  );
  route(qms, 'PATCH', '/quality-events/:id', 'write', (req, who) => {
    const rec = qms.repo.get('quality_event', req.params.id!);
    qms.repo.checkRevision(rec, req.headers['if-match'], qms.settings.requireIfMatch);
    const body = objectBody(req);
    patchableOf('quality_event', body);
    if (['closed', 'cancelled'].includes(rec.state))
      throw new ApiError(409, 'RECORD_LOCKED', `quality event ${rec.id} is ${rec.state}; reopen it to change it`, {
        currentState: rec.state,
      });
    qms.repo.update('quality_event', rec, readFields(body), actorOf(who));
    return recordAnswer('quality_event', rec);
  });
  route(qms, 'POST', '/quality-events/:id/actions/:transition', 'write', (req, who) => {
    const rec = qms.repo.get('quality_event', req.params.id!);
    const to = targetOf('quality_event', req.params.transition!);
    qms.repo.checkRevision(rec, req.headers['if-match'], qms.settings.requireIfMatch);
    const body = objectBody(req, true);
    const { reason: _reason, signature: _signature, ...rest } = body;
    const changes = readFields(patchableOf('quality_event', rest));
    const why = optString(body, 'reason');
    const required = to === 'dispositioned' ? ['disposition'] : [];
    if ((to === 'cancelled' || to === 'reopened') && !why)
      throw new ApiError(422, 'REQUIRED_FIELD_MISSING', `moving to ${to} needs a reason`, { fields: ['reason'] });
    let signature;
    if (to === 'closed') {
      // The order a QA approver meets the obstacles in: the workflow, open CAPAs, then signing.
      qms.repo.checkRequired('quality_event', { ...rec, ...changes }, 'closed');
      assertTransition('quality_event', rec, to);
      const open = openCapasOf(qms, rec);
      if (open.length > 0)
        throw new ApiError(409, 'OPEN_CAPA', `quality event ${rec.id} has open CAPAs: ${open.join(', ')}`, {
          currentState: rec.state,
          openCapaIds: open,
        });
      qms.auth.authorize(who, ['qms.sign']);
      signature = verifySignature(qms.store, body, qms.repo.now(), 'QA approval');
    }
    qms.repo.move('quality_event', rec, to, actorOf(who), {
      action: req.params.transition!,
      changes: {
        ...changes,
        ...(why ? { statusReason: why } : {}),
        ...(to === 'closed' ? { closedAt: qms.repo.now() } : {}),
      },
      required,
      ...(why ? { reason: why } : {}),
      ...(signature ? { signature } : {}),
    });
    return recordAnswer('quality_event', rec);
  });
}
