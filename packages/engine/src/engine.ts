import { randomUUID } from 'node:crypto';
import { DataError, TransientError, type Logger, type Reply, type SerializedError } from '@millrace/node-sdk';
import type { SandboxPort } from './context.ts';
import { scopeText } from './context.ts';
import { Deque } from './deque.ts';
import { TransitionStream, type TransitionListener } from './events.ts';
import { IdGenerator, idAt } from './ids.ts';
import { childKey } from './keys.ts';
import type { FlowPlan, PlanNode } from './plan.ts';
import {
  claimedStep,
  executeChain,
  finishChain,
  isPureNode,
  runStep,
  type Chain,
  type RunnerHost,
} from './step-runner.ts';
import type { ClaimedStep, CompletionResult, NewStep, RunStatus, Store } from './store.ts';

export interface EngineOptions {
  readonly store: Store;
  readonly sandbox: SandboxPort;
  readonly log?: Logger;
  readonly now?: () => number;
  readonly random?: () => number;
  /** A worker silent this long loses its leases to others (and to itself after a restart). @default 10_000 */
  readonly leaseMs?: number;
  /** Steps running at once in this worker. @default 256 */
  readonly maxInFlight?: number;
  /** Steps this worker holds in memory (running + queued); beyond, new steps wait in the store. @default 4096 */
  readonly maxQueued?: number;
  /** Above this many steps waiting in the store, new events are refused (503) instead of stored. @default 100_000 */
  readonly maxBacklog?: number;
  /** How often to look for due retries and recovered steps. @default 50 */
  readonly pollMs?: number;
}

export interface AcceptOptions {
  /** The trigger node the event came through, when the flow has several. @default the first trigger */
  readonly triggerNodeId?: string;
  /** Wait for a `respond` node (sync webhook): the result carries a promise of the answer. */
  readonly replyTimeoutMs?: number;
}

export type ReplyOutcome =
  | { readonly kind: 'reply'; readonly reply: Reply }
  | { readonly kind: 'ended'; readonly status: RunStatus }
  | { readonly kind: 'timeout' };

export interface Accepted {
  readonly runId: number;
  readonly duplicate: boolean;
  readonly held: boolean;
  readonly reply?: Promise<ReplyOutcome>;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const triggers = new WeakMap<FlowPlan, PlanNode | undefined>();

/**
 * A key expression's value as a key: null for nothing, strings as they are, anything else as
 * JSON. A module function: a named arrow in accept was made, and under tsx named, per event.
 */
function asKey(v: unknown): string | null {
  return v === null || v === undefined || v === '' ? null : typeof v === 'string' ? v : JSON.stringify(v);
}

/** The flow's first trigger node, looked up once per plan rather than once per event. */
function firstTrigger(plan: FlowPlan): PlanNode | undefined {
  if (!triggers.has(plan))
    triggers.set(
      plan,
      [...plan.nodes.values()].find((n) => n.isTrigger),
    );
  return triggers.get(plan);
}

/**
 * The durable engine of one worker process. Steps it creates are leased to itself and run at
 * once from memory; the store is the source of truth, so after a crash every step whose worker
 * went silent is handed back and runs again. See docs/engine.md.
 */
export class Engine {
  readonly workerId = `w-${randomUUID()}`;
  readonly transitions = new TransitionStream();
  private readonly store: Store;
  private readonly plans = new Map<string, Map<string, FlowPlan>>();
  private readonly active = new Map<string, string>();
  private readonly queue = new Deque<ClaimedStep>();
  private readonly waiters = new Map<number, { resolve: (o: ReplyOutcome) => void; timer: NodeJS.Timeout }>();
  private readonly ids: IdGenerator;
  private readonly host: RunnerHost;
  private readonly o: Required<Omit<EngineOptions, 'store' | 'sandbox' | 'log' | 'now' | 'random'>>;
  private inFlight = 0;
  private readonly perFlow = new Map<string, number>();
  private readonly flowWaiting = new Map<string, Deque<ClaimedStep>>();
  private waitingTotal = 0;
  private running = false;
  private stopping = false;
  private timers: NodeJS.Timeout[] = [];
  private polling = false;
  private backlogEstimate = 0;
  private idle: Array<() => void> = [];

