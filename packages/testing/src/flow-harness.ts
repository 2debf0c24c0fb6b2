import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildTrace,
  compilePlan,
  Engine,
  TERMINAL_RUN_STATUSES,
  type EngineOptions,
  type FlowPlan,
  type RunStatus,
  type RunTrace,
} from '@millrace/engine';
import type { Flow, PlantProfile } from '@millrace/flow-model';
import {
  ConfigError,
  type ConnectionDefinition,
  type Headers,
  type Logger,
  type NodeDefinition,
  type NodeSpec,
  type Reply,
  type TriggerDefinition,
} from '@millrace/node-sdk';
import { environmentSecrets, resolveSecrets, type SecretResolver } from '@millrace/runtime';
import type { SandboxLimits } from '@millrace/sandbox';
import { SqliteStore } from '@millrace/store-sqlite';
import { loadCheckedFlow, loadCheckedProfile } from './flow-loading.ts';
import { implementations } from './implementations.ts';
import { openSandbox, type OpenedSandbox, type SandboxChoice } from './sandbox.ts';

export interface FlowHarnessOptions {
  /** The plant profile (object or file path): params and connection bindings. @default plant TEST, no connections */
  readonly profile?: PlantProfile | string;
  /** Open connection clients by slot; they win over the profile's bindings and are not closed here. */
  readonly connections?: Readonly<Record<string, unknown>>;
  /** Secret values for the profile's `{ "secret": "NAME" }` references. @default the environment */
  readonly secrets?: Readonly<Record<string, string>>;
  /** @default 'isolated-vm' */
  readonly sandbox?: SandboxChoice;
  readonly sandboxLimits?: Partial<SandboxLimits>;
  /** Node implementations to use besides (or instead of) those under flow-nodes/, e.g. one in development. */
  readonly nodes?: ReadonlyArray<NodeDefinition | TriggerDefinition>;
  /** Validate the flow at publishable level first, as deploying would. @default true */
  readonly validate?: boolean;
  /** Engine tuning (`pollMs`, `leaseMs`, `now`, …). @default { pollMs: 10 } */
  readonly engine?: Partial<Omit<EngineOptions, 'store' | 'sandbox'>>;
  readonly log?: Logger;
}

export interface RunEvent {
  /** The event payload, as a value… @default null */
  readonly input?: unknown;
  /** …or as the exact JSON text the trigger received (wins over `input`). */
  readonly inputText?: string;
  readonly headers?: Headers;
  /** Give up waiting for the run's end after this long. @default 10_000 */
  readonly timeoutMs?: number;
  /** The trigger the event came through, when the flow has several. */
  readonly triggerNodeId?: string;
  /** Sent once the run is accepted, for its wait.event nodes (kept until a step waits for them). */
  readonly signals?: ReadonlyArray<{ readonly channel: string; readonly key: string; readonly payloadText: string }>;
}

export interface FlowRunResult {
  readonly runId: number;
  /** The event repeated the idempotency key of an earlier run; `trace` is that run's. */
  readonly duplicate: boolean;
  /** What a `respond` node sent, for a flow whose trigger is a sync webhook. */
  readonly reply?: Reply;
  readonly trace: RunTrace;
}

/** The run did not end in time; `trace` shows where it stands (waiting, retrying, …). */
export class RunTimeoutError extends Error {
  constructor(
    readonly trace: RunTrace,
    timeoutMs: number,
  ) {
    const at = trace.steps
      .filter((s) => s.status !== 'done')
      .map((s) => `${s.node} (${s.status})`)
      .join(', ');
    super(`run ${trace.runId} is still ${trace.status} after ${timeoutMs} ms${at ? `; unfinished steps: ${at}` : ''}`);
  }
}

