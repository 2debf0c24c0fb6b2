import { INSPECTION_ORIGINS } from './enums.ts';
import { targetOf } from './actions.ts';
import { applyDecision, readDecision } from './decide.ts';
import { ApiError } from './errors.ts';
import { actorOf, assertNoDuplicate, createWithKey, ok, patchableOf, recordAnswer, route, type Qms } from './kit.ts';
import { listRecords } from './paging.ts';
import type { Actor } from './repo.ts';
import { readResults, recordResults } from './results.ts';
import { verifySignature } from './signature.ts';
import { specFor } from './specs.ts';
import type { Rec } from './store.ts';
import {
  objectBody,
  optChoice,
  optQuantity,
  optRef,
  optString,
  optVersionedRef,
  refuseOwned,
  requireFields,
  type Json,
} from './validate.ts';

/**
 * Inspections: created by the ERP-side flow (`qms.create-inspection`) with lotId+origin as the
 * natural key, filled with results, decided with an e-signature.
 */

export const OWNED = [
  'id',
  'number',
  'state',
  'status',
  'revision',
  'createdAt',
  'updatedAt',
  'createdBy',
  'updatedBy',
  'decision',
];

export function createInspection(qms: Qms, body: Json, actor: Actor): Rec {
  refuseOwned(body, OWNED);
  requireFields(body, ['lotId', 'origin'], 'an inspection');
  const fields: Json = {
    lotId: optRef(body, 'lotId'),
    origin: optChoice(body, 'origin', INSPECTION_ORIGINS),
  };
  for (const f of ['materialId', 'productionOrderId', 'plantId', 'erpInspectionLot', 'ownerId'] as const) {
    const v = optRef(body, f);
    if (v !== undefined) fields[f] = v;
  }
  for (const f of ['quantity', 'sampleQuantity'] as const) {
    const q = optQuantity(body, f);
    if (q) fields[f] = q;
  }
  const specRef = optVersionedRef(body, 'specRef');
  if (specRef) fields.specRef = specRef;
  const notes = optString(body, 'notes');
  if (notes) fields.notes = notes;
  // Tenant custom fields travel as they are.
  const known = new Set([...Object.keys(fields), 'quantity', 'sampleQuantity', 'specRef', 'notes', 'results']);
  for (const [k, v] of Object.entries(body)) if (!known.has(k) && v !== undefined) fields[k] = v;
  const inline = body.results === undefined ? undefined : readResults(body.results);

  assertNoDuplicate(qms, 'inspection', fields);
  // The spec the inspection is measured against, named on the record when the request did not.
  const spec = specFor(qms, fields);
  if (spec && !fields.specRef) fields.specResolved = { id: spec.id, version: spec.version };
  const year = new Date(qms.repo.now()).getUTCFullYear();
  const number = `INS-${year}-${String(qms.store.next(`INS-${year}`)).padStart(4, '0')}`;
  const rec = qms.repo.insert('inspection', fields, actor, { number });
  if (inline) recordResults(qms, rec, inline, actor);
  return rec;
}

export function registerInspections(qms: Qms): void {
  route(qms, 'GET', '/inspections', 'read', (req) =>
    ok(listRecords('inspection', qms.store.all('inspection'), req.query)),
  );
  route(qms, 'POST', '/inspections', 'write', (req, who) =>
    createWithKey(qms, 'inspection', req, (body) => createInspection(qms, body, actorOf(who))),
  );
  route(qms, 'GET', '/inspections/:id', 'read', (req) =>
    recordAnswer('inspection', qms.repo.get('inspection', req.params.id!)),
  );
  route(qms, 'PATCH', '/inspections/:id', 'write', (req, who) => {
    const rec = qms.repo.get('inspection', req.params.id!);
    qms.repo.checkRevision(rec, req.headers['if-match'], qms.settings.requireIfMatch);
    const changes = patchableOf('inspection', objectBody(req));
    if (['closed', 'cancelled'].includes(rec.state))
      throw new ApiError(409, 'RECORD_LOCKED', `inspection ${rec.id} is ${rec.state} and can no longer change`, {
        currentState: rec.state,
      });
    if (changes.quantity !== undefined) optQuantity(changes, 'quantity');
    if (changes.sampleQuantity !== undefined) optQuantity(changes, 'sampleQuantity');
    qms.repo.update('inspection', rec, changes, actorOf(who));
    return recordAnswer('inspection', rec);
  });
  route(qms, 'POST', '/inspections/:id/results', 'write', (req, who) => {
    const rec = qms.repo.get('inspection', req.params.id!);
    qms.repo.checkRevision(rec, req.headers['if-match']);
    const body = objectBody(req);
    const added = recordResults(qms, rec, readResults(body.results), actorOf(who));
    // `unplanned`: results the spec does not list (kept, not valued): a caller sees what was not counted.
    const unplanned = added.filter((r) => r.unplanned).map((r) => r.sourceCharacteristicId ?? r.characteristicId);
    return ok({ inspection: rec, added, unplanned }, added.length > 0 ? 201 : 200, { etag: `"rev-${rec.revision}"` });
  });
  // decide is signed (qms.sign); the other actions only change the workflow (qms.write).
  route(qms, 'POST', '/inspections/:id/actions/decide', 'sign', (req, who) => {
    const rec = qms.repo.get('inspection', req.params.id!);
    qms.repo.checkRevision(rec, req.headers['if-match'], qms.settings.requireIfMatch);
    const body = objectBody(req, true);
    const key = readDecision(body);
    const signature = verifySignature(qms.store, body, qms.repo.now(), 'QA usage decision');
    applyDecision(qms, rec, key, signature, actorOf(who), {
      ...(typeof body.code === 'string' ? { code: body.code } : {}),
      ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
      ...(typeof body.followUpAction === 'string' ? { followUpAction: body.followUpAction } : {}),
    });
    return recordAnswer('inspection', rec);
  });
  route(qms, 'POST', '/inspections/:id/actions/:transition', 'write', (req, who) => {
    const rec = qms.repo.get('inspection', req.params.id!);
    const to = targetOf('inspection', req.params.transition!);
    if (['accepted', 'rejected', 'conditionally_accepted'].includes(to))
      throw new ApiError(400, 'USE_DECIDE', 'decisions go through actions/decide with an e-signature');
    qms.repo.checkRevision(rec, req.headers['if-match'], qms.settings.requireIfMatch);
    const body = objectBody(req, true);
    const reason = optString(body, 'reason');
    if (to === 'cancelled' && !reason)
      throw new ApiError(422, 'REQUIRED_FIELD_MISSING', 'cancelling an inspection needs a reason', {
        fields: ['reason'],
      });
    qms.repo.move('inspection', rec, to, actorOf(who), {
      action: req.params.transition!,
      ...(reason ? { reason, changes: { statusReason: reason } } : {}),
    });
    return recordAnswer('inspection', rec);
  });
}
