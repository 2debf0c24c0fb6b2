import { ApiError, invalidField } from './errors.ts';
import type { Qms } from './kit.ts';
import { assertTransition, type Actor } from './repo.ts';
import { ensureRelease } from './releases.ts';
import { canonicalSignature, type SignatureBlock } from './signature.ts';
import type { Rec } from './store.ts';
import type { Json } from './validate.ts';

/**
 * The usage decision on an inspection: accept, reject or conditional, with an e-signature. The
 * API's `actions/decide` and the QA robot both end here, so a robot decision is in every way
 * (state, audit trail, event, release record) the same as a person's.
 */

export const DECISIONS = {
  accept: { state: 'accepted', valuation: 'accepted', code: 'A' },
  reject: { state: 'rejected', valuation: 'rejected', code: 'R' },
  conditional: { state: 'conditionally_accepted', valuation: 'conditional', code: 'AC' },
} as const;
export type DecisionKey = keyof typeof DECISIONS;

const ALIASES: Record<string, DecisionKey> = {
  accept: 'accept',
  accepted: 'accept',
  a: 'accept',
  reject: 'reject',
  rejected: 'reject',
  r: 'reject',
  conditional: 'conditional',
  conditionally_accepted: 'conditional',
  conditional_accept: 'conditional',
};

/** `decision` (accept | reject | conditional) or `valuation` (accepted | rejected | conditional). */
export function readDecision(body: Json): DecisionKey {
  const raw = body.decision ?? body.valuation;
  if (raw === undefined)
    throw new ApiError(422, 'REQUIRED_FIELD_MISSING', 'a decision needs decision: accept | reject | conditional', {
      fields: ['decision'],
    });
  const key =
    typeof raw === 'string'
      ? ALIASES[
          raw
            .trim()
            .toLowerCase()
            .replace(/[^a-z]+/g, '_')
        ]
      : undefined;
  if (!key)
    throw invalidField('decision', 'must be accept, reject or conditional', { allowed: Object.keys(DECISIONS) });
  return key;
}

export function applyDecision(
  qms: Qms,
  rec: Rec,
  key: DecisionKey,
  signature: SignatureBlock,
  actor: Actor,
  opts: { robot?: boolean; code?: string; reason?: string; followUpAction?: string } = {},
): Rec {
  const d = DECISIONS[key];
  assertTransition('inspection', rec, d.state, { allowedDecisions: ['accept', 'reject', 'conditional'] });
  const decidedAt = signature.signedAt;
  const decision = {
    valuation: d.valuation,
    code: opts.code ?? d.code,
    decidedBy: signature.signerId,
    decidedAt,
    signature: canonicalSignature(signature),
    ...(opts.reason ? { reason: opts.reason } : {}),
    ...(opts.followUpAction ? { followUpAction: opts.followUpAction } : {}),
    ...(opts.robot ? { automated: true } : {}),
  };
  qms.repo.move('inspection', rec, d.state, actor, {
    action: 'decide',
    changes: { decision },
    signature,
    ...(opts.reason ? { reason: opts.reason } : {}),
    event: 'inspection.decided',
    eventData: { decision: key, valuation: d.valuation, decidedAt, decidedBy: signature.signerId },
  });
  qms.store.decisions.push({
    inspectionId: rec.id,
    lotId: rec.lotId,
    decision: key,
    valuation: d.valuation,
    decidedBy: signature.signerId,
    decidedAt,
    robot: opts.robot === true,
  });
  if (key !== 'reject') ensureRelease(qms, rec, actor);
  return rec;
}
