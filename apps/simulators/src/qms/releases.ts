import { ApiError } from './errors.ts';
import { actorOf, ok, recordAnswer, route, type Qms } from './kit.ts';
import { listRecords } from './paging.ts';
import { normalize } from './actions.ts';
import type { Actor } from './repo.ts';
import { canonicalSignature, verifySignature } from './signature.ts';
import type { Rec } from './store.ts';
import { objectBody, optString } from './validate.ts';

/**
 * Release records (batch disposition). An accepted inspection opens one for its lot, under
 * review; QA releases (or rejects) it with an e-signature. A release is refused (409
 * RELEASE_BLOCKED) while a quality event on the lot is open or an inspection of the lot is
 * undecided or rejected: that is what "the basis is complete" means (EU GMP Annex 16).
 */

const CLOSED_EVENT_STATES = ['closed', 'cancelled'];
const DECIDED_OK = ['accepted', 'conditionally_accepted', 'stock_posted', 'closed'];

export function ensureRelease(qms: Qms, inspection: Rec, actor: Actor): Rec {
  const open = qms.store
    .all('release')
    .find((r) => r.lotId === inspection.lotId && (r.state === 'pending' || r.state === 'under_review'));
  if (open) {
    const basis = open.basis as { inspectionLotIds: string[] };
    if (!basis.inspectionLotIds.includes(inspection.id))
      qms.repo.update(
        'release',
        open,
        { basis: { ...basis, inspectionLotIds: [...basis.inspectionLotIds, inspection.id] } },
        actor,
      );
    return open;
  }
  const blocking = blockers(qms, String(inspection.lotId));
  return qms.repo.insert(
    'release',
    {
      lotId: inspection.lotId,
      ...(inspection.productionOrderId ? { productionOrderId: inspection.productionOrderId } : {}),
      ...(inspection.materialId ? { materialId: inspection.materialId } : {}),
      number: `REL-${new Date(qms.repo.now()).getUTCFullYear()}-${String(qms.store.next('REL-number')).padStart(4, '0')}`,
      basis: { inspectionLotIds: [inspection.id], qualityEventIds: blocking.eventIds, ebrReviewed: false },
      shipmentEligibility: { eligible: false, blockingReasons: ['awaiting QA release', ...blocking.reasons] },
    },
    actor,
    { state: 'under_review' },
  );
}

/** Why the lot may not be released now. */
export function blockers(qms: Qms, lotId: string): { reasons: string[]; eventIds: string[] } {
  const events = qms.store
    .all('quality_event')
    .filter((q) => Array.isArray(q.affectedLots) && q.affectedLots.includes(lotId));
  const open = events.filter((q) => !CLOSED_EVENT_STATES.includes(q.state));
  const inspections = qms.store.all('inspection').filter((i) => i.lotId === lotId);
  const reasons = [
    ...open.map((q) => `quality event ${q.id} is ${q.state}`),
    ...inspections.filter((i) => !DECIDED_OK.includes(i.state)).map((i) => `inspection ${i.id} is ${i.state}`),
  ];
  return { reasons, eventIds: events.map((q) => q.id) };
}

const RELEASE_ACTIONS: Record<string, { to: string; decision?: string; meaning?: string }> = {
  release: { to: 'released', decision: 'released', meaning: 'batch release' },
  reject: { to: 'rejected', decision: 'rejected', meaning: 'batch rejection' },
  conditional_release: {
    to: 'conditionally_released',
    decision: 'conditional_release',
    meaning: 'conditional release',
  },
  revoke: { to: 'revoked', meaning: 'release revocation' },
};

export function registerReleases(qms: Qms): void {
  route(qms, 'GET', '/releases', 'read', (req) => ok(listRecords('release', qms.store.all('release'), req.query)));
  route(qms, 'GET', '/releases/:id', 'read', (req) => recordAnswer('release', qms.repo.get('release', req.params.id!)));
  route(qms, 'POST', '/releases/:id/actions/:action', 'sign', (req, who) => {
    const rec = qms.repo.get('release', req.params.id!);
    const action = RELEASE_ACTIONS[normalize(req.params.action!)];
    if (!action)
      throw new ApiError(400, 'UNKNOWN_TRANSITION', `releases have no action "${req.params.action}"`, {
        actions: Object.keys(RELEASE_ACTIONS).map((a) => a.replace(/_/g, '-')),
      });
    qms.repo.checkRevision(rec, req.headers['if-match'], qms.settings.requireIfMatch);
    const body = objectBody(req, true);
    const signature = verifySignature(qms.store, body, qms.repo.now(), action.meaning ?? 'release decision');
    const conditions = optString(body, 'conditions');
    if (action.to === 'released' || action.to === 'conditionally_released') {
      const { reasons } = blockers(qms, String(rec.lotId));
      if (reasons.length > 0)
        throw new ApiError(
          409,
          'RELEASE_BLOCKED',
          `lot ${String(rec.lotId)} cannot be released: ${reasons.join('; ')}`,
          {
            blockingReasons: reasons,
          },
        );
    }
    qms.repo.move('release', rec, action.to, actorOf(who), {
      action: normalize(req.params.action!),
      signature,
      changes: {
        ...(action.decision ? { decision: action.decision, decidedAt: signature.signedAt } : {}),
        signature: canonicalSignature(signature),
        ...(conditions ? { conditions } : {}),
        shipmentEligibility: {
          eligible: action.to === 'released' || action.to === 'conditionally_released',
          blockingReasons: action.to === 'released' || action.to === 'conditionally_released' ? [] : [action.to],
        },
      },
      eventData: { decision: action.decision ?? action.to, signedBy: signature.signerId },
    });
    return recordAnswer('release', rec);
  });
}
