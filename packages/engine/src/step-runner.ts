import {
  DataError,
  InternalError,
  payloadTextOf,
  toFlowError,
  TransientError,
  type FlowError,
  type NodeDefinition,
  type NodeResult,
  type Reply,
} from '@millrace/node-sdk';
import { ERROR_PORT } from '@millrace/flow-model';
import { buildContext, handOn, type ContextServices, type Prefetched } from './context.ts';
import { timeOfId } from './ids.ts';
import { ancestorKey, childKey, nodeOfKey } from './keys.ts';
import type { FlowPlan, PlanNode } from './plan.ts';
import { decideRetry } from './retry.ts';
import type { AttemptRecord, ClaimedStep, CompletionResult, NewStep, StepOutcome, Store } from './store.ts';
import type { StepTransition, Transition } from './events.ts';

/** What the engine tells the runner about the world, and what the runner reports back. */
export interface RunnerHost extends ContextServices {
  readonly store: Store;
  readonly workerId: string;
  random(): number;
  newId(): number;
  /** Whether someone waits for a reply of this run (a sync webhook). */
  waiting(runId: number): boolean;
  /** Whether next steps should be leased to this worker (room in its queue) or left to the pool. */
  leaseNext(count: number): boolean;
  /** Whether anyone listens to transitions (building them costs allocations on the hot path). */
  observed(): boolean;
  /** Steps now leased to this worker: run them. */
  enqueue(steps: readonly ClaimedStep[]): void;
  transition(t: Transition): void;
  runEnded(runId: number, flowId: string, result: CompletionResult): void;
}

interface Emitted {
  readonly port: string;
  readonly payloadText: string;
  readonly headersText: string | null;
}

interface Executed {
  readonly step: ClaimedStep;
  readonly node: PlanNode | undefined;
  readonly attempt: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly result?: NodeResult;
  readonly error?: FlowError;
  /** The input headers object the node saw, to spot headers passed on unchanged. */
  readonly inputHeaders?: unknown;
  /** The next node's input expressions, already evaluated on this step's result. */
  readonly prefetched?: Prefetched | undefined;
}

/** Steps journaled in one transaction at most: bounds the work lost to a crash and the batch size. */
const MAX_CHAIN = 64;
const NEVER = new AbortController().signal;

/**
 * Runs one claimed step and the pure steps it enables, and journals them in one transaction.
 * Failures are handled after the commit: retried, routed to the error port, sent to a governing
 * retry node's `exhausted` port, or parked in dead letters.
 */
export async function runStep(first: ClaimedStep, plan: FlowPlan, host: RunnerHost): Promise<void> {
  const chain = await executeChain([{ step: first, created: null }], plan, host);
  const results =
    chain.outcomes.length === 0
      ? []
      : chain.outcomes.length === 1
        ? [await host.store.completeStep(chain.outcomes[0]!)]
        : await host.store.completeSteps(chain.outcomes);
  await finishChain(chain, results, plan, host);
}

interface Done {
  readonly ex: Executed;
  readonly next: NewStep[];
  readonly outputText: string | null;
  readonly counts: Record<string, number>;
  readonly lease: boolean;
  /** The NewStep this step was created as, when the chain created it (not yet stored). */
  readonly created: NewStep | null;
  /** Its successors ran in this chain (some may have finished in it). */
  readonly chained: boolean;
}

/** A chain of steps run in memory, ready to be journaled in one transaction. */
export interface Chain {
  readonly outcomes: StepOutcome[];
  /** Keys of steps created and finished inside the chain (they need no row of their own before). */
  readonly finished: ReadonlySet<string>;
  readonly done: readonly Done[];
  readonly replies: ReadonlyArray<() => void>;
  readonly later: readonly ClaimedStep[];
  readonly failed: readonly Executed[];
  readonly parked: readonly Executed[];
  readonly waiting: readonly Executed[];
}

/**
 * Runs steps, then — without a commit in between — the pure steps they enable (validate, map,
 * route…). Nothing is written: the caller journals `outcomes` in one transaction (with the
 * acceptance of the run, or as one completion), then calls finishChain. A crash before that
 * commit loses nothing: the chain's first steps were committed before they ran, or the event
 * was not acknowledged yet, and pure steps just run again.
 */
