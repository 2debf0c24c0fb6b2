import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { Engine, RunRecord, StepRecord, Store } from '@millrace/engine';
import type { RouteDef } from '../api.ts';
import { auditDigest, type Audit } from '../audit/index.ts';
import { passwordOf, secretString } from '../auth/schemas.ts';
import type { ServerDb } from '../db.ts';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../problem.ts';
import { allows, isRole, type Principal } from '../roles.ts';
import { SignatureLimiter, type SignatureLimits } from './limiter.ts';
import { PendingApprovals, RunSignatures, SignatureAnswer } from './schemas.ts';
import { isUniqueViolation, signatureJson, SignatureStore, type Signature } from './signatures.ts';

/** The channel the approval node waits on (flow-nodes/approval/definition.ts), keyed "<runId>/<nodeId>". */
export const APPROVAL_CHANNEL = 'approval';

export interface ApprovalDeps {
  readonly store: Pick<Store, 'getRun' | 'listSteps' | 'listWaiting'>;
  readonly engine: Pick<Engine, 'plan' | 'signal'>;
  /** The server's database, opened with APPROVAL_MIGRATIONS; the same connection as `audit`'s. */
  readonly db: ServerDb;
  readonly audit: Audit;
  /** Whether this is the user's current password (false for an unknown or disabled user). */
  readonly verifyPassword: (userId: string, password: string) => Promise<boolean>;
  /** @default Date.now */
  readonly now?: () => number;
  /** Wrong signature passwords tolerated per user. @default 5 in 15 minutes */
  readonly limits?: SignatureLimits;
}

interface ApprovalConfig {
  readonly meaning: string;
  readonly instructions: string | null;
  /** The role the node asks for; an admin may always sign. */
  readonly role: string;
}

const Limit = Type.String({ pattern: '^[0-9]{1,4}$', 'x-hint': 'a whole number up to 1000' });
const SignBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]),
    // No `type: string` (see secretString): a wrong-typed password must not be echoed in the 400.
    password: secretString(1, 'your password, re-entered to sign'),
    meaning: Type.String({ minLength: 1, maxLength: 200, description: "The node's meaning, confirmed by the signer" }),
    reason: Type.String({ minLength: 3, maxLength: 1000, 'x-hint': 'why, as the signature and audit trail show it' }),
  },
  { additionalProperties: false },
);

const idOf = (text: string | undefined): number => {
  if (!text || !/^[0-9]{1,19}$/.test(text)) throw badRequest(`"${String(text)}" is not a run id`);
  return Number(text);
};
const json = (text: string): unknown => JSON.parse(text) as unknown;
const waitKeyOf = (runId: number, nodeId: string) => `${runId}/${nodeId}`;

/**
 * What a signature signs: the input of the waiting step, or, when one approval node waits in
 * several steps of a run (after a split; one signal wakes them all), the inputs in step order.
 */
function signedContent(steps: ReadonlyArray<{ key: string; payloadText: string }>): unknown {
  const sorted = [...steps].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return sorted.length === 1 ? json(sorted[0]!.payloadText) : sorted.map((s) => json(s.payloadText));
}

/** The decision as the approval node accepts it (decision, signer, meaning, signedAt), plus the signature's identity. */
const decisionText = (s: Signature) =>
  JSON.stringify({
    decision: s.decision,
    signer: s.username,
    printedName: s.printedName,
    userId: s.userId,
    role: s.role,
    meaning: s.meaning,
    reason: s.reason,
    signedAt: new Date(s.signedAt).toISOString(),
    signatureId: s.id,
    recordDigest: s.recordDigest,
  });

/** Whether a step of the run already resumed with this signature (its resume text names it). */
function resumedWith(steps: readonly StepRecord[], s: Signature): boolean {
  return steps.some((step) => {
    if (step.nodeId !== s.nodeId || !step.resumeText) return false;
    try {
      return (json(step.resumeText) as { payload?: { signatureId?: unknown } }).payload?.signatureId === s.id;
    } catch {
      return false;
    }
  });
}

/**
 * Approvals (DESIGN §4 `approval`, §6 `/api/approvals`): the runs waiting for a signed decision,
 * signing one (21 CFR Part 11: the caller's token or session plus the re-entered password, the
 * printed name, time and meaning, linked to what was signed by its digest), and a run's signatures.
 */
