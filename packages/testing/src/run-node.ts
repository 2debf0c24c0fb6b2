import { scopeText } from '@millrace/engine';
import {
  inputMessage,
  payloadTextOf,
  toFlowError,
  type Headers,
  type Logger,
  type NodeDefinition,
  type NodeResult,
  type NodeState,
  type Reply,
  type Resume,
  type RunContext,
} from '@millrace/node-sdk';
import { bindCodeRunner, type SandboxLimits } from '@millrace/sandbox';
import { getAtPointer } from '@millrace/schema';
import { checkConfig } from './config.ts';
import { nodeImplementation } from './implementations.ts';
import { memoryNodeState } from './node-state.ts';
import { openSandbox, type SandboxChoice } from './sandbox.ts';

export interface RunNodeOptions {
  /** Checked against the node's config schema before the node runs. */
  readonly config: unknown;
  /** The input payload as a value… @default null */
  readonly payload?: unknown;
  /** …or as the exact JSON text a node would receive (wins over `payload`). */
  readonly payloadText?: string;
  readonly headers?: Headers;
  /** The open client of the bound connection (e.g. an HttpClient pointed at recordedHttp). */
  readonly connection?: unknown;
  /** The flow's params as the plant profile gives them. @default {} */
  readonly params?: Record<string, unknown>;
  /** @default 1 */
  readonly attempt?: number;
  /** @default 'mr-1-node-1', shaped like the engine's keys */
  readonly idempotencyKey?: string;
  /** Where user code runs. @default 'isolated-vm' */
  readonly sandbox?: SandboxChoice;
  readonly sandboxLimits?: Partial<SandboxLimits>;
  /** Run the node as a waiting step that woke up (a signal arrived, or its timeout). */
  readonly resume?: Resume;
  /** Durable node state; pass the same one to several calls to test dedupe windows. @default a fresh one */
  readonly state?: NodeState;
  readonly signal?: AbortSignal;
  /** Whether a sync-webhook caller waits for `reply()`; reply() returns this. @default true */
  readonly callerWaiting?: boolean;
  readonly now?: () => Date;
  /** The node's id in the flow, as `ctx.node.id`. @default 'node-1' */
  readonly nodeId?: string;
}

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

export interface EmittedMessage {
  readonly payload: unknown;
  readonly payloadText: string;
  readonly headers: Headers;
}

export interface SentSignal {
  readonly channel: string;
  readonly key: string;
  readonly payloadText: string;
}

export interface RunNodeResult {
  /** Exactly what `run` returned. */
  readonly result: NodeResult;
  /** The emitted messages by port, payloads parsed; empty unless `result.kind` is `emit`. */
  readonly ports: Readonly<Record<string, readonly EmittedMessage[]>>;
  /** Every `ctx.reply()`, in order. */
  readonly replies: readonly Reply[];
  /** Every `ctx.sendSignal()`, in order. */
  readonly signals: readonly SentSignal[];
  readonly logs: readonly LogEntry[];
}

/**
 * Runs one node once, as the engine would run one step: the config is checked against the
 * node's schema first, user code (expressions, mapping code) runs in a real sandbox, and the
 * node's failure is thrown as the FlowError the engine would journal. What the node emitted is
 * checked too: every port must be one the node declares, every payload JSON.
 *
 * `def` is a node implementation (`import { node } from './run.ts'`) or a type id looked up
 * under flow-nodes/ (`'map'`, `'route@1'`).
 */
export async function runNode(def: NodeDefinition | string, options: RunNodeOptions): Promise<RunNodeResult> {
  const node = typeof def === 'string' ? await nodeImplementation(def) : def;
  checkConfig(node, options.config);
  const payloadText = options.payloadText ?? JSON.stringify(options.payload ?? null);
  const headers = options.headers ?? {};
  const params = options.params ?? {};
  const logs: LogEntry[] = [];
  const replies: Reply[] = [];
  const signals: SentSignal[] = [];
  const log = (level: LogEntry['level']) => (message: string, fields?: Record<string, unknown>) => {
    logs.push(fields === undefined ? { level, message } : { level, message, fields });
  };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const { sandbox, release } = openSandbox(options.sandbox, options.sandboxLimits);
  const scope = scopeText(payloadText, JSON.stringify(headers), JSON.stringify(params));
  const ctx: RunContext = {
    config: options.config,
    message: inputMessage(payloadText, headers),
    connection: options.connection,
    params,
    signal: options.signal ?? new AbortController().signal,
    attempt: options.attempt ?? 1,
    idempotencyKey: options.idempotencyKey ?? 'mr-1-node-1',
    run: { id: '1', flowId: 'test-flow', flowVersion: '1.0.0' },
    node: { id: options.nodeId ?? 'node-1', type: node.type },
    log: logger,
    code: bindCodeRunner(sandbox, scope),
    state: options.state ?? memoryNodeState(options.now),
    reply(reply) {
      replies.push(reply);
      return options.callerWaiting ?? true;
    },
    ...(options.resume ? { resume: options.resume } : {}),
    sendSignal(channel, key, text) {
      signals.push({ channel, key, payloadText: text });
      return Promise.resolve(0);
    },
    now: options.now ?? (() => new Date()),
  };
  let result: NodeResult;
  try {
    result = await node.run(ctx as never);
  } catch (thrown) {
    // Exactly what the engine would record: FlowErrors as they are, anything else normalized.
    throw toFlowError(thrown);
  } finally {
    await release();
  }
  return { result, ports: emittedPorts(node, options.config, result), replies, signals, logs };
}

/** The emitted messages by port, refusing undeclared ports and payloads that are not JSON. */
function emittedPorts(
  node: NodeDefinition,
  config: unknown,
  result: NodeResult,
): Record<string, readonly EmittedMessage[]> {
  if (result.kind !== 'emit') return {};
  const declared = new Set(node.outputs.map((p) => p.id));
  const dyn = node.dynamicOutputs;
  if (dyn) {
    const items = getAtPointer(config, dyn.configPointer);
    if (Array.isArray(items))
      for (const item of items) declared.add(String((item as Record<string, unknown>)[dyn.portField]));
  }
  const ports: Record<string, EmittedMessage[]> = {};
  for (const out of result.outputs) {
    if (!declared.has(out.port)) {
      throw new Error(
        `${node.type} emitted on port "${out.port}", which it does not declare (declared: ${[...declared].join(', ')})`,
      );
    }
    for (const m of out.messages) {
      const text = payloadTextOf(m);
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch {
        throw new Error(`${node.type} emitted a payload on "${out.port}" that is not JSON: ${text.slice(0, 200)}`);
      }
      (ports[out.port] ??= []).push({ payload, payloadText: text, headers: m.headers ?? {} });
    }
  }
  return ports;
}
