/**
 * The storage interface of the engine. The engine owns it; stores implement it (store-sqlite now,
 * a PostgreSQL store later). Nothing here assumes SQLite: ids are numbers the engine generates,
 * every method is async, each method is one atomic unit (a transaction or a savepoint), and
 * work is claimed with a conditional update that a PostgreSQL store implements with
 * `FOR UPDATE SKIP LOCKED`.
 *
 * Payloads are JSON text throughout: the store never parses them.
 */

export type RunStatus = 'held' | 'running' | 'succeeded' | 'dead_lettered' | 'discarded';
export type StepStatus = 'held' | 'ready' | 'leased' | 'waiting' | 'done' | 'parked';

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'dead_lettered', 'discarded'];

/** A step to create: the engine decides its key, node and input. */
export interface NewStep {
  /**
   * Identifies the step within its run: the path of node ids (and fan-out indexes) that led to
   * it, so it is the same on every worker, after a crash and on replay. The step's idempotency
   * key derives from it. Creating a step whose key exists resets that step (replay re-runs it).
   */
  readonly key: string;
  readonly nodeId: string;
  readonly parentKey: string | null;
  readonly payloadText: string;
  /**
   * The payload is the very text its parent step received (the run's input for a first step):
   * a pass-through (validate, route…). The store may then keep it once, not once per step.
   */
  readonly inheritsPayload?: boolean;
  /** JSON text of the message headers, or null for none. */
  readonly headersText: string | null;
}

/** A step a worker holds and will run. */
export interface ClaimedStep extends NewStep {
  /** The payload already parsed (by the webhook that received it), so no node parses it again. */
  readonly parsedPayload?: { readonly value: unknown };
  /** JSON text of why a waiting step runs again (`{"kind":"signal","payload":…}` or `{"kind":"timeout"}`). */
  readonly resumeText?: string | null;
  readonly runId: number;
  readonly flowId: string;
  readonly flowVersion: string;
  /** Attempts already made (0 for a fresh step). */
  readonly attempts: number;
  readonly availableAt: number;
}

export interface AcceptRequest {
  readonly runId: number;
  readonly flowId: string;
  readonly flowVersion: string;
  readonly plant: string | null;
  readonly triggerNodeId: string;
  readonly payloadText: string;
  readonly headersText: string | null;
  readonly idempotencyKey: string | null;
  /** Runs with the same order key run one at a time, in order of acceptance. */
  readonly orderKey: string | null;
  /**
   * JSON text of `{ name: value }`, or null. The store keeps the pairs `businessKeyPairs` gives
   * searchable (RunFilter.businessKey), in the same transaction as the run.
   */
  readonly businessKeysText: string | null;
  readonly firstSteps: readonly NewStep[];
  /**
   * Outcomes of pure steps already run on this event (validate, map…), journaled with the run in
   * the same transaction; their first steps are created by these outcomes, not by `firstSteps`.
   */
  readonly chain?: readonly StepOutcome[];
  /** Lease the first steps to this worker (it will run them at once), or leave them ready for any worker. */
  readonly leaseTo: string | null;
  readonly now: number;
}

export type AcceptResult =
  | {
      readonly kind: 'accepted';
      readonly runId: number;
      readonly held: boolean;
      readonly completion: CompletionResult | null;
    }
  /** The idempotency key was seen: the existing run answers, the duplicate is recorded as suppressed. */
  | { readonly kind: 'duplicate'; readonly runId: number };

export interface StepOutcome {
  readonly runId: number;
  readonly key: string;
  /**
   * Set when the step was never stored on its own: a pure step run in a chain, created and
   * finished in this same transaction (one row write instead of an insert and an update).
   */
  readonly create?: NewStep;
  readonly workerId: string;
  readonly attempt: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /**
   * JSON text of what the step emitted, `{ "<port>": … }`: for a port with successors the
   * number of messages (their payloads are stored once, as the next steps' inputs), for a port
   * with none the payloads themselves. Null when nothing was emitted.
   */
  readonly outputText: string | null;
  /** JSON text of the error when the step gave up and its error was routed. */
  readonly errorText: string | null;
  /** The steps this one enables, committed in the same transaction. */
  readonly next: readonly NewStep[];
  /** Lease the next steps to this worker, or leave them ready. */
  readonly leaseNextTo: string | null;
}

export interface CompletionResult {
  readonly runId: number;
  /** Set when the run has no pending step left and so ended with this status. */
  readonly runEnded: RunStatus | null;
  /** Steps of a run held behind this one (same order key), released and leased to the worker. */
  readonly released: readonly ClaimedStep[];
}

export interface AttemptRecord {
  readonly attempt: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /** JSON text of the SerializedError. */
  readonly errorText: string;
}

export interface RetryRequest {
  readonly runId: number;
  readonly key: string;
  readonly workerId: string;
  readonly failed: AttemptRecord;
  /** When the next attempt may start; the step stays leased to the worker that failed it. */
  readonly availableAt: number;
}