export async function executeChain(
  start: ReadonlyArray<{ step: ClaimedStep; created: NewStep | null }>,
  plan: FlowPlan,
  host: RunnerHost,
): Promise<Chain> {
  const replies: Array<() => void> = [];
  const services: ContextServices = {
    store: host.store,
    sandbox: host.sandbox,
    log: host.log,
    now: host.now,
    signal: host.signal,
    // Replies to a waiting caller are sent only once the chain is committed.
    reply(runId: number, reply: Reply): boolean {
      if (!host.waiting(runId)) return false;
      replies.push(() => host.reply(runId, reply));
      return true;
    },
  };
  const done: Done[] = [];
  const later: ClaimedStep[] = [];
  const failed: Executed[] = [];
  const parked: Executed[] = [];
  const waiting: Executed[] = [];
  // A chained step that finished is written once, as done, by its own outcome; one that failed
  // or parked is created by its parent like any step, then handled by finishChain.
  const finished = new Set<string>();
  const queue = start.slice();
  for (let q = 0; q < queue.length; q++) {
    const { step, created } = queue[q]!;
    const ex = await execute(step, plan, services);
    if (ex.error || !ex.node) {
      failed.push(ex);
      continue;
    }
    const result = ex.result!;
    if (result.kind === 'park') {
      parked.push(ex);
      continue;
    }
    if (result.kind === 'wait') {
      waiting.push(ex);
      continue;
    }
    const { next, outputText, counts } =
      result.kind === 'emit'
        ? nextSteps(ex.step, ex.node, ex.node, emittedOf(result, ex))
        : { next: [] as NewStep[], outputText: null, counts: {} };
    // Same bound as before: steps done, still queued and about to be queued stay under MAX_CHAIN.
    let chain = next.length > 0 && done.length + (queue.length - q - 1) + next.length < MAX_CHAIN;
    for (let i = 0; chain && i < next.length; i++) chain = plan.nodes.get(next[i]!.nodeId)?.pure === true;
    const lease = chain || (next.length > 0 && host.leaseNext(next.length));
    if (created) finished.add(step.key);
    done.push({ ex, next, outputText, counts, lease, created, chained: chain });
    if (chain) {
      for (const n of next) {
        const step = claimedStep(n, ex.step.runId, plan);
        if (ex.prefetched && n.nodeId === ex.node.lookahead?.nodeId) handOn(step, ex.prefetched);
        queue.push({ step, created: n });
      }
    } else if (lease) for (const n of next) later.push(claimedStep(n, ex.step.runId, plan));
  }
  const outcomes: StepOutcome[] = [];
  for (const d of done) {
    // Only chained successors can have finished here; the others are created by this outcome.
    const next = d.chained ? d.next.filter((n) => !finished.has(n.key)) : d.next;
    outcomes.push(outcomeOf(d.ex, host, d.ex.attempt, null, next, d.outputText, d.lease, d.created));
  }
  return { outcomes, finished, done, replies, later, failed, parked, waiting };
}

/** The messages a step emitted, in order, with their texts. */
function emittedOf(result: Extract<NodeResult, { kind: 'emit' }>, ex: Executed): Emitted[] {
  const emitted: Emitted[] = [];
  for (const out of result.outputs) {
    for (const m of out.messages)
      emitted.push({
        port: out.port,
        payloadText: payloadTextOf(m),
        // Headers passed on unchanged keep their text: no stringify per step.
        headersText: headersTextOf(m.headers, ex),
      });
  }
  return emitted;
}

/** After the chain's commit: answer callers, hand on the steps it left, handle its failures. */
export async function finishChain(
  chain: Chain,
  results: readonly CompletionResult[],
  plan: FlowPlan,
  host: RunnerHost,
): Promise<void> {
  for (const r of chain.replies) r();
  if (host.observed()) {
    for (const d of chain.done)
      host.transition(
        transition(d.ex.step, plan, d.ex.node!, 'succeeded', d.ex.attempt, d.ex.endedAt - d.ex.startedAt, d.counts),
      );
  }
  if (chain.later.length > 0) host.enqueue(chain.later);
  for (const r of results) {
    if (r.released.length > 0) host.enqueue(r.released);
    if (r.runEnded) host.runEnded(r.runId, plan.id, r);
  }
  for (const ex of chain.parked) {
    // A dead-letter node: replay resumes at the step that fed it, so a fixed flow can re-decide,
    // or further up its path (resumeAt), so a read whose answer led here is made again.
    const r = ex.result as Extract<NodeResult, { kind: 'park' }>;
    const resumeKey =
      (r.resumeAt === undefined ? undefined : ancestorKey(ex.step.key, r.resumeAt)) ?? ex.step.parentKey ?? ex.step.key;
    await park(ex, plan, host, null, r.reason, r.code ?? 'PARKED', resumeKey);
  }
  for (const ex of chain.waiting) {
    const w = ex.result as Extract<NodeResult, { kind: 'wait' }>;
    const lease = host.leaseNext(1);
    const woken = await host.store.waitStep({
      runId: ex.step.runId,
      key: ex.step.key,
      workerId: host.workerId,
      attempt: ex.attempt,
      startedAt: ex.startedAt,
      endedAt: ex.endedAt,
      channel: w.channel,
      waitKey: w.key,
      deadline: w.timeoutMs === undefined ? null : ex.endedAt + w.timeoutMs,
      leaseTo: lease ? host.workerId : null,
      now: host.now(),
    });
    if (host.observed() && ex.node)
      host.transition(transition(ex.step, plan, ex.node, 'waiting', ex.attempt, ex.endedAt - ex.startedAt, {}));
    if (woken) host.enqueue([woken]);
  }
  for (const ex of chain.failed) await handleFailure(ex, plan, host);
}

