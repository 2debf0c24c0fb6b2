import {
  inputMessage,
  type CodeRunner,
  type InputMessage,
  type Logger,
  type NodeState,
  type Reply,
  type Resume,
  type RunContext,
} from '@millrace/node-sdk';
import type { ClaimedStep, Store } from './store.ts';
import type { FlowPlan, PlanNode } from './plan.ts';
import { stepIdempotencyKey } from './keys.ts';

/** What the engine lends a step's context. */
export interface ContextServices {
  readonly store: Store;
  readonly sandbox: SandboxPort;
  readonly log: Logger;
  now(): number;
  reply(runId: number, reply: Reply): boolean;
  /** Delivers a signal to waiting steps; resolves with how many it woke, once durable. */
  signal(channel: string, key: string, payloadText: string): Promise<number>;
}

/** The part of the sandbox the engine uses (implemented by @millrace/sandbox). */
export interface SandboxPort {
  runFunction(source: string, scopeJson: string): Promise<string>;
  evaluate(expressions: readonly string[], scopeJson: string): Promise<string>;
  /** runFunction, then expressions on its result (scope prefix + result + suffix); values null when they failed. */
  runFunctionThen?(
    source: string,
    scopeJson: string,
    then: { readonly expressions: readonly string[]; readonly prefix: string; readonly suffix: string },
  ): Promise<{ readonly output: string; readonly values: string | null }>;
}

/** Values of the next node's input expressions, evaluated in the sandbox call of the node before it. */
export interface Prefetched {
  readonly expressions: readonly string[];
  /** The scope they were evaluated on: this payload and these headers (params are the plan's). */
  readonly payloadText: string;
  readonly headersText: string | null;
  readonly values: string;
}

/** Prefetched values handed to a chained step, kept beside it (the step type stays the store's). */
const handedOn = new WeakMap<ClaimedStep, Prefetched>();

export function handOn(step: ClaimedStep, prefetched: Prefetched): void {
  handedOn.set(step, prefetched);
}

const SCOPE_PREFIX = '{"msg":{"payload":';

function scopeSuffix(headersText: string | null, paramsText: string): string {
  return `,"headers":${headersText ?? '{}'}},"params":${paramsText}}`;
}

/**
 * The sandbox scope `{ msg, params }` as JSON text, spliced from texts we already hold: the
 * payload is never parsed and re-stringified on its way into the isolate.
 */
export function scopeText(payloadText: string, headersText: string | null, paramsText: string): string {
  return SCOPE_PREFIX + payloadText + scopeSuffix(headersText, paramsText);
}

/**
 * A step's RunContext. A class with lazy getters rather than an object literal of closures:
 * it is built for every step on the hot path, and most nodes read only a few fields.
 */
class StepContext implements RunContext {
  private messageValue: InputMessage | undefined;
  private codeValue: CodeRunner | undefined;
  private stateValue: NodeState | undefined;
  private scope: string | undefined;
  /** Set when this step's code call also evaluated the next node's input expressions. */
  prefetched: Prefetched | undefined;

  constructor(
    private readonly step: ClaimedStep,
    private readonly plan: FlowPlan,
    private readonly planNode: PlanNode,
    readonly attempt: number,
    readonly signal: AbortSignal,
    private readonly services: ContextServices,
  ) {}

