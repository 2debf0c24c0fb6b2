import {
  DataError,
  InternalError,
  payloadTextOf,
  toFlowError,
  TransientError,
  type FlowError,
  type NodeDefinition,
  type NodeResult,
} from '@millrace/node-sdk';
import { ERROR_PORT } from '@millrace/flow-model';
import { buildContext, type ContextServices } from './context.ts';
import { childKey, nodeOfKey } from './keys.ts';
import type { FlowPlan, PlanNode } from './plan.ts';
import { decideRetry } from './retry.ts';
import type { AttemptRecord, ClaimedStep, CompletionResult, NewStep, Store } from './store.ts';
import type { StepTransition, Transition } from './events.ts';

/** What the engine tells the runner about the world, and what the runner reports back. */
export interface RunnerHost extends ContextServices {
  readonly store: Store;
  readonly workerId: string;
  random(): number;
  newId(): number;
  /** Whether next steps should be leased to this worker (room in its queue) or left to the pool. */
  leaseNext(count: number): boolean;
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

/**
 * Runs one step to its outcome and commits it: emitted messages become the next steps (in the
 * same transaction as the step's own journal entry); a failure is retried, routed to the error
 * port, sent to the governing retry node's `exhausted` port, or parks the run.
 */
export async function runStep(step: ClaimedStep, plan: FlowPlan, host: RunnerHost): Promise<void> {
  const node = plan.nodes.get(step.nodeId);
  const attempt = step.attempts + 1;
  const startedAt = host.now();
  if (!node || node.isTrigger) {
    const error = new InternalError(
      'NODE_NOT_IN_FLOW',
      `node "${step.nodeId}" is not a runnable node of ${plan.id} ${plan.version}`,
    );
    await park(
      step,
      plan,
      host,
      { attempt, startedAt, endedAt: host.now(), errorText: JSON.stringify(error) },
      error.message,
      error.code,
      step.key,
    );
    return;
  }
  let result: NodeResult | undefined;
  let failure: FlowError | undefined;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const ctx = buildContext(step, plan, node, attempt, abort.signal, host);
    const running = (node.def as NodeDefinition).run(ctx);
    result = await Promise.race([
      running,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(new TransientError('STEP_TIMEOUT', `the step did not finish within ${node.timeoutMs} ms`));
        }, node.timeoutMs);
      }),
    ]);
  } catch (e) {
    failure =
      e instanceof SyntaxError && !('code' in e) ? new DataError('PAYLOAD_NOT_JSON', e.message) : toFlowError(e);
  } finally {
    if (timer) clearTimeout(timer);
  }
  const endedAt = host.now();

  if (failure === undefined && result !== undefined) {
    if (result.kind === 'park') {
      // A dead-letter node: replay resumes at the step that fed it, so a fixed flow can re-decide.
      const failedBy = step.parentKey ?? step.key;
      await park(step, plan, host, null, result.reason, result.code ?? 'PARKED', failedBy, {
        attempt,
        startedAt,
        endedAt,
      });
      return;
    }
    const emitted: Emitted[] = [];
    if (result.kind === 'emit') {
      for (const out of result.outputs) {
        for (const m of out.messages) {
          emitted.push({
            port: out.port,
            payloadText: payloadTextOf(m),
            headersText: m.headers ? JSON.stringify(m.headers) : null,
          });
        }
      }
    }
    await complete(step, plan, node, host, { attempt, startedAt, endedAt, errorText: null }, emitted, node);
    return;
  }

  const error = failure ?? new InternalError('NO_RESULT', 'the node returned nothing');
  const errorJson = error.toJSON();
  const failed: AttemptRecord = { attempt, startedAt, endedAt, errorText: JSON.stringify(errorJson) };
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

  const errorPayload = (extra: Record<string, unknown>) =>
    `{"error":${JSON.stringify(errorJson)},"input":${step.payloadText},"source":${JSON.stringify({ nodeId: node.id, type: node.node.type, attempt })}${Object.entries(
      extra,
    )
      .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
      .join('')}}`;
  if (node.node.onError === 'route' && (node.successors.get(ERROR_PORT)?.length ?? 0) > 0) {
    await complete(
      step,
      plan,
      node,
      host,
      failed,
      [{ port: ERROR_PORT, payloadText: errorPayload({}), headersText: step.headersText }],
      node,
    );
    return;
  }
  const governor = step.parentKey === null ? undefined : plan.nodes.get(nodeOfKey(step.parentKey));
  if (governor?.isRetry && (governor.successors.get('exhausted')?.length ?? 0) > 0) {
    // The exhausted message leaves the retry node, so its successors hang off the retry node's path.
    await complete(
      step,
      plan,
      node,
      host,
      failed,
      [{ port: 'exhausted', payloadText: errorPayload({ attempts: attempt }), headersText: step.headersText }],
      governor,
    );
    return;
  }
  await park(step, plan, host, failed, error.message, error.code, step.key);
}

