import { normalize } from './actions.ts';
import { SEVERITIES } from './enums.ts';
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
  refuseOwned,
  requireFields,
  type Json,
} from './validate.ts';

/**
 * Supplier quality cases (SCAR, 8D). The case is issued to the supplier; the supplier answers
 * stage by stage (`POST …/responses`); QA accepts or rejects each answer. Accepting moves the
 * case on; rejecting leaves it where it is (the supplier answers again). Escalation is a detour
 * the case resumes from. Stage due dates follow the usual SLA: containment (D3) in 48 h, root
 * cause (D4) in 14 days, corrective action plan (D5) in 30 days, on the virtual clock.
 */

const OWNED = ['id', 'number', 'state', 'status', 'revision', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'];
const SYSTEM = ['responses', 'stage', 'stageDueDates', 'escalatedFrom'];
const HOUR = 3_600_000;

/** In each state: which 8D stages the supplier's answer may be, the state accepting it leads to, and the case stage. */
const EXPECTED: Record<string, { stages: readonly string[]; next: string }> = {
  issued: { stages: ['D1', 'D2'], next: 'acknowledged' },
  acknowledged: { stages: ['D3'], next: 'containment_accepted' },
  containment_accepted: { stages: ['D4', 'D5'], next: 'root_cause_accepted' },
  root_cause_accepted: { stages: ['D6', 'D7'], next: 'corrective_action_verified' },
};

interface Response {
  id: string;
  stage: string;
  text: string;
  submittedBy?: string;
  submittedAt: string;
  status: 'submitted' | 'accepted' | 'rejected';
  reviewedBy?: string;
  reviewReason?: string;
}

export function createSupplierCase(qms: Qms, body: Json, actor: Actor): Rec {
  refuseOwned(body, [...OWNED, ...SYSTEM]);
  requireFields(body, ['supplierId', 'materialId'], 'a supplier case');
  const fields: Json = {};
  for (const f of ['supplierId', 'materialId', 'plantId', 'qualityEventId', 'ownerId', 'externalId']) {
    const v = optRef(body, f);
    if (v !== undefined) fields[f] = v;
  }
  for (const f of ['supplierLots', 'purchaseOrderRefs']) {
    const v = optRefList(body, f);
    if (v) fields[f] = v;
  }
  const severity = optChoice(body, 'severity', SEVERITIES);
  if (severity) fields.severity = severity;
  const description = optString(body, 'description');
  if (description) fields.description = description;
  for (const [k, v] of Object.entries(body)) if (!(k in fields) && v !== undefined) fields[k] = v;
  if (fields.qualityEventId !== undefined && !qms.store.records.quality_event.has(String(fields.qualityEventId)))
    throw new ApiError(422, 'UNKNOWN_REFERENCE', `no quality event ${String(fields.qualityEventId)}`, {
      fields: ['qualityEventId'],
    });
  assertNoDuplicate(qms, 'supplier_case', fields);
  const year = new Date(qms.repo.now()).getUTCFullYear();
  const number = `SCAR-${year}-${String(qms.store.next(`SCAR-${year}`)).padStart(4, '0')}`;
  return qms.repo.insert('supplier_case', { ...fields, stage: 'D0', responses: [] }, actor, { number });
}

function pending(rec: Rec): Response | undefined {
  return (rec.responses as Response[]).find((r) => r.status === 'submitted');
}

export function registerSupplierCases(qms: Qms): void {
  route(qms, 'GET', '/supplier-cases', 'read', (req) =>
    ok(listRecords('supplier_case', qms.store.all('supplier_case'), req.query)),
  );
  route(qms, 'POST', '/supplier-cases', 'write', (req, who) =>
    createWithKey(qms, 'supplier_case', req, (body) => createSupplierCase(qms, body, actorOf(who))),
  );
  route(qms, 'GET', '/supplier-cases/:id', 'read', (req) =>
    recordAnswer('supplier_case', qms.repo.get('supplier_case', req.params.id!)),
  );
  route(qms, 'PATCH', '/supplier-cases/:id', 'write', (req, who) => {
    const rec = qms.repo.get('supplier_case', req.params.id!);
    qms.repo.checkRevision(rec, req.headers['if-match'], qms.settings.requireIfMatch);
    qms.repo.update('supplier_case', rec, patchableOf('supplier_case', objectBody(req)), actorOf(who));
    return recordAnswer('supplier_case', rec);
  });

  route(qms, 'POST', '/supplier-cases/:id/responses', 'write', (req, who) => {
    const rec = qms.repo.get('supplier_case', req.params.id!);
    const body = objectBody(req);
    requireFields(body, ['stage', 'text'], 'a supplier response');
    const stage = String(body.stage).toUpperCase();
    const text = optString(body, 'text')!;
    const expected = EXPECTED[rec.state];
    if (!expected || !expected.stages.includes(stage))
      throw new ApiError(
        409,
        'UNEXPECTED_STAGE',
        expected
          ? `supplier case ${rec.id} is ${rec.state} and waits for ${expected.stages.join(' or ')}, not ${stage}`
          : `supplier case ${rec.id} is ${rec.state} and takes no responses`,
        { currentState: rec.state, expectedStages: expected?.stages ?? [] },
      );
    if (pending(rec))
      throw new ApiError(
        409,
        'RESPONSE_PENDING',
        `response ${pending(rec)!.id} awaits review; accept or reject it first`,
        {
          pendingResponseId: pending(rec)!.id,
        },
      );
    const response: Response = {
      id: qms.store.nextId('SCR'),
      stage,
      text,
      submittedAt: qms.repo.now(),
      // An acknowledgement needs no review: answering at all is the acknowledgement.
      status: rec.state === 'issued' ? 'accepted' : 'submitted',
      ...(typeof body.submittedBy === 'string' ? { submittedBy: body.submittedBy } : {}),
    };
    const actor = actorOf(who);
    qms.repo.update('supplier_case', rec, { responses: [...(rec.responses as Response[]), response], stage }, actor, {
      action: 'response',
      event: 'supplier_case.response_submitted',
      eventData: { responseId: response.id, responseStage: stage },
    });
    if (rec.state === 'issued') qms.repo.move('supplier_case', rec, 'acknowledged', actor, { action: 'acknowledge' });
    return ok({ supplierCase: rec, response }, 201);
  });

  route(qms, 'POST', '/supplier-cases/:id/actions/:action', 'write', (req, who) => {
    const rec = qms.repo.get('supplier_case', req.params.id!);
    qms.repo.checkRevision(rec, req.headers['if-match'], qms.settings.requireIfMatch);
    const body = objectBody(req, true);
    const reason = optString(body, 'reason');
    const actor = actorOf(who);
    const action = normalize(req.params.action!);
    const review = (status: 'accepted' | 'rejected') => {
      const r = pending(rec);
      if (!r)
        throw new ApiError(409, 'NO_PENDING_RESPONSE', `supplier case ${rec.id} has no response awaiting review`, {
          currentState: rec.state,
        });
      return (rec.responses as Response[]).map((x) =>
        x.id === r.id ? { ...x, status, reviewedBy: actor.userId, ...(reason ? { reviewReason: reason } : {}) } : x,
      );
    };
    switch (action) {
      case 'issue': {
        // One instant for the change and its due dates: 48 h means 48 h after the issue.
        const at = qms.repo.now();
        const due = (h: number) => new Date(Date.parse(at) + h * HOUR).toISOString();
        qms.repo.move('supplier_case', rec, 'issued', actor, {
          at,
          action,
          changes: {
            stage: 'D1',
            stageDueDates: { D3: due(48), D4: due(14 * 24), D5: due(30 * 24), D8: due(90 * 24) },
          },
        });
        break;
      }
      case 'accept': {
        const next = EXPECTED[rec.state]?.next;
        if (!next)
          throw new ApiError(409, 'NO_PENDING_RESPONSE', `supplier case ${rec.id} is ${rec.state}: nothing to accept`, {
            currentState: rec.state,
          });
        qms.repo.move('supplier_case', rec, next, actor, { action, changes: { responses: review('accepted') } });
        break;
      }
      case 'reject':
        if (!reason)
          throw new ApiError(422, 'REQUIRED_FIELD_MISSING', 'rejecting a response needs a reason', {
            fields: ['reason'],
          });
        qms.repo.update('supplier_case', rec, { responses: review('rejected') }, actor, {
          action,
          event: 'supplier_case.response_rejected',
          eventData: { reason },
        });
        break;
      case 'escalate':
        qms.repo.move('supplier_case', rec, 'escalated', actor, {
          action,
          changes: { escalatedFrom: rec.state },
          ...(reason ? { reason } : {}),
        });
        break;
      case 'resume':
        if (rec.state !== 'escalated')
          throw new ApiError(409, 'ILLEGAL_TRANSITION', `supplier case ${rec.id} is not escalated`, {
            currentState: rec.state,
            allowedNextStates: [],
          });
        qms.repo.move('supplier_case', rec, String(rec.escalatedFrom), actor, { action });
        break;
      case 'close':
        qms.repo.move('supplier_case', rec, 'closed', actor, { action, ...(reason ? { reason } : {}) });
        break;
      case 'cancel':
        if (!reason)
          throw new ApiError(422, 'REQUIRED_FIELD_MISSING', 'cancelling needs a reason', { fields: ['reason'] });
        qms.repo.move('supplier_case', rec, 'cancelled', actor, { action, reason, changes: { statusReason: reason } });
        break;
      default:
        throw new ApiError(400, 'UNKNOWN_TRANSITION', `supplier cases have no action "${req.params.action}"`, {
          actions: ['issue', 'accept', 'reject', 'escalate', 'resume', 'close', 'cancel'],
        });
    }
    return recordAnswer('supplier_case', rec);
  });
}