  constructor(private readonly options: EngineOptions) {
    this.store = options.store;
    const now = options.now ?? Date.now;
    this.ids = new IdGenerator(now);
    this.o = {
      leaseMs: options.leaseMs ?? 10_000,
      maxInFlight: options.maxInFlight ?? 256,
      maxQueued: options.maxQueued ?? 4096,
      maxBacklog: options.maxBacklog ?? 100_000,
      pollMs: options.pollMs ?? 50,
    };
    this.host = {
      store: this.store,
      sandbox: options.sandbox,
      log: options.log ?? silent,
      workerId: this.workerId,
      now,
      random: options.random ?? Math.random,
      newId: () => this.ids.next(),
      reply: (runId, reply) => this.resolveWaiter(runId, { kind: 'reply', reply }),
      waiting: (runId) => this.waiters.has(runId),
      observed: () => this.transitions.active,
      leaseNext: (count) =>
        this.running &&
        !this.stopping &&
        this.queue.length + this.inFlight + this.waitingTotal + count <= this.o.maxQueued,
      enqueue: (steps) => this.enqueue(steps),
      transition: (t) => {
        if (this.transitions.active) this.transitions.emit(t);
      },
      runEnded: (runId, flowId, result) => this.onRunEnded(runId, flowId, result),
      signal: (channel, key, payloadText) => this.signal(channel, key, payloadText),
    };
  }

  /** Makes a compiled flow version runnable; the newest deployed version takes new events. */
  deploy(plan: FlowPlan, options: { activate?: boolean } = {}): void {
    let versions = this.plans.get(plan.id);
    if (!versions) this.plans.set(plan.id, (versions = new Map()));
    versions.set(plan.version, plan);
    if (options.activate ?? true) this.active.set(plan.id, plan.version);
  }

  plan(flowId: string, version?: string): FlowPlan | undefined {
    const v = version ?? this.active.get(flowId);
    return v === undefined ? undefined : this.plans.get(flowId)?.get(v);
  }

  onTransition(listener: TransitionListener): () => void {
    return this.transitions.on(listener);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const now = this.host.now();
    await this.store.heartbeat(this.workerId, now);
    await this.store.recoverExpired(now, this.o.leaseMs);
    const beat = setInterval(() => void this.beat(), Math.max(100, Math.floor(this.o.leaseMs / 3)));
    const poll = setInterval(() => void this.poll(), this.o.pollMs);
    beat.unref();
    poll.unref();
    this.timers.push(beat, poll);
    void this.poll();
  }

  private async beat(): Promise<void> {
    try {
      const now = this.host.now();
      await this.store.heartbeat(this.workerId, now);
      const recovered = await this.store.recoverExpired(now, this.o.leaseMs);
      if (recovered > 0) this.host.log.warn('recovered steps of a silent worker', { steps: recovered });
    } catch (e) {
      this.host.log.error('heartbeat failed', { error: String(e) });
    }
  }

  /** Claims due steps (retries, recovered, backlog) while there is room in memory. */
  private async poll(): Promise<void> {
    if (this.polling || !this.running || this.stopping) return;
    this.polling = true;
    try {
      const room = this.o.maxQueued - this.queue.length - this.inFlight;
      if (room <= 0) return;
      const now = this.host.now();
      const steps = await this.store.claimReady(this.workerId, now, Math.min(room, 512));
      if (steps.length > 0) this.enqueue(steps);
      // Waits whose deadline passed run again with a timeout.
      const expired = await this.store.expireWaits(this.workerId, now, Math.max(1, Math.min(room - steps.length, 512)));
      if (expired.length > 0) this.enqueue(expired);
      this.backlogEstimate = steps.length < Math.min(room, 512) ? 0 : await this.store.backlog(now);
    } catch (e) {
      this.host.log.error('polling for steps failed', { error: String(e) });
    } finally {
      this.polling = false;
    }
  }