export function isPureNode(plan: FlowPlan, nodeId: string): boolean {
  return isPure(plan, nodeId);
}

/** The flow's catch node that takes this error (by category and code), if any has successors. */
function catchFor(plan: FlowPlan, error: { category: string; code: string }): PlanNode | undefined {
  for (const node of plan.nodes.values()) {
    if (node.node.type !== 'catch' || (node.successors.get('out')?.length ?? 0) === 0) continue;
    const config = node.node.config as { categories?: string[]; codes?: string[] };
    if (config.categories && !config.categories.includes(error.category)) continue;
    if (config.codes && !config.codes.includes(error.code)) continue;
    return node;
  }
  return undefined;
}

function headersTextOf(headers: object | undefined, ex: Executed): string | null {
  if (headers === undefined) return null;
  if (headers === ex.inputHeaders) return ex.step.headersText;
  return Object.keys(headers).length === 0 ? null : JSON.stringify(headers);
}

function isPure(plan: FlowPlan, nodeId: string): boolean {
  return plan.nodes.get(nodeId)?.pure === true;
}

async function execute(step: ClaimedStep, plan: FlowPlan, services: ContextServices): Promise<Executed> {
  const node = plan.nodes.get(step.nodeId);
  const attempt = step.attempts + 1;
  const startedAt = services.now();
  if (!node || node.isTrigger) {
    const error = new InternalError(
      'NODE_NOT_IN_FLOW',
      `node "${step.nodeId}" is not a runnable node of ${plan.id} ${plan.version}`,
    );
    return { step, node, attempt, startedAt, endedAt: startedAt, error };
  }
  const limit = plan.flow.settings?.timeoutMs;
  if (limit !== undefined && startedAt - timeOfId(step.runId) > limit) {
    const error = new DataError('RUN_TIMEOUT', `the run has lasted longer than the flow's timeout of ${limit} ms`);
    return { step, node, attempt, startedAt, endedAt: startedAt, error };
  }
  const pure = node.pure;
  let timer: NodeJS.Timeout | undefined;
  try {
    // Pure nodes are bounded by the sandbox's own limits: no timer and no signal to pay for.
    const abort = pure ? undefined : new AbortController();
    const ctx = buildContext(step, plan, node, attempt, abort?.signal ?? NEVER, services);
    const running = (node.def as NodeDefinition).run(ctx);
    const result = pure
      ? await running
      : await Promise.race([
          running,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              abort!.abort();
              reject(new TransientError('STEP_TIMEOUT', `the step did not finish within ${node.timeoutMs} ms`));
            }, node.timeoutMs);
          }),
        ]);
    return {
      step,
      node,
      attempt,
      startedAt,
      endedAt: services.now(),
      result,
      inputHeaders: ctx.parsedHeaders,
      prefetched: ctx.prefetched,
    };
  } catch (e) {
    const error =
      e instanceof SyntaxError && !('code' in e) ? new DataError('PAYLOAD_NOT_JSON', e.message) : toFlowError(e);
    return { step, node, attempt, startedAt, endedAt: services.now(), error };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The steps a node's messages enable, keyed by path; `from` is the node whose ports they leave. */
function nextSteps(step: ClaimedStep, node: PlanNode, from: PlanNode, emitted: readonly Emitted[]) {
  if (emitted.length === 1) return nextOfOne(step, node, from, emitted[0]!);
  const counts: Record<string, number> = {};
  const unrouted: Record<string, string[]> = {};
  const targets: Array<{ e: Emitted; nodeId: string; index: number }> = [];
  for (const e of emitted) {
    const index = counts[e.port] ?? 0;
    counts[e.port] = index + 1;
    const succ = from.successors.get(e.port) ?? [];
    if (succ.length === 0) (unrouted[e.port] ??= []).push(e.payloadText);
    for (const s of succ) targets.push({ e, nodeId: s.nodeId, index });
  }
  const parentKey = from === node ? step.key : step.parentKey;
  const perNode = new Map<string, number>();
  for (const t of targets) perNode.set(t.nodeId, (perNode.get(t.nodeId) ?? 0) + 1);
  const next: NewStep[] = targets.map((t) =>
    newStep(
      step,
      parentKey,
      t.nodeId,
      t.e,
      childKey(parentKey, t.nodeId, t.e.port, t.index, (perNode.get(t.nodeId) ?? 0) > 1),
    ),
  );
  // Payloads that went on are stored once, as the next steps' inputs; only a port's count is kept here.
  const parts = Object.keys(counts).map((port) =>
    unrouted[port]
      ? `${JSON.stringify(port)}:[${unrouted[port]!.join(',')}]`
      : `${JSON.stringify(port)}:${counts[port]}`,
  );
  return { next, counts, outputText: parts.length > 0 ? `{${parts.join(',')}}` : null };
}

/** The common case, one message out of one port, without the bookkeeping of fan-outs. */
function nextOfOne(step: ClaimedStep, node: PlanNode, from: PlanNode, e: Emitted) {
  const counts: Record<string, number> = { [e.port]: 1 };
  const succ = from.successors.get(e.port);
  if (succ === undefined || succ.length === 0)
    return { next: [] as NewStep[], counts, outputText: `{${JSON.stringify(e.port)}:[${e.payloadText}]}` };
  const parentKey = from === node ? step.key : step.parentKey;
  const next: NewStep[] = [];
  for (const s of succ) {
    // Two edges from this port into the same node: the keys tell the two messages apart.
    let same = 0;
    for (const o of succ) if (o.nodeId === s.nodeId) same++;
    next.push(newStep(step, parentKey, s.nodeId, e, childKey(parentKey, s.nodeId, e.port, 0, same > 1)));
  }
  return { next, counts, outputText: `{${JSON.stringify(e.port)}:1}` };
}

function newStep(step: ClaimedStep, parentKey: string | null, nodeId: string, e: Emitted, key: string): NewStep {
  const n: { -readonly [K in keyof NewStep]: NewStep[K] } = {
    key,
    nodeId,
    parentKey,
    payloadText: e.payloadText,
    headersText: e.headersText,
  };
  if (e.payloadText === step.payloadText) n.inheritsPayload = true;
  return n;
}

function outcomeOf(
  ex: Executed,
  host: RunnerHost,
  attempt: number,
  errorText: string | null,
  next: NewStep[],
  outputText: string | null,
  lease: boolean,
  create: NewStep | null,
): StepOutcome {
  // One object per outcome, built in place (no spreads of partial objects).
  const outcome: { -readonly [K in keyof StepOutcome]: StepOutcome[K] } = {
    runId: ex.step.runId,
    key: ex.step.key,
    workerId: host.workerId,
    attempt,
    startedAt: ex.startedAt,
    endedAt: ex.endedAt,
    outputText,
    errorText,
    next,
    leaseNextTo: lease ? host.workerId : null,
  };
  if (create) outcome.create = create;
  return outcome;
}

/**
 * A new step as the worker that made it holds it (leased to itself, run from memory): the first
 * steps of a run and every next step. Spelled out rather than spread: this runs for every step,
 * and the spread was measurable; one builder keeps every claimed step the same shape.
 */
export function claimedStep(n: NewStep, runId: number, plan: FlowPlan): ClaimedStep {
  return {
    key: n.key,
    nodeId: n.nodeId,
    parentKey: n.parentKey,
    payloadText: n.payloadText,
    headersText: n.headersText,
    inheritsPayload: n.inheritsPayload === true,
    runId,
    flowId: plan.id,
    flowVersion: plan.version,
    attempts: 0,
    availableAt: 0,
  };
}

async function handleFailure(ex: Executed, plan: FlowPlan, host: RunnerHost): Promise<void> {
  const { step, node, attempt, startedAt, endedAt } = ex;
  const error = ex.error ?? new InternalError('NO_RESULT', 'the node returned nothing');
  const errorJson = error.toJSON();
  const failed: AttemptRecord = { attempt, startedAt, endedAt, errorText: JSON.stringify(errorJson) };
  if (!node) {
    await park(ex, plan, host, failed, error.message, error.code, step.key);
    return;
  }
  const decision = decideRetry(errorJson, attempt, node.retry, host.random());
  if (decision.kind === 'retry') {
    await host.store.scheduleRetry({
      runId: step.runId,
      key: step.key,
      workerId: host.workerId,
      failed,
      availableAt: endedAt + decision.delayMs,
    });
    host.transition(
      transition(step, plan, node, 'retrying', attempt, endedAt - startedAt, {}, errorJson, decision.delayMs),
    );
    return;
  }
  const errorPayload = (extra: string) =>
    `{"error":${JSON.stringify(errorJson)},"input":${step.payloadText},"source":${JSON.stringify({ nodeId: node.id, type: node.node.type, attempt })}${extra}}`;
  let from: PlanNode | undefined;
  let emitted: Emitted | undefined;
  if (node.node.onError === 'route' && (node.successors.get(ERROR_PORT)?.length ?? 0) > 0) {
    from = node;
    emitted = { port: ERROR_PORT, payloadText: errorPayload(''), headersText: step.headersText };
  } else {
    const governor = step.parentKey === null ? undefined : plan.nodes.get(nodeOfKey(step.parentKey));
    if (governor?.isRetry && (governor.successors.get('exhausted')?.length ?? 0) > 0) {
      // The exhausted message leaves the retry node, so its successors hang off the retry node's path.
      from = governor;
      emitted = {
        port: 'exhausted',
        payloadText: errorPayload(`,"attempts":${attempt}`),
        headersText: step.headersText,
      };
    } else {
      // Last resort before dead letters: the flow's catch node, when it takes this error.
      const catcher = catchFor(plan, errorJson);
      if (catcher) {
        from = catcher;
        emitted = { port: 'out', payloadText: errorPayload(''), headersText: step.headersText };
      }
    }
  }
  if (!from || !emitted) {
    await park(ex, plan, host, failed, error.message, error.code, step.key);
    return;
  }
  const { next, outputText, counts } = nextSteps(step, node, from, [emitted]);
  const lease = host.leaseNext(next.length);
  const result = await host.store.completeStep(
    outcomeOf(ex, host, failed.attempt, failed.errorText, next, outputText, lease, null),
  );
  host.transition(transition(step, plan, node, 'routed-error', attempt, endedAt - startedAt, counts, errorJson));
  if (lease) host.enqueue(next.map((n) => claimedStep(n, step.runId, plan)));
  if (result.released.length > 0) host.enqueue(result.released);
  if (result.runEnded) host.runEnded(step.runId, plan.id, result);
}

async function park(
  ex: Executed,
  plan: FlowPlan,
  host: RunnerHost,
  failed: AttemptRecord | null,
  reason: string,
  code: string,
  resumeKey: string,
): Promise<void> {
  const now = host.now();
  const result = await host.store.parkRun({
    runId: ex.step.runId,
    key: ex.step.key,
    workerId: host.workerId,
    dlqId: host.newId(),
    failed,
    attempt: ex.attempt,
    startedAt: ex.startedAt,
    endedAt: ex.endedAt,
    reason,
    code,
    resumeKey,
    now,
  });
  if (ex.node) {
    const error = failed ? (JSON.parse(failed.errorText) as StepTransition['error']) : undefined;
    host.transition(transition(ex.step, plan, ex.node, 'parked', ex.attempt, ex.endedAt - ex.startedAt, {}, error));
  }
  if (result.released.length > 0) host.enqueue(result.released);
  host.runEnded(ex.step.runId, plan.id, { ...result, runEnded: result.runEnded ?? 'dead_lettered' });
}

function transition(
  step: ClaimedStep,
  plan: FlowPlan,
  node: PlanNode,
  status: StepTransition['status'],
  attempt: number,
  durationMs: number,
  ports: Record<string, number>,
  error?: StepTransition['error'],
  retryInMs?: number,
): StepTransition {
  return {
    kind: 'step',
    flowId: plan.id,
    runId: step.runId,
    key: step.key,
    nodeId: node.id,
    nodeType: node.node.type,
    status,
    attempt,
    durationMs,
    ports,
    ...(error ? { error } : {}),
    ...(retryInMs === undefined ? {} : { retryInMs }),
  };
}