export function approvalRoutes(deps: ApprovalDeps): RouteDef[] {
  const { store, engine, db, audit } = deps;
  const now = deps.now ?? Date.now;
  const signatures = new SignatureStore(db);
  const limiter = new SignatureLimiter(deps.limits, now);

  /** The approval node's config from the run's deployed plan; undefined when it is no approval node. */
  const approvalOf = (run: RunRecord, nodeId: string): ApprovalConfig | undefined => {
    const plan = engine.plan(run.flowId, run.flowVersion);
    if (!plan)
      throw conflict(`flow ${run.flowId} ${run.flowVersion} is not deployed here: its approvals cannot be read`);
    const node = plan.nodes.get(nodeId)?.node;
    if (!node || node.type !== 'approval') return undefined;
    const c = node.config as { meaning?: unknown; instructions?: unknown; role?: unknown };
    return {
      meaning: typeof c.meaning === 'string' ? c.meaning : '',
      instructions: typeof c.instructions === 'string' ? c.instructions : null,
      role: typeof c.role === 'string' ? c.role : 'approver',
    };
  };

  const waitingOn = (steps: readonly StepRecord[], key: string) =>
    steps.filter((s) => s.status === 'waiting' && s.wait?.channel === APPROVAL_CHANNEL && s.wait.key === key);

  /** The re-entered password: 429 past the limit, 401 (audited, counted) when wrong. */
  const checkPassword = async (p: Principal, run: RunRecord, nodeId: string, password: string) => {
    const wait = limiter.attempt(p.userId);
    if (wait !== undefined)
      throw new HttpError(
        429,
        'TOO_MANY_SIGNATURE_ATTEMPTS',
        'Too many wrong signature passwords',
        `too many wrong passwords for signatures; try again in ${wait} s`,
        { retryAfterSeconds: wait },
        { 'retry-after': String(wait) },
      );
    if (await deps.verifyPassword(p.userId, password)) {
      limiter.succeeded(p.userId);
      return;
    }
    // Part 11 §11.300(d): attempts to use someone's signature are recorded, never the password.
    audit.append({
      actor: p,
      action: 'approval.sign_refused',
      target: { kind: 'run', id: String(run.id) },
      details: { nodeId, flow: run.flowId, why: 'wrong password' },
    });
    throw new HttpError(
      401,
      'SIGNATURE_NOT_VERIFIED',
      'Signature not verified',
      'the password is wrong: nothing was signed',
      {},
      { 'www-authenticate': 'Bearer' },
    );
  };

  /**
   * Sends the signed decision to the waiting run. keepMs 0: a signature applies to the wait it
   * was made for; a kept signal would approve a later wait on the same key nobody signed.
   */
  const deliver = async (s: Signature, status: number) => {
    const body = () => ({ status, body: signatureJson(signatures.get(s.runId, s.nodeId)!) });
    if (s.deliveredAt !== null) return body();
    const woken = await engine.signal(APPROVAL_CHANNEL, waitKeyOf(s.runId, s.nodeId), decisionText(s), { keepMs: 0 });
    // Nobody waited: either an earlier send got through (a crash before delivered_at was set) or
    // the wait ended otherwise (timeout) and this signature took no effect.
    if (woken > 0 || resumedWith(await store.listSteps(s.runId), s)) {
      signatures.markDelivered(s.id, now());
      return body();
    }
    throw conflict(
      `the approval ${waitKeyOf(s.runId, s.nodeId)} stopped waiting before the decision reached it (timed out?); signature ${s.id} is kept but took no effect`,
    );
  };

  /** A node signed already, by another signer or with another decision: 409 naming the signature. */
  const refuseOther = (s: Signature, p: Principal, decision: string) => {
    if (s.userId !== p.userId || s.decision !== decision)
      throw conflict(
        `${waitKeyOf(s.runId, s.nodeId)} is already signed (${s.decision}) by ${s.printedName} at ${new Date(s.signedAt).toISOString()}`,
      );
  };

  return [
    {
      method: 'get',
      path: '/api/approvals',
      response: PendingApprovals,
      access: 'viewer',
      tag: 'approvals',
      summary: 'Pending approvals: runs waiting for a signed decision, with the meaning and the input to be signed',
      query: Type.Object({ limit: Type.Optional(Limit) }, { additionalProperties: false }),
      async handler({ query }) {
        const limit = Math.min(Number(query.limit ?? 100) || 100, 1000);
        const waiting = await store.listWaiting({ channel: APPROVAL_CHANNEL, limit });
        const groups = new Map<string, typeof waiting>();
        for (const w of waiting) groups.set(w.waitKey, [...(groups.get(w.waitKey) ?? []), w]);
        const approvals = [];
        for (const [key, steps] of groups) {
          const first = steps[0]!;
          // Another node type may wait on this channel; an approval node's key is its run and node.
          if (key !== waitKeyOf(first.runId, first.nodeId)) continue;
          const run = await store.getRun(first.runId);
          if (!run) continue;
          let config: ApprovalConfig | undefined;
          try {
            config = approvalOf(run, first.nodeId);
            if (!config) continue;
          } catch {
            config = undefined; // its version is not deployed here: listed, without the meaning
          }
          approvals.push({
            runId: String(run.id),
            flow: run.flowId,
            version: run.flowVersion,
            plant: run.plant,
            nodeId: first.nodeId,
            meaning: config?.meaning ?? null,
            instructions: config?.instructions ?? null,
            role: config?.role ?? null,
            businessKeys: run.businessKeysText === null ? null : json(run.businessKeysText),
            waitingSince: new Date(Math.min(...steps.map((s) => s.since))).toISOString(),
            timesOutAt: first.deadline === null ? null : new Date(first.deadline).toISOString(),
            input: signedContent(steps),
            // Set when signed but not yet delivered (a crash before the signal): the signer retries.
            signature: ((s) => (s ? signatureJson(s) : null))(signatures.get(run.id, first.nodeId)),
          });
        }
        return { body: { approvals } };
      },
    },
    {
      method: 'post',
      path: '/api/approvals/:runId/:nodeId/sign',
      response: SignatureAnswer,
      access: 'approver',
      tag: 'approvals',
      summary:
        "Signs a pending approval: decision, the node's meaning, a reason and the re-entered password; the run continues",
      body: SignBody,
      responses: {
        200: 'the same signer sent the same signature again: it was re-sent, nothing new signed',
        401: 'wrong password: nothing signed (the attempt is audited)',
        403: 'the node asks for a role the caller does not have',
        404: 'no such run, or no approval node of that id in its flow',
        409: 'not pending (not reached yet, decided, timed out), or signed by someone else',
        422: "the meaning is not the node's",
        429: 'too many wrong signature passwords for this user',
      },
      async handler({ params, body, principal }) {
        const p = principal!;
        const b = body as { decision: 'approved' | 'rejected'; meaning: string; reason: string };
        const password = passwordOf(body);
        const runId = idOf(params.runId);
        const nodeId = params.nodeId ?? '';
        const run = await store.getRun(runId);
        if (!run) throw notFound(`run ${params.runId} does not exist`);
        const config = approvalOf(run, nodeId);
        if (!config) throw notFound(`flow ${run.flowId} ${run.flowVersion} has no approval node "${nodeId}"`);
        if (p.role !== 'admin' && !(isRole(config.role) && allows(p.role, config.role)))
          throw forbidden(`this approval needs the ${config.role} role; ${p.username} is ${p.role}`);
        const existing = signatures.get(runId, nodeId);
        if (existing) refuseOther(existing, p, b.decision);
        if (b.reason.trim().length < 3) throw badRequest('/reason: must say why in at least 3 characters');
        if (b.meaning !== config.meaning)
          throw new HttpError(
            422,
            'MEANING_MISMATCH',
            'The meaning does not match',
            `this signature means "${config.meaning}": confirm that meaning to sign`,
            { expected: config.meaning },
          );
        await checkPassword(p, run, nodeId, password);
        // The same signer, the same decision: a retry (e.g. after a crash before the signal) re-sends it.
        if (existing) return deliver(existing, 200);

        const key = waitKeyOf(runId, nodeId);
        const waiting = waitingOn(await store.listSteps(runId), key);
        if (waiting.length === 0) throw conflict(`${key} is not waiting for a decision`);
        const signature: Signature = {
          id: randomUUID(),
          runId,
          nodeId,
          flowId: run.flowId,
          flowVersion: run.flowVersion,
          plant: run.plant,
          userId: p.userId,
          username: p.username,
          printedName: p.username,
          role: p.role,
          meaning: config.meaning,
          decision: b.decision,
          reason: b.reason,
          signedAt: now(),
          recordDigest: auditDigest(signedContent(waiting)),
          deliveredAt: null,
        };
        // Signature and audit row commit together, before the signal: a crash after leaves both
        // and the run still waiting, and the signer's retry re-sends this signature.
        try {
          db.transaction(() => {
            signatures.insert(signature);
            audit.append({
              actor: p,
              action: 'approval.sign',
              target: { kind: 'run', id: String(runId) },
              reason: b.reason,
              after: signatureJson(signature),
              details: {
                signatureId: signature.id,
                nodeId,
                flow: run.flowId,
                version: run.flowVersion,
                decision: b.decision,
                meaning: config.meaning,
                printedName: signature.printedName,
                recordDigest: signature.recordDigest,
              },
            });
          }).immediate();
        } catch (e) {
          // Signed meanwhile (a double click, another approver): settle it as above.
          const raced = isUniqueViolation(e) ? signatures.get(runId, nodeId) : undefined;
          if (!raced) throw e;
          refuseOther(raced, p, b.decision);
          return deliver(raced, 200);
        }
        return deliver(signature, 201);
      },
    },
    {
      method: 'get',
      path: '/api/runs/:id/signatures',
      response: RunSignatures,
      access: 'viewer',
      tag: 'approvals',
      summary: "A run's electronic signatures (kept when the run itself is pruned)",
      responses: { 404: 'no such run and no signatures of it' },
      async handler({ params }) {
        const runId = idOf(params.id);
        const list = signatures.ofRun(runId);
        if (list.length === 0 && !(await store.getRun(runId))) throw notFound(`run ${params.id} does not exist`);
        return { body: { runId: String(runId), signatures: list.map(signatureJson) } };
      },
    },
  ];
}