  /**
   * Accepts an event for a flow: evaluates the flow's keys in the sandbox, then commits the run
   * and its first steps. Resolves once durable — only then may the source be acknowledged.
   * Rejects with a DataError when a key expression fails on this event (nothing is stored), and
   * with a TransientError when the engine is stopping or its backlog is full.
   */
  async accept(
    flowId: string,
    event: { payloadText: string; headersText?: string | null; parsedPayload?: { value: unknown } },
    options: AcceptOptions = {},
  ): Promise<Accepted> {
    if (this.stopping)
      throw new TransientError('ENGINE_STOPPING', 'the runtime is shutting down', { retryAfterMs: 5000 });
    if (this.backlogEstimate > this.o.maxBacklog) {
      throw new TransientError(
        'ENGINE_OVERLOADED',
        `more than ${this.o.maxBacklog} steps are waiting; try again shortly`,
        { retryAfterMs: 1000 },
      );
    }
    const plan = this.plan(flowId);
    if (!plan) throw new DataError('FLOW_NOT_DEPLOYED', `flow "${flowId}" is not deployed here`);
    const trigger = options.triggerNodeId === undefined ? firstTrigger(plan) : plan.nodes.get(options.triggerNodeId);
    if (!trigger?.isTrigger) {
      throw new DataError(
        'FLOW_HAS_NO_TRIGGER',
        options.triggerNodeId === undefined
          ? `flow "${flowId}" has no trigger`
          : `flow "${flowId}" has no trigger node "${options.triggerNodeId}"`,
      );
    }
    const headersText = event.headersText ?? null;

    let keys: unknown[] = [];
    if (plan.acceptExpressions.length > 0) {
      try {
        keys = JSON.parse(
          await this.host.sandbox.evaluate(
            plan.acceptExpressions,
            scopeText(event.payloadText, headersText, plan.paramsText),
          ),
        ) as unknown[];
      } catch (e) {
        const err = e as { message?: string; toJSON?: () => SerializedError };
        throw new DataError(
          'KEY_EXPRESSION_FAILED',
          `the flow's key expressions failed on this event: ${err.message ?? String(e)}`,
          {
            details: err.toJSON ? { cause: err.toJSON() } : {},
          },
        );
      }
    }
    const slots = plan.expressionSlots;
    const idempotencyKey = slots.idempotencyKey === null ? null : asKey(keys[slots.idempotencyKey]);
    const orderKey = slots.orderBy === null ? null : asKey(keys[slots.orderBy]);
    const businessKeys =
      slots.businessKeys.length === 0
        ? null
        : JSON.stringify(Object.fromEntries(slots.businessKeys.map(([name, i]) => [name, keys[i] ?? null])));

    const firstSteps: NewStep[] = [];
    const succ = trigger.successors.get('out') ?? [];
    const counts = new Map<string, number>();
    for (const s of succ) counts.set(s.nodeId, (counts.get(s.nodeId) ?? 0) + 1);
    for (const s of succ) {
      firstSteps.push({
        key: childKey(null, s.nodeId, 'out', 0, (counts.get(s.nodeId) ?? 0) > 1),
        nodeId: s.nodeId,
        parentKey: null,
        payloadText: event.payloadText,
        headersText,
        inheritsPayload: true,
      });
    }
    const lease = this.host.leaseNext(firstSteps.length);
    const runId = this.ids.next();
    // Register the waiter before the run can possibly answer.
    let reply: Promise<ReplyOutcome> | undefined;
    if (options.replyTimeoutMs !== undefined) reply = this.waitFor(runId, options.replyTimeoutMs);
    // For a caller that waits for the run's answer anyway (sync webhook), pure first steps
    // (validate, map, route…) run before the acceptance commit and are journaled with it: one
    // transaction instead of two. Safe because the event is not acknowledged until that commit,
    // and pure steps only run again if it never happens. Not for async callers, whose 202 must
    // not wait for user code, nor for ordered flows: a held run must not run ahead.
    let chain: Chain | undefined;
    if (
      options.replyTimeoutMs !== undefined &&
      lease &&
      slots.orderBy === null &&
      firstSteps.length > 0 &&
      firstSteps.every((s) => isPureNode(plan, s.nodeId))
    ) {
      const parsed = event.parsedPayload;
      const start = firstSteps.map((s) => {
        const step: { -readonly [K in keyof ClaimedStep]: ClaimedStep[K] } = claimedStep(s, runId, plan);
        if (parsed) step.parsedPayload = parsed;
        return { step, created: s };
      });
      chain = await executeChain(start, plan, this.host);
    }
    let result;
    try {
      result = await this.store.acceptRun({
        runId,
        flowId,
        flowVersion: plan.version,
        plant: plan.plant,
        triggerNodeId: trigger.id,
        payloadText: event.payloadText,
        headersText,
        idempotencyKey,
        orderKey,
        businessKeysText: businessKeys,
        firstSteps: chain ? firstSteps.filter((s) => !chain!.finished.has(s.key)) : firstSteps,
        ...(chain ? { chain: chain.outcomes } : {}),
        leaseTo: lease ? this.workerId : null,
        now: this.host.now(),
      });
    } catch (e) {
      this.dropWaiter(runId);
      throw e;
    }
    if (result.kind === 'duplicate') {
      this.dropWaiter(runId);
      this.host.transition({ kind: 'run', flowId, runId: result.runId, status: 'duplicate' });
      return { runId: result.runId, duplicate: true, held: false };
    }
    this.host.transition({ kind: 'run', flowId, runId, status: 'accepted' });
    if (chain) {
      // First steps that failed or parked were stored as leased steps; finishChain handles them.
      const c = chain;
      void finishChain(c, result.completion ? [result.completion] : [], plan, this.host).catch((e: unknown) =>
        this.host.log.error('finishing a chain failed', { runId, error: String(e) }),
      );
    } else if (firstSteps.length === 0) this.resolveWaiter(runId, { kind: 'ended', status: 'succeeded' });
    else if (lease && !result.held) {
      this.enqueue(firstSteps.map((s) => claimedStep(s, runId, plan)));
    }
    return { runId, duplicate: false, held: result.held, ...(reply ? { reply } : {}) };
  }