export interface FlowHarness {
  readonly engine: Engine;
  readonly store: SqliteStore;
  readonly plan: FlowPlan;
  /** The temporary folder of the SQLite file; removed by close(). */
  readonly dir: string;
  /** Hands one event to the flow and resolves with the trace once the run has ended. */
  run(event?: RunEvent): Promise<FlowRunResult>;
  /** Resolves once the run has ended (succeeded, dead-lettered, discarded); RunTimeoutError otherwise. */
  waitForEnd(runId: number, timeoutMs?: number): Promise<RunStatus>;
  trace(runId: number): Promise<RunTrace>;
  /** Stops the engine, closes what it opened, and deletes the temporary folder. */
  close(): Promise<void>;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const isTerminal = (s: string): s is RunStatus => (TERMINAL_RUN_STATUSES as readonly string[]).includes(s);

/**
 * A real runtime for one flow, for tests: a real Engine on a real SqliteStore in a temporary
 * folder, the real node implementations and sandbox, and the connections given or opened from
 * the profile. Several events may go through it (duplicates, ordering); `runFlow` is one event.
 */
export async function flowHarness(flowInput: Flow | string, options: FlowHarnessOptions = {}): Promise<FlowHarness> {
  const impl = await implementations();
  const registry: Map<string, NodeDefinition | TriggerDefinition | NodeSpec> = new Map(impl.nodes);
  for (const def of options.nodes ?? []) registry.set(`${def.type}@${def.version}`, def);
  const profile = loadCheckedProfile(options.profile);
  const flow = loadCheckedFlow(flowInput, options.validate ?? true, options.nodes ?? []);
  const log = options.log ?? options.engine?.log ?? silent;

  const dir = mkdtempSync(join(tmpdir(), 'millrace-test-'));
  const opened: Array<{ def: ConnectionDefinition; client: unknown }> = [];
  let sandbox: OpenedSandbox | undefined;
  let store: SqliteStore | undefined;
  try {
    const connections = await openConnections(flow, profile, options, impl.connections, opened, log);
    sandbox = openSandbox(options.sandbox, options.sandboxLimits);
    store = new SqliteStore(join(dir, 'millrace.db'));
    const plan = compilePlan(flow, {
      nodes: registry,
      connections,
      params: profile.params ?? {},
      plant: profile.plant,
    });
    const engine = new Engine({ pollMs: 10, ...options.engine, log, store, sandbox: sandbox.sandbox });
    engine.deploy(plan);
    await engine.start();
    return harness(engine, store, plan, dir, sandbox, opened);
  } catch (e) {
    await cleanup(undefined, store, sandbox, opened, dir);
    throw e;
  }
}

async function openConnections(
  flow: Flow,
  profile: PlantProfile,
  options: FlowHarnessOptions,
  types: ReadonlyMap<string, ConnectionDefinition>,
  opened: Array<{ def: ConnectionDefinition; client: unknown }>,
  log: Logger,
): Promise<Record<string, unknown>> {
  const given = options.connections ?? {};
  const secrets: SecretResolver = options.secrets ? { get: (name) => options.secrets![name] } : environmentSecrets;
  const connections: Record<string, unknown> = { ...given };
  for (const slot of Object.keys(flow.connections ?? {})) {
    if (slot in given) continue;
    const binding = profile.connections?.[slot];
    if (!binding) {
      throw new ConfigError(
        'CONNECTION_UNBOUND',
        `flow ${flow.id} uses connection slot "${slot}": give a client in options.connections or bind it in the profile`,
      );
    }
    const def = types.get(binding.type);
    if (!def) {
      throw new ConfigError(
        'CONNECTION_TYPE_NOT_IMPLEMENTED',
        `connection type "${binding.type}" has no run-time side under flow-nodes/connections; pass a client in options.connections`,
      );
    }
    const { type: _type, ...fields } = binding;
    const resolved = resolveSecrets(fields, secrets, `plant ${profile.plant} connection "${slot}"`);
    const client = await def.open(resolved as never, { log });
    opened.push({ def, client });
    connections[slot] = client;
  }
  return connections;
}

function harness(
  engine: Engine,
  store: SqliteStore,
  plan: FlowPlan,
  dir: string,
  sandbox: OpenedSandbox,
  opened: Array<{ def: ConnectionDefinition; client: unknown }>,
): FlowHarness {
  // Runs end inside the engine; remember every end so a waiter that comes late still sees it.
  const ended = new Map<number, RunStatus>();
  const waiters = new Map<number, Array<(s: RunStatus) => void>>();
  engine.onTransition((t) => {
    if (t.kind !== 'run') return;
    // A replayed run is running again: its earlier end no longer answers waitForEnd.
    if (!isTerminal(t.status)) {
      ended.delete(t.runId);
      return;
    }
    ended.set(t.runId, t.status);
    for (const w of waiters.get(t.runId) ?? []) w(t.status);
    waiters.delete(t.runId);
  });
  let closed = false;

  const trace = async (runId: number) => {
    const t = await buildTrace(store, runId, plan);
    if (!t) throw new Error(`run ${runId} does not exist`);
    return t;
  };

  const waitForEnd = async (runId: number, timeoutMs = 10_000): Promise<RunStatus> => {
    const known = ended.get(runId) ?? (await store.getRun(runId))?.status;
    if (known !== undefined && isTerminal(known)) return known;
    const status = await new Promise<RunStatus | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), timeoutMs);
      // The store is the truth; polling it covers an end the transition stream did not report.
      const poll = setInterval(() => {
        void store.getRun(runId).then(
          (r) => r && isTerminal(r.status) && finish(r.status),
          () => undefined,
        );
      }, 50);
      const finish = (s: RunStatus | 'timeout') => {
        clearTimeout(timer);
        clearInterval(poll);
        resolve(s);
      };
      waiters.set(runId, [...(waiters.get(runId) ?? []), finish]);
    });
    if (status === 'timeout') throw new RunTimeoutError(await trace(runId), timeoutMs);
    return status;
  };

  return {
    engine,
    store,
    plan,
    dir,
    trace,
    waitForEnd,
    async run(event = {}) {
      const timeoutMs = event.timeoutMs ?? 10_000;
      const syncReplyMs = syncWebhookTimeout(plan, event.triggerNodeId);
      const accepted = await engine.accept(
        plan.id,
        {
          payloadText: event.inputText ?? JSON.stringify(event.input ?? null),
          headersText: event.headers ? JSON.stringify(event.headers) : null,
        },
        {
          ...(event.triggerNodeId === undefined ? {} : { triggerNodeId: event.triggerNodeId }),
          ...(syncReplyMs === undefined ? {} : { replyTimeoutMs: Math.min(syncReplyMs, timeoutMs) }),
        },
      );
      for (const s of event.signals ?? []) await engine.signal(s.channel, s.key, s.payloadText);
      await waitForEnd(accepted.runId, timeoutMs);
      const outcome = accepted.reply ? await accepted.reply : undefined;
      return {
        runId: accepted.runId,
        duplicate: accepted.duplicate,
        ...(outcome?.kind === 'reply' ? { reply: outcome.reply } : {}),
        trace: await trace(accepted.runId),
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await cleanup(engine, store, sandbox, opened, dir);
    },
  };
}

