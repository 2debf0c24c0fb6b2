import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import type {
  AcceptRequest,
  AcceptResult,
  AttemptRecord,
  ClaimedStep,
  CompletionResult,
  DeadLetter,
  DeadLetterCount,
  EndedRun,
  EndedRunFilter,
  NewStep,
  ParkRequest,
  PruneResult,
  ReplayRequest,
  RetryRequest,
  RunFilter,
  RunRecord,
  RejectRequest,
  RunStatus,
  SignalRequest,
  StepOutcome,
  StepRecord,
  Store,
  WaitingCount,
  WaitingStep,
  WaitRequest,
} from '@millrace/engine';
import { businessKeyPairs } from '@millrace/engine';
import { GroupCommit } from './group-commit.ts';
import { migrate } from './migrations.ts';
import { RunQueries, toRun, type RunRow } from './queries.ts';
import { prepareStatements, type Statements } from './statements.ts';

export interface SqliteStoreOptions {
  /** `normal` survives a process crash (WAL); `full` also a power loss, at a throughput cost. @default 'normal' */
  readonly synchronous?: 'normal' | 'full';
  /** WAL pages before an automatic checkpoint; large keeps checkpoints off the hot path. @default 10000 */
  readonly walAutocheckpoint?: number;
}

const stored = (step: NewStep): string | null => (step.inheritsPayload ? null : step.payloadText);

/** "Never" as a deadline: waits without a timeout sort after every real one. */
const NEVER = Number.MAX_SAFE_INTEGER;

const signalResume = (payloadText: string) => `{"kind":"signal","payload":${payloadText}}`;

interface StepRow {
  run_id: number;
  key: string;
  node_id: string;
  parent_key: string | null;
  status: string;
  attempts: number;
  available_at: number;
  payload: string | null;
  headers: string | null;
  output: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  wait_channel: string | null;
  wait_key: string | null;
  resume: string | null;
}

/** The embedded store: one SQLite file in WAL mode, written with group commit. */
export class SqliteStore implements Store {
  readonly db: Db;
  private readonly tx: GroupCommit;
  private readonly s: Statements;
  private readonly q: RunQueries;
  private closed = false;