  private enqueue(steps: readonly ClaimedStep[]): void {
    for (const s of steps) this.queue.push(s);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.o.maxInFlight && this.queue.length > 0) {
      const step = this.queue.shift()!;
      const plan = this.plan(step.flowId, step.flowVersion);
      if (!plan) {
        // Not deployed here (another worker's flow, or an undeployed version): leave it to recovery.
        this.host.log.warn('step of a flow version not deployed here', {
          flowId: step.flowId,
          version: step.flowVersion,
        });
        continue;
      }
      // A flow's settings.concurrency caps its steps running at once; the rest wait their turn
      // in memory (they are leased, so counted against maxQueued like any queued step).
      const limit = plan.flow.settings?.concurrency;
      const running = this.perFlow.get(plan.id) ?? 0;
      if (limit !== undefined && running >= limit) {
        let waiting = this.flowWaiting.get(plan.id);
        if (!waiting) this.flowWaiting.set(plan.id, (waiting = new Deque()));
        waiting.push(step);
        this.waitingTotal++;
        continue;
      }
      this.perFlow.set(plan.id, running + 1);
      this.inFlight++;
      void this.runOne(step, plan);
    }
  }

  /** Runs one step and frees its place. A method, not closures made for every step. */
  private async runOne(step: ClaimedStep, plan: FlowPlan): Promise<void> {
    try {
      await runStep(step, plan, this.host);
    } catch (e) {
      // The commit itself failed (disk full, database gone). The step stays leased and is
      // recovered when this worker's lease lapses; nothing half-written is visible.
      this.host.log.error('committing a step failed', { runId: step.runId, key: step.key, error: String(e) });
    }
    this.inFlight--;
    this.perFlow.set(plan.id, (this.perFlow.get(plan.id) ?? 1) - 1);
    const next = this.flowWaiting.get(plan.id)?.shift();
    if (next) {
      this.waitingTotal--;
      this.queue.push(next);
    }
    if (this.inFlight === 0 && this.queue.length === 0 && this.waitingTotal === 0)
      for (const f of this.idle.splice(0)) f();
    this.pump();
  }