/** A sync webhook trigger waits for a `respond` node: the run is accepted the way it would be. */
function syncWebhookTimeout(plan: FlowPlan, triggerNodeId: string | undefined): number | undefined {
  const trigger = [...plan.nodes.values()].find((n) =>
    triggerNodeId === undefined ? n.isTrigger : n.id === triggerNodeId,
  );
  const config = trigger?.node.config as { mode?: string; syncTimeoutMs?: number } | undefined;
  if (trigger?.node.type !== 'trigger.webhook' || config?.mode !== 'sync') return undefined;
  return config.syncTimeoutMs ?? 30_000;
}

async function cleanup(
  engine: Engine | undefined,
  store: SqliteStore | undefined,
  sandbox: OpenedSandbox | undefined,
  opened: Array<{ def: ConnectionDefinition; client: unknown }>,
  dir: string,
): Promise<void> {
  try {
    await engine?.stop({ drainMs: 1000 });
    for (const { def, client } of opened) await def.close?.(client).catch(() => undefined);
    await sandbox?.release();
    await store?.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs one event through a flow on a real engine and returns the run trace once the run has
 * ended. Throws RunTimeoutError (with the trace so far) when it does not end in `timeoutMs`.
 */
export async function runFlow(flow: Flow | string, options: FlowHarnessOptions & RunEvent = {}): Promise<RunTrace> {
  const h = await flowHarness(flow, options);
  try {
    return (await h.run(options)).trace;
  } finally {
    await h.close();
  }
}
