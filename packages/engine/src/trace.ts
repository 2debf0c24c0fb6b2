import type { FlowPlan } from './plan.ts';
import { timeOfId } from './ids.ts';
import type { RunRecord, StepRecord, Store } from './store.ts';

export interface TraceStep {
  readonly node: string;
  readonly type: string | null;
  readonly key: string;
  readonly status: StepRecord['status'];
  readonly attempts: number;
  readonly startedAt: string | null;
  readonly durationMs: number | null;
  /** Messages per port, or the payloads of ports nothing consumed. */
  readonly output: unknown;
  readonly input: unknown;
  readonly error: unknown;
  readonly failedAttempts: ReadonlyArray<{ attempt: number; error: unknown; durationMs: number }>;
  /** What a waiting (or once waiting) step waits for. */
  readonly wait?: { readonly channel: string; readonly key: string };
  readonly resume?: unknown;
}

export interface RunTrace {
  readonly runId: string;
  readonly flow: { readonly id: string; readonly version: string };
  readonly plant: string | null;
  readonly status: RunRecord['status'];
  readonly acceptedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly businessKeys: unknown;
  readonly duplicates: number;
  readonly steps: readonly TraceStep[];
}

const parse = (t: string | null): unknown => (t === null ? null : (JSON.parse(t) as unknown));
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A run as people read it: every step with its ports, timing, errors and attempts. */
export async function buildTrace(store: Store, runId: number, plan?: FlowPlan): Promise<RunTrace | undefined> {
  const run = await store.getRun(runId);
  if (!run) return undefined;
  const steps = await store.listSteps(runId);
  const accepted = timeOfId(run.id);
  return {
    runId: String(run.id),
    flow: { id: run.flowId, version: run.flowVersion },
    plant: run.plant,
    status: run.status,
    acceptedAt: new Date(accepted).toISOString(),
    endedAt: iso(run.endedAt),
    durationMs: run.endedAt === null ? null : run.endedAt - accepted,
    businessKeys: parse(run.businessKeysText),
    duplicates: run.duplicates,
    steps: steps.map((s) => ({
      node: s.nodeId,
      type: plan?.nodes.get(s.nodeId)?.node.type ?? null,
      key: s.key,
      status: s.status,
      attempts: s.attempts,
      startedAt: iso(s.startedAt),
      durationMs: s.startedAt === null || s.endedAt === null ? null : s.endedAt - s.startedAt,
      input: parse(s.payloadText),
      output: parse(s.outputText),
      error: parse(s.errorText),
      failedAttempts: s.failedAttempts.map((a) => ({
        attempt: a.attempt,
        error: parse(a.errorText),
        durationMs: a.endedAt - a.startedAt,
      })),
      ...(s.wait ? { wait: s.wait } : {}),
      ...(s.resumeText ? { resume: parse(s.resumeText) } : {}),
    })),
  };
}