  private waitFor(runId: number, timeoutMs: number): Promise<ReplyOutcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.resolveWaiter(runId, { kind: 'timeout' }), timeoutMs);
      timer.unref();
      this.waiters.set(runId, { resolve, timer });
    });
  }

  private dropWaiter(runId: number): void {
    const w = this.waiters.get(runId);
    if (w) clearTimeout(w.timer);
    this.waiters.delete(runId);
  }

  private resolveWaiter(runId: number, outcome: ReplyOutcome): boolean {
    const w = this.waiters.get(runId);
    if (!w) return false;
    this.dropWaiter(runId);
    w.resolve(outcome);
    return true;
  }

  private onRunEnded(runId: number, flowId: string, result: CompletionResult): void {
    if (result.runEnded) {
      this.resolveWaiter(runId, { kind: 'ended', status: result.runEnded });
      this.host.transition({ kind: 'run', flowId, runId, status: result.runEnded });
    }
  }

  /**
   * Delivers a signal: every step waiting on (channel, key), in any run, wakes with it; when none
   * waits yet, it is kept (default one day) for the step that will. Resolves once durable.
   */
  async signal(channel: string, key: string, payloadText: string, options: { keepMs?: number } = {}): Promise<number> {
    const lease = this.host.leaseNext(1);
    const result = await this.store.deliverSignal({
      channel,
      key,
      payloadText,
      keepMs: options.keepMs ?? 86_400_000,
      leaseTo: lease ? this.workerId : null,
      now: this.host.now(),
    });
    if (result.claimed.length > 0) this.enqueue(result.claimed);
    return result.woken;
  }

  /** Replays a dead letter from its failed step, on the same or a newer deployed version. */
  async replay(dlqId: number, options: { reason: string; by: string; version?: string }): Promise<{ runId: number }> {
    if (!options.reason.trim()) throw new DataError('REASON_REQUIRED', 'a replay needs a reason');
    const dl = await this.store.getDeadLetter(dlqId);
    if (!dl) throw new DataError('DEAD_LETTER_NOT_FOUND', `dead letter ${dlqId} does not exist`);
    const version = options.version ?? this.active.get(dl.flowId) ?? dl.flowVersion;
    const plan = this.plan(dl.flowId, version);
    if (!plan) throw new DataError('FLOW_VERSION_NOT_DEPLOYED', `flow ${dl.flowId} ${version} is not deployed here`);
    if (!plan.nodes.has(dl.resumeNodeId)) {
      throw new DataError(
        'NODE_NOT_IN_VERSION',
        `node "${dl.resumeNodeId}" does not exist in ${dl.flowId} ${version}; replay on a version that has it`,
      );
    }
    if (plan.nodes.get(dl.resumeNodeId)?.isTrigger) {
      // An event its trigger could not hand over (see reject): accept it anew, as a new run.
      const accepted = await this.accept(
        dl.flowId,
        { payloadText: dl.payloadText, headersText: dl.headersText },
        { triggerNodeId: dl.resumeNodeId },
      );
      await this.store.resolveRejected(
        dlqId,
        JSON.stringify({ reason: options.reason, by: options.by, runId: String(accepted.runId) }),
        this.host.now(),
      );
      return { runId: accepted.runId };
    }
    const lease = this.host.leaseNext(1);
    const step = await this.store.replay({
      dlqId,
      flowVersion: version,
      reason: options.reason,
      by: options.by,
      leaseTo: lease ? this.workerId : null,
      now: this.host.now(),
    });
    this.host.transition({ kind: 'run', flowId: dl.flowId, runId: dl.runId, status: 'running' });
    if (lease) this.enqueue([{ ...step, flowVersion: version }]);
    return { runId: dl.runId };
  }

  /**
   * Keeps an event a trigger received but the engine refused (its keys could not be computed in
   * the sandbox): a dead letter with the event and the reason, replayable once the flow is fixed.
   * The trigger may then acknowledge its source: nothing is lost.
   */
  async reject(
    flowId: string,
    triggerNodeId: string,
    event: { payloadText: string; headersText?: string | null },
    error: { code: string; message: string },
  ): Promise<number> {
    const plan = this.plan(flowId);
    if (!plan) throw new DataError('FLOW_NOT_DEPLOYED', `flow "${flowId}" is not deployed here`);
    const runId = this.ids.next();
    await this.store.parkRejected({
      runId,
      dlqId: this.ids.next(),
      flowId,
      flowVersion: plan.version,
      plant: plan.plant,
      triggerNodeId,
      payloadText: event.payloadText,
      headersText: event.headersText ?? null,
      reason: error.message,
      code: error.code,
      now: this.host.now(),
    });
    this.host.transition({ kind: 'run', flowId, runId, status: 'dead_lettered' });
    return runId;
  }

  async discard(dlqId: number, options: { reason: string; by: string }): Promise<void> {
    if (!options.reason.trim()) throw new DataError('REASON_REQUIRED', 'discarding a dead letter needs a reason');
    await this.store.discard(dlqId, options.reason, options.by, this.host.now());
  }

  /** Resolves when nothing runs or waits in this worker (for tests and `millrace run`). */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Retention: deletes ended runs older than `retentionMs`, then gives space back. */
  async prune(retentionMs: number): Promise<{ runs: number; steps: number }> {
    const result = await this.store.prune(idAt(this.host.now() - retentionMs));
    await this.store.compact();
    return result;
  }

  /**
   * Stops taking events, lets running steps finish (up to `drainMs`), and hands every step
   * still queued here back to the store for the next worker.
   */
  async stop(options: { drainMs?: number } = {}): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const queued = this.queue.drain().length + [...this.flowWaiting.values()].reduce((n, q) => n + q.drain().length, 0);
    this.waitingTotal = 0;
    if (this.inFlight > 0) {
      await Promise.race([this.whenIdle(), new Promise((r) => setTimeout(r, options.drainMs ?? 10_000).unref())]);
    }
    for (const runId of [...this.waiters.keys()]) this.resolveWaiter(runId, { kind: 'timeout' });
    await this.store.retireWorker(this.workerId);
    this.running = false;
    if (queued > 0) this.host.log.info('handed queued steps back to the store', { steps: queued });
  }
}