  constructor(
    readonly path: string,
    options: SqliteStoreOptions = {},
  ) {
    this.db = new Database(path);
    try {
      // auto_vacuum must be chosen before the first table exists; it lets compact() hand pages back.
      this.db.pragma('auto_vacuum = INCREMENTAL');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      this.db.pragma(`wal_autocheckpoint = ${options.walAutocheckpoint ?? 10000}`);
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('temp_store = MEMORY');
      this.db.pragma('cache_size = -32000');
      migrate(this.db);
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.s = prepareStatements(this.db);
    this.q = new RunQueries(this.db);
    this.tx = new GroupCommit(this.db);
  }

  get commitStats(): { commits: number; writes: number; replays: number } {
    return this.tx.stats;
  }

  heartbeat(workerId: string, now: number): Promise<void> {
    return this.tx.write(() => {
      this.s.heartbeat.run(workerId, now);
    });
  }

  recoverExpired(now: number, leaseMs: number): Promise<number> {
    return this.tx.write(() => {
      const dead = (this.s.deadWorkers.all(now - leaseMs) as Array<{ id: string }>).map((r) => r.id);
      let recovered = 0;
      for (const id of dead) {
        recovered += this.s.releaseLeases.run(now, id).changes;
        this.s.deleteWorker.run(id);
      }
      return recovered;
    });
  }

  retireWorker(workerId: string): Promise<void> {
    return this.tx.write(() => {
      this.s.releaseLeases.run(Date.now(), workerId);
      this.s.deleteWorker.run(workerId);
    });
  }

  acceptRun(req: AcceptRequest): Promise<AcceptResult> {
    return this.tx.write((): AcceptResult => {
      if (req.idempotencyKey !== null) {
        const existing = this.s.runByIdem.get(req.flowId, req.idempotencyKey) as { id: number } | undefined;
        if (existing) {
          this.s.countDuplicate.run(existing.id);
          return { kind: 'duplicate', runId: existing.id };
        }
      }
      const held = req.orderKey !== null && this.s.activeForOrderKey.get(req.flowId, req.orderKey) !== undefined;
      // The chain's outcomes settle here, so the run is written once with its final count.
      let pending = req.firstSteps.length;
      for (const o of req.chain ?? []) pending += o.next.length - (o.create ? 0 : 1);
      const at = req.chain?.length ? req.chain[req.chain.length - 1]!.endedAt : req.now;
      this.s.insertRun.run(
        req.runId,
        req.flowId,
        req.flowVersion,
        req.plant,
        pending === 0 ? 'succeeded' : held ? 'held' : 'running',
        req.triggerNodeId,
        req.payloadText,
        req.headersText,
        req.idempotencyKey,
        req.orderKey,
        req.businessKeysText,
        pending,
        req.now,
        pending === 0 ? at : null,
      );
      // Searchable business keys, in the same transaction: one small insert per key.
      for (const k of businessKeyPairs(req.businessKeysText)) this.s.insertRunKey.run(req.runId, k.name, k.value);
      const status = held ? 'held' : req.leaseTo ? 'leased' : 'ready';
      for (const step of req.firstSteps) this.insertStep(req.runId, step, status, held ? null : req.leaseTo, req.now);
      for (const o of req.chain ?? []) this.applyOutcome(o);
      if (pending > 0) return { kind: 'accepted', runId: req.runId, held, completion: null };
      // Nothing left to do (no step, or a chain that ran to its end): the run ended as it started.
      return {
        kind: 'accepted',
        runId: req.runId,
        held,
        completion: { runId: req.runId, runEnded: 'succeeded', released: [] },
      };
    });
  }

  private insertStep(runId: number, step: NewStep, status: string, leasedBy: string | null, now: number): void {
    this.s.upsertStep.run(
      runId,
      step.key,
      step.nodeId,
      step.parentKey,
      status,
      now,
      leasedBy,
      stored(step),
      step.headersText,
      now,
    );
  }

  /** A step's input text; a NULL column means "the same as the parent's" (see NewStep.inheritsPayload). */
  private payloadOf(row: { run_id: number; parent_key: string | null; payload: string | null }): string {
    let r = row;
    while (r.payload === null) {
      if (r.parent_key === null) return (this.s.runPayload.get(r.run_id) as { payload: string }).payload;
      r = this.s.stepPayload.get(r.run_id, r.parent_key) as typeof row;
    }
    return r.payload;
  }

  claimReady(workerId: string, now: number, limit: number): Promise<ClaimedStep[]> {
    // Polling finds nothing most of the time: look first, so an idle poll costs no transaction.
    if (this.s.anyReady.get(now) === undefined) return Promise.resolve([]);
    // RETURNING does not keep the subquery's order: sort here, oldest first.
    return this.tx.write(() =>
      (this.s.claim.all(workerId, now, limit) as StepRow[])
        .sort((a, b) => a.available_at - b.available_at)
        .map((r) => this.claimed(r)),
    );
  }

  private claimed(r: StepRow): ClaimedStep {
    const run = this.s.runFlow.get(r.run_id) as { flow_id: string; flow_version: string };
    return {
      runId: r.run_id,
      key: r.key,
      nodeId: r.node_id,
      parentKey: r.parent_key,
      payloadText: this.payloadOf(r),
      headersText: r.headers,
      flowId: run.flow_id,
      flowVersion: run.flow_version,
      attempts: r.attempts,
      availableAt: r.available_at,
      resumeText: r.resume,
    };
  }

  completeStep(o: StepOutcome): Promise<CompletionResult> {
    return this.tx.write(() => this.settleRun(o.runId, this.applyOutcome(o), 0, o.endedAt, o.leaseNextTo));
  }

  completeSteps(outcomes: readonly StepOutcome[]): Promise<CompletionResult[]> {
    return this.tx.write(() => {
      // Settle each run once, with the net change: mid-chain the count may touch zero without the run being done.
      const delta = new Map<number, { delta: number; at: number; lease: string | null }>();
      for (const o of outcomes) {
        const d = delta.get(o.runId) ?? { delta: 0, at: o.endedAt, lease: o.leaseNextTo };
        delta.set(o.runId, { delta: d.delta + this.applyOutcome(o), at: o.endedAt, lease: o.leaseNextTo ?? d.lease });
      }
      return [...delta].map(([runId, d]) => this.settleRun(runId, d.delta, 0, d.at, d.lease));
    });
  }

  /** Writes a step's outcome and its next steps; returns the change in the run's pending steps. */
  private applyOutcome(o: StepOutcome): number {
    if (o.create) {
      const c = o.create;
      this.s.insertDoneStep.run(
        o.runId,
        c.key,
        c.nodeId,
        c.parentKey,
        o.attempt,
        o.endedAt,
        stored(c),
        c.headersText,
        o.outputText,
        o.errorText,
        o.startedAt,
        o.startedAt,
        o.endedAt,
      );
    } else {
      this.s.finishStep.run('done', o.attempt, o.outputText, o.errorText, o.startedAt, o.endedAt, o.runId, o.key);
    }
    const status = o.leaseNextTo ? 'leased' : 'ready';
    for (const step of o.next) this.insertStep(o.runId, step, status, o.leaseNextTo, o.endedAt);
    // A step created here was never counted as pending, so it adds its successors only.
    return o.next.length - (o.create ? 0 : 1);
  }

  /**
   * Applies a change in pending and parked steps to the run; ends it when nothing is pending,
   * and then lets the next run held behind the same order key start.
   */
  private settleRun(
    runId: number,
    pendingDelta: number,
    parkedDelta: number,
    now: number,
    leaseTo: string | null,
  ): CompletionResult {
    if (pendingDelta === 0 && parkedDelta === 0) return { runId, runEnded: null, released: [] };
    // One statement adjusts the counts and, when nothing is pending any more, ends the run.
    const run = this.s.settleRun.get({ dp: pendingDelta, dk: parkedDelta, now, id: runId }) as {
      pending: number;
      flow_id: string;
      order_key: string | null;
      status: RunStatus;
    };
    if (run.pending > 0) return { runId, runEnded: null, released: [] };
    const released = run.order_key === null ? [] : this.releaseNext(run.flow_id, run.order_key, now, leaseTo);
    return { runId, runEnded: run.status, released };
  }

  private releaseNext(flowId: string, orderKey: string, now: number, leaseTo: string | null): ClaimedStep[] {
    const next = this.s.nextHeld.get(flowId, orderKey) as { id: number } | undefined;
    if (!next) return [];
    this.s.setRunStatus.run('running', next.id);
    const rows = this.s.releaseHeld.all(leaseTo ? 'leased' : 'ready', leaseTo, now, next.id) as StepRow[];
    return leaseTo ? rows.map((r) => this.claimed(r)) : [];
  }

  scheduleRetry(req: RetryRequest): Promise<void> {
    return this.tx.write(() => {
      this.recordAttempt(req.runId, req.key, req.failed);
      this.s.retryStep.run(req.failed.attempt, req.availableAt, req.runId, req.key);
    });
  }

  private recordAttempt(runId: number, key: string, a: AttemptRecord): void {
    this.s.insertAttempt.run(runId, key, a.attempt, a.startedAt, a.endedAt, a.errorText);
  }

  parkRun(req: ParkRequest): Promise<CompletionResult> {
    return this.tx.write((): CompletionResult => {
      const step = this.s.stepByKey.get(req.runId, req.key) as StepRow;
      const run = this.s.runFlow.get(req.runId) as { flow_id: string; flow_version: string };
      const resume = req.resumeKey === req.key ? step : (this.s.stepByKey.get(req.runId, req.resumeKey) as StepRow);
      if (req.failed) this.recordAttempt(req.runId, req.key, req.failed);
      this.s.finishStep.run(
        'parked',
        req.failed?.attempt ?? req.attempt ?? step.attempts,
        null,
        req.failed?.errorText ?? null,
        req.startedAt,
        req.endedAt,
        req.runId,
        req.key,
      );
      this.s.insertDeadLetter.run(
        req.dlqId,
        req.runId,
        run.flow_id,
        run.flow_version,
        step.node_id,
        req.key,
        req.resumeKey,
        resume.node_id,
        req.reason,
        req.code,
        this.payloadOf(step),
        step.headers,
        req.now,
      );
      return this.settleRun(req.runId, -1, 1, req.now, null);
    });
  }

  replay(req: ReplayRequest): Promise<ClaimedStep> {
    return this.tx.write((): ClaimedStep => {
      const dl = this.s.deadLetter.get(req.dlqId) as
        { run_id: number; status: string; resume_key: string; step_key: string } | undefined;
      if (!dl) throw new Error(`dead letter ${req.dlqId} does not exist`);
      if (dl.status !== 'open') throw new Error(`dead letter ${req.dlqId} is already ${dl.status}`);
      this.s.resolveDeadLetter.run(
        'replayed',
        req.now,
        JSON.stringify({ reason: req.reason, by: req.by, flowVersion: req.flowVersion }),
        req.dlqId,
      );
      this.s.setRunVersion.run(req.flowVersion, dl.run_id);
      // The resumed step keeps its key, so its idempotency key, and its earlier attempts.
      const row = this.s.resumeStep.get(
        req.leaseTo ? 'leased' : 'ready',
        req.leaseTo,
        req.now,
        dl.run_id,
        dl.resume_key,
      ) as StepRow;
      if (dl.resume_key !== dl.step_key) this.s.deleteStep.run(dl.run_id, dl.step_key);
      this.s.adjustRun.get(1, -1, dl.run_id);
      this.s.reopenRun.run(dl.run_id);
      return this.claimed(row);
    });
  }

  waitStep(req: WaitRequest): Promise<ClaimedStep | null> {
    return this.tx.write((): ClaimedStep | null => {
      this.s.waitStep.run(
        req.attempt,
        req.startedAt,
        req.endedAt,
        req.channel,
        req.waitKey,
        req.deadline ?? NEVER,
        req.runId,
        req.key,
      );
      // A signal may have come first (a fast QMS decision): the step wakes at once.
      const kept = this.s.keptSignal.get(req.channel, req.waitKey, req.now) as
        { id: number; payload: string } | undefined;
      if (!kept) return null;
      this.s.dropSignal.run(kept.id);
      const row = this.s.wake.get(
        req.leaseTo ? 'leased' : 'ready',
        req.leaseTo,
        req.now,
        signalResume(kept.payload),
        req.runId,
        req.key,
      ) as StepRow;
      return req.leaseTo ? this.claimed(row) : null;
    });
  }

  deliverSignal(req: SignalRequest): Promise<{ woken: number; claimed: ClaimedStep[] }> {
    return this.tx.write(() => {
      const waiters = this.s.waitersOf.all(req.channel, req.key) as Array<{ run_id: number; key: string }>;
      if (waiters.length === 0) {
        this.s.keepSignal.run(req.channel, req.key, req.payloadText, req.now, req.now + req.keepMs);
        return { woken: 0, claimed: [] };
      }
      const resume = signalResume(req.payloadText);
      const rows = waiters.map(
        (w) =>
          this.s.wake.get(req.leaseTo ? 'leased' : 'ready', req.leaseTo, req.now, resume, w.run_id, w.key) as StepRow,
      );
      return { woken: rows.length, claimed: req.leaseTo ? rows.map((r) => this.claimed(r)) : [] };
    });
  }

  expireWaits(workerId: string, now: number, limit: number): Promise<ClaimedStep[]> {
    if (this.s.anyWaitDue.get(now) === undefined) return Promise.resolve([]);
    return this.tx.write(() => (this.s.expireWaits.all(workerId, now, limit) as StepRow[]).map((r) => this.claimed(r)));
  }

  async listWaiting(filter: { channel?: string; limit?: number }): Promise<WaitingStep[]> {
    const rows = this.s.listWaiting.all({ channel: filter.channel ?? null, limit: filter.limit ?? 100 }) as Array<{
      run_id: number;
      key: string;
      node_id: string;
      parent_key: string | null;
      payload: string | null;
      wait_channel: string;
      wait_key: string;
      ended_at: number;
      available_at: number;
      flow_id: string;
    }>;
    return rows.map((r) => ({
      runId: r.run_id,
      key: r.key,
      nodeId: r.node_id,
      flowId: r.flow_id,
      channel: r.wait_channel,
      waitKey: r.wait_key,
      since: r.ended_at,
      deadline: r.available_at >= NEVER ? null : r.available_at,
      payloadText: this.payloadOf(r),
    }));
  }

  parkRejected(req: RejectRequest): Promise<void> {
    return this.tx.write(() => {
      this.s.insertRun.run(
        req.runId,
        req.flowId,
        req.flowVersion,
        req.plant,
        'dead_lettered',
        req.triggerNodeId,
        req.payloadText,
        req.headersText,
        null,
        null,
        null,
        0,
        req.now,
        null,
      );
      this.s.setParked.run(1, req.runId);
      this.s.upsertStep.run(
        req.runId,
        req.triggerNodeId,
        req.triggerNodeId,
        null,
        'parked',
        req.now,
        null,
        null,
        req.headersText,
        req.now,
      );
      this.s.insertDeadLetter.run(
        req.dlqId,
        req.runId,
        req.flowId,
        req.flowVersion,
        req.triggerNodeId,
        req.triggerNodeId,
        req.triggerNodeId,
        req.triggerNodeId,
        req.reason,
        req.code,
        req.payloadText,
        req.headersText,
        req.now,
      );
    });
  }

  /** A rejected event was accepted anew as another run: its dead letter and placeholder run are done. */
  resolveRejected(dlqId: number, resolution: string, now: number): Promise<void> {
    return this.tx.write(() => {
      const dl = this.s.deadLetter.get(dlqId) as { run_id: number; status: string } | undefined;
      if (!dl || dl.status !== 'open') throw new Error(`dead letter ${dlqId} is not open`);
      this.s.resolveDeadLetter.run('replayed', now, resolution, dlqId);
      this.s.adjustRun.get(0, -1, dl.run_id);
      this.s.endRun.run('discarded', now, dl.run_id);
    });
  }

  discard(dlqId: number, reason: string, by: string, now: number): Promise<void> {
    return this.tx.write(() => {
      const dl = this.s.deadLetter.get(dlqId) as { run_id: number; status: string } | undefined;
      if (!dl) throw new Error(`dead letter ${dlqId} does not exist`);
      if (dl.status !== 'open') throw new Error(`dead letter ${dlqId} is already ${dl.status}`);
      this.s.resolveDeadLetter.run('discarded', now, JSON.stringify({ reason, by }), dlqId);
      const run = this.s.adjustRun.get(0, -1, dl.run_id) as { pending: number; parked: number };
      if (run.pending === 0 && run.parked === 0) this.s.endRun.run('discarded', now, dl.run_id);
    });
  }

  async getRun(runId: number): Promise<RunRecord | undefined> {
    const r = this.s.runById.get(runId) as RunRow | undefined;
    return r && toRun(r);
  }

  async listRuns(filter: RunFilter): Promise<RunRecord[]> {
    return this.q.listRuns(filter);
  }

  async listEndedRuns(filter: EndedRunFilter): Promise<EndedRun[]> {
    return this.q.listEndedRuns(filter);
  }

  async countWaiting(filter: { flowId?: string; plant?: string }): Promise<WaitingCount[]> {
    return this.q.countWaiting(filter);
  }

  async countOpenDeadLetters(filter: { flowId?: string; plant?: string }): Promise<DeadLetterCount[]> {
    return this.q.countOpenDeadLetters(filter);
  }

  async listSteps(runId: number): Promise<StepRecord[]> {
    const attempts = this.s.attemptsOfRun.all(runId) as Array<{
      key: string;
      attempt: number;
      started_at: number;
      ended_at: number;
      error: string;
    }>;
    return (this.s.stepsOfRun.all(runId) as StepRow[]).map((r) => ({
      runId: r.run_id,
      key: r.key,
      nodeId: r.node_id,
      parentKey: r.parent_key,
      status: r.status as StepRecord['status'],
      attempts: r.attempts,
      payloadText: this.payloadOf(r),
      headersText: r.headers,
      outputText: r.output,
      errorText: r.error,
      createdAt: r.created_at,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      failedAttempts: attempts.filter((a) => a.key === r.key).map(toAttempt),
      wait: r.wait_channel === null ? null : { channel: r.wait_channel, key: r.wait_key! },
      resumeText: r.resume,
    }));
  }

  async getDeadLetter(dlqId: number): Promise<DeadLetter | undefined> {
    const r = this.s.deadLetter.get(dlqId) as DeadLetterRow | undefined;
    return r && this.toDeadLetter(r);
  }

  async listDeadLetters(filter: {
    status?: DeadLetter['status'];
    flowId?: string;
    limit?: number;
  }): Promise<DeadLetter[]> {
    const rows = this.s.listDeadLetters.all({
      status: filter.status ?? null,
      flow: filter.flowId ?? null,
      limit: filter.limit ?? 100,
    }) as DeadLetterRow[];
    return rows.map((r) => this.toDeadLetter(r));
  }

  private toDeadLetter(r: DeadLetterRow): DeadLetter {
    return {
      id: r.id,
      runId: r.run_id,
      flowId: r.flow_id,
      flowVersion: r.flow_version,
      nodeId: r.node_id,
      resumeNodeId: r.resume_node,
      status: r.status,
      reason: r.reason,
      code: r.code,
      payloadText: r.payload,
      headersText: r.headers,
      attempts: (this.s.attemptsOfStep.all(r.run_id, r.step_key) as AttemptRow[]).map(toAttempt),
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
      resolution: r.resolution,
    };
  }

  async backlog(now: number): Promise<number> {
    return (this.s.backlog.get(now) as { n: number }).n;
  }

  async stateGet(scope: string, key: string, now: number): Promise<string | undefined> {
    const r = this.s.stateGet.get(scope, key, now) as { value: string } | undefined;
    return r?.value;
  }

  statePut(scope: string, key: string, valueText: string, expiresAt: number | null): Promise<void> {
    return this.tx.write(() => {
      this.s.statePut.run(scope, key, valueText, expiresAt);
    });
  }

  stateClaim(scope: string, key: string, valueText: string, expiresAt: number | null, now: number): Promise<string> {
    return this.tx.write(() => {
      // Insert, or take over an expired entry; a live one stays as it is.
      this.s.stateClaim.run({ scope, key, value: valueText, expires: expiresAt, now });
      return (this.s.stateGet.get(scope, key, now) as { value: string }).value;
    });
  }

  stateDelete(scope: string, key: string): Promise<void> {
    return this.tx.write(() => {
      this.s.stateDelete.run(scope, key);
    });
  }

  prune(cutoffRunId: number): Promise<PruneResult> {
    return this.tx.write((): PruneResult => {
      const cutoff = { cutoff: cutoffRunId };
      const steps = this.s.pruneSteps.run(cutoff).changes;
      this.s.pruneAttempts.run(cutoff);
      this.s.pruneRunKeys.run(cutoff);
      const runs = this.s.pruneRuns.run(cutoff).changes;
      this.s.pruneDeadLetters.run(cutoff);
      this.s.pruneState.run(Date.now());
      this.s.pruneSignals.run(Date.now());
      return { runs, steps };
    });
  }

  async compact(): Promise<void> {
    this.tx.flush();
    this.db.pragma('incremental_vacuum');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tx.flush();
    this.db.close();
  }
}

interface DeadLetterRow {
  id: number;
  run_id: number;
  flow_id: string;
  flow_version: string;
  node_id: string;
  step_key: string;
  resume_key: string;
  resume_node: string;
  status: DeadLetter['status'];
  reason: string;
  code: string;
  payload: string;
  headers: string | null;
  created_at: number;
  resolved_at: number | null;
  resolution: string | null;
}

interface AttemptRow {
  attempt: number;
  started_at: number;
  ended_at: number;
  error: string;
}

function toAttempt(a: AttemptRow): AttemptRecord {
  return { attempt: a.attempt, startedAt: a.started_at, endedAt: a.ended_at, errorText: a.error };
}

export type { Statement };
