import { applyDecision } from './decide.ts';
import type { Qms } from './kit.ts';
import { blockers } from './releases.ts';
import { overall, type ResultRecord } from './results.ts';
import { canonicalSignature, verifySignature } from './signature.ts';
import type { Actor } from './repo.ts';

/**
 * The QA robot stands in for the QA person in end-to-end scenarios. When an inspection has a
 * result for every characteristic of its spec, it waits `delayMs` (a person takes a while,
 * and events race meanwhile) and decides: accept when every result is inside the limits,
 * reject otherwise. It signs as the robot QA user through the same path as `actions/decide`,
 * so the decision, the audit trail, the `inspection.decided` event and the release record are
 * exactly what a person's decision gives. With `autoRelease` it also signs the lot's release.
 */

export interface QaRobotOptions {
  readonly enabled: boolean;
  /** How long after the last result the robot decides (default 200 ms, real time). */
  readonly delayMs?: number;
  /** Also release the lot after an accept (when nothing blocks it). */
  readonly autoRelease?: boolean;
}

export const ROBOT_USER = { id: 'u-qa-robot', password: 'robot-sign' };
const ROBOT: Actor = { userId: ROBOT_USER.id, clientId: 'qa-robot' };

export class QaRobot {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  readonly errors: Array<{ inspectionId: string; at: string; message: string }> = [];

  constructor(
    private readonly qms: () => Qms,
    public options: QaRobotOptions = { enabled: false },
  ) {}

  onResultsComplete(inspectionId: string): void {
    if (!this.options.enabled) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.decide(inspectionId);
    }, this.options.delayMs ?? 200);
    this.timers.add(t);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Decides now (also callable from a test or the control plane). */
  decide(inspectionId: string): void {
    const qms = this.qms();
    const rec = qms.store.records.inspection.get(inspectionId);
    // A person may have decided (or cancelled) meanwhile: then there is nothing left to do.
    if (!rec || !['results_recorded', 'results_confirmed'].includes(rec.state)) return;
    const valuation = overall((rec.results as ResultRecord[] | undefined) ?? []);
    // Without spec limits there is nothing to judge by: a person decides.
    if (valuation === 'unknown') return;
    try {
      const now = qms.repo.now();
      const signature = verifySignature(
        qms.store,
        {
          signature: { userId: ROBOT_USER.id, password: ROBOT_USER.password, meaning: 'QA usage decision (automated)' },
        },
        now,
        'QA usage decision',
      );
      applyDecision(qms, rec, valuation === 'accepted' ? 'accept' : 'reject', signature, ROBOT, {
        robot: true,
        reason: valuation === 'accepted' ? 'all results within specification' : 'results outside specification',
      });
      if (valuation === 'accepted' && this.options.autoRelease) this.release(String(rec.lotId), signature.signedAt);
    } catch (e) {
      this.errors.push({ inspectionId, at: qms.repo.now(), message: e instanceof Error ? e.message : String(e) });
    }
  }

  private release(lotId: string, signedAt: string): void {
    const qms = this.qms();
    const rel = qms.store.all('release').find((r) => r.lotId === lotId && r.state === 'under_review');
    if (!rel || blockers(qms, lotId).reasons.length > 0) return;
    const signature = verifySignature(
      qms.store,
      { signature: { userId: ROBOT_USER.id, password: ROBOT_USER.password, meaning: 'batch release (automated)' } },
      signedAt,
      'batch release',
    );
    qms.repo.move('release', rel, 'released', ROBOT, {
      action: 'release',
      signature,
      changes: {
        decision: 'released',
        decidedAt: signedAt,
        signature: canonicalSignature(signature),
        shipmentEligibility: { eligible: true, blockingReasons: [] },
      },
      eventData: { decision: 'released', signedBy: ROBOT_USER.id },
    });
  }
}