async function complete(
  step: ClaimedStep,
  plan: FlowPlan,
  node: PlanNode,
  host: RunnerHost,
  attempt: AttemptRecord | { attempt: number; startedAt: number; endedAt: number; errorText: null },
  emitted: readonly Emitted[],
  from: PlanNode,
): Promise<void> {
  const next: NewStep[] = [];
  const counts: Record<string, number> = {};
  const unrouted: Record<string, string[]> = {};
  const targets: Array<{ e: Emitted; s: { nodeId: string }; index: number }> = [];
  const perPort = new Map<string, number>();
  for (const e of emitted) {
    const index = perPort.get(e.port) ?? 0;
    perPort.set(e.port, index + 1);
    counts[e.port] = index + 1;
    const succ = from.successors.get(e.port) ?? [];
    if (succ.length === 0) (unrouted[e.port] ??= []).push(e.payloadText);
    for (const s of succ) targets.push({ e, s, index });
  }
  const parentKey = from === node ? step.key : step.parentKey;
  const seen = new Map<string, number>();
  for (const t of targets) seen.set(t.s.nodeId, (seen.get(t.s.nodeId) ?? 0) + 1);
  for (const t of targets) {
    next.push({
      key: childKey(parentKey, t.s.nodeId, t.e.port, t.index, (seen.get(t.s.nodeId) ?? 0) > 1),
      nodeId: t.s.nodeId,
      parentKey,
      payloadText: t.e.payloadText,
      headersText: t.e.headersText,
    });
  }
  // Payloads that went on are stored once, as the next steps' inputs; only a port's count is kept here.
  const outputParts = Object.keys(counts).map((port) =>
    unrouted[port]
      ? `${JSON.stringify(port)}:[${unrouted[port]!.join(',')}]`
      : `${JSON.stringify(port)}:${counts[port]}`,
  );
  const lease = next.length > 0 && host.leaseNext(next.length);
  const result = await host.store.completeStep({
    runId: step.runId,
    key: step.key,
    workerId: host.workerId,
    attempt: attempt.attempt,
    startedAt: attempt.startedAt,
    endedAt: attempt.endedAt,
    outputText: outputParts.length > 0 ? `{${outputParts.join(',')}}` : null,
    errorText: attempt.errorText,
    next,
    leaseNextTo: lease ? host.workerId : null,
  });
  const status = attempt.errorText === null ? 'succeeded' : 'routed-error';
  const errorJson = attempt.errorText === null ? undefined : (JSON.parse(attempt.errorText) as StepTransition['error']);
  host.transition(
    transition(step, plan, node, status, attempt.attempt, attempt.endedAt - attempt.startedAt, counts, errorJson),
  );
  if (lease) {
    host.enqueue(
      next.map((n) => ({
        ...n,
        runId: step.runId,
        flowId: plan.id,
        flowVersion: plan.version,
        attempts: 0,
        availableAt: attempt.endedAt,
      })),
    );
  }
  if (result.released.length > 0) host.enqueue(result.released);
  if (result.runEnded) host.runEnded(step.runId, plan.id, result);
}

async function park(
  step: ClaimedStep,
  plan: FlowPlan,
  host: RunnerHost,
  failed: AttemptRecord | null,
  reason: string,
  code: string,
  resumeKey: string,
  timing?: { attempt: number; startedAt: number; endedAt: number },
): Promise<void> {
  const now = host.now();
  const result = await host.store.parkRun({
    runId: step.runId,
    key: step.key,
    workerId: host.workerId,
    dlqId: host.newId(),
    failed,
    startedAt: failed?.startedAt ?? timing?.startedAt ?? now,
    endedAt: failed?.endedAt ?? timing?.endedAt ?? now,
    reason,
    code,
    resumeKey,
    now,
  });
  const node = plan.nodes.get(step.nodeId);
  if (node) {
    const error = failed ? (JSON.parse(failed.errorText) as StepTransition['error']) : undefined;
    host.transition(
      transition(
        step,
        plan,
        node,
        'parked',
        failed?.attempt ?? timing?.attempt ?? 1,
        (failed?.endedAt ?? now) - (failed?.startedAt ?? now),
        {},
        error,
      ),
    );
  }
  if (result.released.length > 0) host.enqueue(result.released);
  host.runEnded(step.runId, plan.id, { ...result, runEnded: result.runEnded ?? 'dead_lettered' });
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