export interface ParkRequest {
  readonly runId: number;
  readonly key: string;
  readonly workerId: string;
  readonly dlqId: number;
  /** Set when an attempt failed (retries exhausted, not retryable); null when a dead-letter node parked the run. */
  readonly failed: AttemptRecord | null;
  /** The attempt that parked (a dead-letter node ran once more); without `failed` it is the step's count. */
  readonly attempt?: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly reason: string;
  readonly code: string;
  /** The step that replay resumes at: the failed step itself, or the step that fed a dead-letter node. */
  readonly resumeKey: string;
  readonly now: number;
}

export interface DeadLetter {
  readonly id: number;
  readonly runId: number;
  readonly flowId: string;
  readonly flowVersion: string;
  readonly nodeId: string;
  readonly resumeNodeId: string;
  readonly status: 'open' | 'replayed' | 'discarded';
  readonly reason: string;
  readonly code: string;
  readonly payloadText: string;
  readonly headersText: string | null;
  readonly attempts: readonly AttemptRecord[];
  readonly createdAt: number;
  readonly resolvedAt: number | null;
  readonly resolution: string | null;
}

export interface ReplayRequest {
  readonly dlqId: number;
  /** Replay on this version (the same or a newer published one). */
  readonly flowVersion: string;
  readonly reason: string;
  readonly by: string;
  readonly leaseTo: string | null;
  readonly now: number;
}

export interface RejectRequest {
  readonly runId: number;
  readonly dlqId: number;
  readonly flowId: string;
  readonly flowVersion: string;
  readonly plant: string | null;
  readonly triggerNodeId: string;
  readonly payloadText: string;
  readonly headersText: string | null;
  readonly reason: string;
  readonly code: string;
  readonly now: number;
}

export interface WaitRequest {
  readonly runId: number;
  readonly key: string;
  readonly workerId: string;
  readonly attempt: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly channel: string;
  readonly waitKey: string;
  /** When the wait times out, or null for never. */
  readonly deadline: number | null;
  /** Lease the step to this worker if a kept signal wakes it at once. */
  readonly leaseTo: string | null;
  readonly now: number;
}

export interface SignalRequest {
  readonly channel: string;
  readonly key: string;
  readonly payloadText: string;
  /** Keep the signal this long for a step that starts waiting later, when none waits now. */
  readonly keepMs: number;
  readonly leaseTo: string | null;
  readonly now: number;
}

export interface WaitingStep {
  readonly runId: number;
  readonly key: string;
  readonly nodeId: string;
  readonly flowId: string;
  readonly channel: string;
  readonly waitKey: string;
  readonly since: number;
  readonly deadline: number | null;
  readonly payloadText: string;
}

export interface RunRecord {
  readonly id: number;
  readonly flowId: string;
  readonly flowVersion: string;
  readonly plant: string | null;
  readonly status: RunStatus;
  readonly triggerNodeId: string;
  readonly payloadText: string;
  readonly headersText: string | null;
  readonly idempotencyKey: string | null;
  readonly orderKey: string | null;
  readonly businessKeysText: string | null;
  readonly createdAt: number;
  readonly endedAt: number | null;
  readonly duplicates: number;
  /** Steps not yet finished. */
  readonly pending: number;
  /** Steps parked in dead letters and not yet replayed or discarded. */
  readonly parked: number;
}

export interface StepRecord {
  readonly runId: number;
  readonly key: string;
  readonly nodeId: string;
  readonly parentKey: string | null;
  readonly status: StepStatus;
  readonly attempts: number;
  readonly payloadText: string;
  readonly headersText: string | null;
  readonly outputText: string | null;
  readonly errorText: string | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly failedAttempts: readonly AttemptRecord[];
  readonly wait: { readonly channel: string; readonly key: string } | null;
  readonly resumeText: string | null;
}

/**
 * Which runs to list, newest first. Every field narrows the list (AND). Times are on the accept
 * time, which run ids encode (`timeOfId`), so a time range is a range of ids: a store needs no
 * index on a time column for it.
 */
export interface RunFilter {
  readonly flowId?: string;
  readonly status?: RunStatus;
  readonly plant?: string;
  /**
   * Runs whose business keys hold this value ("where is lot B123?"), under this key name when
   * one is given. The value matches exactly, as `businessKeyPairs` makes it searchable.
   */
  readonly businessKey?: { readonly name?: string; readonly value: string };
  /** Accepted at or after this time (ms). */
  readonly since?: number;
  /** Accepted before this time (ms). */
  readonly until?: number;
  /** Runs older than this run id: pass the last id of a page to get the next one. */
  readonly before?: number;
  /** @default 100 */
  readonly limit?: number;
}

/** Which ended runs to list for business KPIs: by the time they ended, newest-ended first. */
export interface EndedRunFilter {
  /** Ended at or after this time (ms). */
  readonly endedSince: number;
  /** Ended before this time (ms). */
  readonly endedUntil?: number;
  readonly flowId?: string;
  readonly plant?: string;
  /** @default 1000 */
  readonly limit?: number;
}

export interface EndedRun {
  readonly run: RunRecord;
  /** The nodes this run's path went through: ids of its steps that finished without an error, each once. */
  readonly nodesDone: readonly string[];
}