  get config(): unknown {
    return this.planNode.node.config;
  }
  get connection(): unknown {
    return this.planNode.connection;
  }
  get params(): Readonly<Record<string, unknown>> {
    return this.plan.params;
  }
  get log(): Logger {
    return this.services.log;
  }
  /** The input headers object, if a node read the message (lets the engine see pass-through headers). */
  get parsedHeaders(): unknown {
    return this.messageValue?.headers;
  }
  get message(): InputMessage {
    const h = this.step.headersText;
    return (this.messageValue ??= inputMessage(
      this.step.payloadText,
      h === null ? EMPTY : (JSON.parse(h) as Record<string, string>),
      this.step.parsedPayload,
    ));
  }
  get idempotencyKey(): string {
    return stepIdempotencyKey(this.step.runId, this.step.key);
  }
  get run(): RunContext['run'] {
    const p = this.plan;
    return {
      id: String(this.step.runId),
      flowId: p.id,
      flowVersion: p.version,
      ...(p.plant ? { plant: p.plant } : {}),
    };
  }
  get node(): RunContext['node'] {
    return { id: this.planNode.id, type: this.planNode.node.type };
  }
  get code(): CodeRunner {
    return (this.codeValue ??= new StepCode(this.services.sandbox, this));
  }
  /** The expressions of the node after this one, to evaluate with this step's code (see PlanNode.lookahead). */
  get lookahead(): PlanNode['lookahead'] {
    return this.planNode.lookahead;
  }
  /** The next node's scope around this step's result: prefix + result + suffix. */
  nextScope(expressions: readonly string[]): { expressions: readonly string[]; prefix: string; suffix: string } {
    return { expressions, prefix: SCOPE_PREFIX, suffix: scopeSuffix(this.step.headersText, this.plan.paramsText) };
  }
  /** Values of `expressions` on this step's input, when the step before evaluated them already. */
  prefetchedFor(expressions: readonly string[]): string | undefined {
    const p = handedOn.get(this.step);
    if (!p || p.payloadText !== this.step.payloadText || p.headersText !== this.step.headersText) return undefined;
    return sameList(p.expressions, expressions) ? p.values : undefined;
  }
  /** Called with this step's result and the values of the next node's expressions on it. */
  keepPrefetched(expressions: readonly string[], payloadText: string, values: string): void {
    this.prefetched = { expressions, payloadText, headersText: this.step.headersText, values };
  }
  /** The sandbox scope of this step, spliced once from the texts the step holds. */
  scopeText(): string {
    return (this.scope ??= scopeText(this.step.payloadText, this.step.headersText, this.plan.paramsText));
  }
  get state(): NodeState {
    return (this.stateValue ??= createNodeState(
      this.services.store,
      `${this.plan.id}/${this.planNode.id}`,
      this.services.now,
    ));
  }
  reply(r: Reply): boolean {
    return this.services.reply(this.step.runId, r);
  }
  get resume(): Resume | undefined {
    const text = this.step.resumeText;
    if (!text) return undefined;
    const r = JSON.parse(text) as { kind: 'signal'; payload: unknown } | { kind: 'timeout' };
    // The payload's own text, for nodes that pass it on without parsing (signals are JSON objects or values).
    return r.kind === 'timeout' ? r : { kind: 'signal', payload: r.payload, payloadText: JSON.stringify(r.payload) };
  }
  sendSignal(channel: string, key: string, payloadText: string): Promise<number> {
    return this.services.signal(channel, key, payloadText);
  }
  now(): Date {
    return new Date(this.services.now());
  }
}

/** A step's CodeRunner: methods on a class, not closures made (and named) for every step. */
class StepCode implements CodeRunner {
  constructor(
    private readonly sandbox: SandboxPort,
    private readonly context: StepContext,
  ) {}
  run(source: string): Promise<string> {
    const lookahead = this.context.lookahead;
    if (lookahead && this.sandbox.runFunctionThen) return this.runThen(source, lookahead.expressions);
    return this.sandbox.runFunction(source, this.context.scopeText());
  }
  evaluate(expressions: readonly string[]): Promise<string> {
    const prefetched = this.context.prefetchedFor(expressions);
    if (prefetched !== undefined) return Promise.resolve(prefetched);
    return this.sandbox.evaluate(expressions, this.context.scopeText());
  }
  /** The code and the next node's conditions in one sandbox call (the result is handed on by the runner). */
  private async runThen(source: string, expressions: readonly string[]): Promise<string> {
    const then = this.context.nextScope(expressions);
    const { output, values } = await this.sandbox.runFunctionThen!(source, this.context.scopeText(), then);
    if (values !== null) this.context.keepPrefetched(expressions, output, values);
    return output;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});

/** Durable key-value state of one node of one flow (dedupe windows, watermarks), as JSON in the store. */
export function createNodeState(store: Store, scope: string, now: () => number): NodeState {
  return {
    get: async (key) => {
      const text = await store.stateGet(scope, key, now());
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    },
    put: (key, value, options) =>
      store.statePut(scope, key, JSON.stringify(value), options?.ttlMs === undefined ? null : now() + options.ttlMs),
    claim: async (key, value, options) => {
      const text = JSON.stringify(value);
      const held = await store.stateClaim(
        scope,
        key,
        text,
        options?.ttlMs === undefined ? null : now() + options.ttlMs,
        now(),
      );
      return { claimed: held === text, value: JSON.parse(held) as unknown };
    },
    delete: (key) => store.stateDelete(scope, key),
  };
}

export function buildContext(
  step: ClaimedStep,
  plan: FlowPlan,
  node: PlanNode,
  attempt: number,
  signal: AbortSignal,
  services: ContextServices,
): RunContext & { readonly parsedHeaders: unknown; readonly prefetched: Prefetched | undefined } {
  return new StepContext(step, plan, node, attempt, signal, services);
}