/** Runs waiting on one channel, by flow and plant. */
export interface WaitingCount {
  readonly flowId: string;
  readonly plant: string | null;
  readonly channel: string;
  /** Runs with at least one step waiting on the channel (a run counts once however many wait). */
  readonly runs: number;
  /** When the longest wait among them began (ms). */
  readonly oldestSince: number;
}

/** Open dead letters, by flow and plant (the plant of their run). */
export interface DeadLetterCount {
  readonly flowId: string;
  readonly plant: string | null;
  readonly open: number;
  /** When the oldest of them was parked (ms). */
  readonly oldestAt: number;
}

export interface PruneResult {
  readonly runs: number;
  readonly steps: number;
}

export interface Store {
  /** Records a worker and its heartbeat; a worker whose heartbeat stops loses its leases. */
  heartbeat(workerId: string, now: number): Promise<void>;
  /** Hands the steps of workers silent for longer than `leaseMs` back as ready. Returns how many. */
  recoverExpired(now: number, leaseMs: number): Promise<number>;
  /** Removes this worker; its leased steps become ready for others (clean shutdown). */
  retireWorker(workerId: string): Promise<void>;

  acceptRun(req: AcceptRequest): Promise<AcceptResult>;
  /** Leases up to `limit` ready steps whose time has come, oldest first. */
  claimReady(workerId: string, now: number, limit: number): Promise<ClaimedStep[]>;
  completeStep(outcome: StepOutcome): Promise<CompletionResult>;
  /**
   * Commits several outcomes in one transaction, in order (a chain of pure steps: each one's
   * step was created by an earlier outcome of the same batch).
   */
  completeSteps(outcomes: readonly StepOutcome[]): Promise<CompletionResult[]>;
  scheduleRetry(req: RetryRequest): Promise<void>;
  parkRun(req: ParkRequest): Promise<CompletionResult>;
  replay(req: ReplayRequest): Promise<ClaimedStep>;
  /**
   * Keeps an event its trigger could not hand to a run (the engine refused it) as a dead letter
   * of a run of its own that has only the trigger step, parked. Replaying it accepts the event anew.
   */
  parkRejected(req: RejectRequest): Promise<void>;
  /** Marks the dead letter of a rejected event replayed (accepted anew as another run). */
  resolveRejected(dlqId: number, resolution: string, now: number): Promise<void>;
  /**
   * Puts a step to sleep until a signal on (channel, key) or its deadline. If a kept signal
   * already matches, the step wakes at once and is returned (leased to `leaseTo`, or ready).
   */
  waitStep(req: WaitRequest): Promise<ClaimedStep | null>;
  /** Wakes every step waiting on (channel, key); keeps the signal when none waits. */
  deliverSignal(req: SignalRequest): Promise<{ readonly woken: number; readonly claimed: readonly ClaimedStep[] }>;
  /** Wakes waiting steps whose deadline passed, with a timeout, leased to the worker. */
  expireWaits(workerId: string, now: number, limit: number): Promise<ClaimedStep[]>;
  listWaiting(filter: { channel?: string; limit?: number }): Promise<WaitingStep[]>;
  /** Runs with a waiting step, counted by flow, plant and channel (business KPIs). */
  countWaiting(filter: { flowId?: string; plant?: string }): Promise<WaitingCount[]>;
  discard(dlqId: number, reason: string, by: string, now: number): Promise<void>;

  getRun(runId: number): Promise<RunRecord | undefined>;
  listRuns(filter: RunFilter): Promise<RunRecord[]>;
  listSteps(runId: number): Promise<StepRecord[]>;
  getDeadLetter(dlqId: number): Promise<DeadLetter | undefined>;
  listDeadLetters(filter: { status?: DeadLetter['status']; flowId?: string; limit?: number }): Promise<DeadLetter[]>;
  /** Open dead letters counted by flow and plant, with the oldest one's time (business KPIs). */
  countOpenDeadLetters(filter: { flowId?: string; plant?: string }): Promise<DeadLetterCount[]>;
  /** Runs that ended in a time range, with the nodes they went through (business KPIs). */
  listEndedRuns(filter: EndedRunFilter): Promise<EndedRun[]>;
  /** How many steps are ready or due (the backlog waiting for a worker). */
  backlog(now: number): Promise<number>;

  /** Node state (dedupe windows, watermarks). */
  stateGet(scope: string, key: string, now: number): Promise<string | undefined>;
  statePut(scope: string, key: string, valueText: string, expiresAt: number | null): Promise<void>;
  stateDelete(scope: string, key: string): Promise<void>;
  /** Stores the value unless a live one is there; returns the value the key holds afterwards. */
  stateClaim(scope: string, key: string, valueText: string, expiresAt: number | null, now: number): Promise<string>;

  /** Deletes ended runs (their steps, attempts and searchable keys too) created before `cutoffRunId`; keeps open dead letters. */
  prune(cutoffRunId: number): Promise<PruneResult>;
  /** Gives free space back so the store stays bounded (SQLite: incremental vacuum, WAL truncate). */
  compact(): Promise<void>;
  close(): Promise<void>;
}
