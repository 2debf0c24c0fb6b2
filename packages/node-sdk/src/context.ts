import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { Headers, InputMessage, OutMessage } from './message.ts';
import type { SerializedError } from './errors.ts';
import type { ConnectionSpec, NodeSpec } from './spec.ts';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Runs user code in the sandbox, with the step's `msg` and `params` in scope. Nodes never
 * evaluate code in the host: this is the only way in. Results come back as JSON text.
 * Failures reject with a SandboxError (timeout, memory, threw).
 */
export interface CodeRunner {
  /** Runs a function body (`return …`); resolves to the JSON text of what it returns. */
  run(source: string): Promise<string>;
  /** Evaluates expressions; resolves to the JSON text of the array of their values. */
  evaluate(expressions: readonly string[]): Promise<string>;
}

/** Small durable key-value state of one node in one flow (dedupe windows, watermarks). */
export interface NodeState {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>;
  /**
   * Stores the value only if the key is absent (or expired), atomically; resolves with what the
   * key holds afterwards and whether this call stored it. The base of windows like dedupe.
   */
  claim(
    key: string,
    value: unknown,
    options?: { ttlMs?: number },
  ): Promise<{ readonly claimed: boolean; readonly value: unknown }>;
  delete(key: string): Promise<void>;
}

/** An answer for the caller of a sync webhook. */
export interface Reply {
  readonly status: number;
  readonly headers?: Headers;
  /** JSON text, or undefined for no body. */
  readonly bodyText?: string;
}

/** What a node's `run` sees. It sees nothing of the engine beyond this. */
export interface RunContext<C = unknown, I = unknown, K = unknown> {
  readonly config: C;
  readonly message: InputMessage<I>;
  /** The open client of the bound connection, or undefined when the node has none. */
  readonly connection: K;
  readonly params: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
  /** 1-based. */
  readonly attempt: number;
  /** Stable across attempts and replays of this step: send it as `Idempotency-Key`. */
  readonly idempotencyKey: string;
  readonly run: { readonly id: string; readonly flowId: string; readonly flowVersion: string; readonly plant?: string };
  readonly node: { readonly id: string; readonly type: string };
  readonly log: Logger;
  readonly code: CodeRunner;
  readonly state: NodeState;
  /** Answers a waiting sync-webhook caller; false when nobody waits (async trigger, replay). */
  reply(reply: Reply): boolean;
  /** Set when a step that returned `wait` runs again: the signal it got, or its timeout. */
  readonly resume?: Resume;
  /**
   * Delivers a signal to the steps waiting on `channel` with `key` (in any run of any flow);
   * when none waits yet, it is kept for a while for the step that will. Resolves once durable,
   * with the number of steps it woke.
   */
  sendSignal(channel: string, key: string, payloadText: string): Promise<number>;
  now(): Date;
}

export interface PortOutput {
  readonly port: string;
  readonly messages: readonly OutMessage[];
}

/** What `run` returns. Errors are thrown as FlowErrors, not returned. */
export type NodeResult =
  | { readonly kind: 'emit'; readonly outputs: readonly PortOutput[] }
  | { readonly kind: 'drop'; readonly reason: string }
  /**
   * Parks the run in the dead-letter inbox (the `dead-letter` node). A replay resumes at the node
   * that sent the message here, or at `resumeAt`, a node upstream of it on the run's path.
   */
  | {
      readonly kind: 'park';
      readonly reason: string;
      readonly code?: string;
      readonly details?: unknown;
      readonly resumeAt?: string;
    }
  /**
   * Waits, durably and for as long as it takes, for a signal on `channel` with this `key` (or
   * until `timeoutMs`). The node then runs again with `ctx.resume` set and decides its output.
   */
  | { readonly kind: 'wait'; readonly channel: string; readonly key: string; readonly timeoutMs?: number };

/** Why a waiting step runs again. */
export type Resume =
  { readonly kind: 'signal'; readonly payloadText: string; readonly payload: unknown } | { readonly kind: 'timeout' };

/** One message out of one port. */
export function emit(port: string, payload: unknown, headers?: Headers): NodeResult {
  return { kind: 'emit', outputs: [{ port, messages: [headers ? { payload, headers } : { payload }] }] };
}

/** One message out of one port, from JSON text the node already has. */
export function emitText(port: string, payloadText: string, headers?: Headers): NodeResult {
  return { kind: 'emit', outputs: [{ port, messages: [headers ? { payloadText, headers } : { payloadText }] }] };
}

export function drop(reason: string): NodeResult {
  return { kind: 'drop', reason };
}

export interface NodeDefinition<C extends TSchema = TSchema, I extends TSchema = TSchema, K = unknown> extends NodeSpec<
  C,
  I
> {
  run(ctx: RunContext<Static<C>, Static<I>, K>): Promise<NodeResult>;
  /**
   * The expressions `run` evaluates on its input message, as the one list it hands to
   * `ctx.code.evaluate` (for one config, always the same list). When the node before this one is
   * pure and runs code, the engine evaluates them in that node's sandbox call and `evaluate`
   * answers from it: one crossing into the sandbox instead of two, the same values.
   */
  inputExpressions?(config: Static<C>): readonly string[];
}

/** A node type: its spec plus one `run` function. Lives in `flow-nodes/<type>/run.ts`. */
export function defineNode<C extends TSchema, I extends TSchema, K = unknown>(
  def: NodeDefinition<C, I, K>,
): NodeDefinition<C, I, K> {
  return def;
}

/** What a trigger hands the engine for each event it receives. */
export interface TriggerEvent {
  readonly payloadText: string;
  readonly headers?: Headers;
  /** A key the source gives the event (MQTT message id, webhook delivery id), if any. */
  readonly sourceKey?: string;
}

export interface TriggerContext<C = unknown, K = unknown> {
  readonly config: C;
  readonly connection: K;
  readonly params: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly state: NodeState;
  /**
   * Hands an event to the engine. Resolves once the event is durable, with the run id (or the
   * id of the existing run when the idempotency key repeats). Acknowledge the source only then.
   */
  accept(event: TriggerEvent): Promise<{ readonly runId: string; readonly duplicate: boolean }>;
  /** Rejects an event that cannot start a run, with the reason; nothing is written. */
  reject(event: TriggerEvent, error: SerializedError): Promise<void>;
}

export interface TriggerDefinition<C extends TSchema = TSchema, K = unknown> extends NodeSpec<C, TSchema> {
  /** Starts listening. The returned function stops; it resolves when nothing is in flight. */
  start(ctx: TriggerContext<Static<C>, K>): Promise<() => Promise<void>>;
}

export function defineTrigger<C extends TSchema, K = unknown>(def: TriggerDefinition<C, K>): TriggerDefinition<C, K> {
  if (def.category !== 'trigger') throw new Error(`trigger "${def.type}" must have category "trigger"`);
  return def;
}

export type ConnectionTestResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** A binding with every `{ "secret": "NAME" }` replaced by the secret's value. */
export type Resolved<T> = T extends { secret: string }
  ? string
  : T extends readonly (infer U)[]
    ? Resolved<U>[]
    : T extends object
      ? { [K in keyof T]: Resolved<T[K]> }
      : T;

export interface ConnectionContext {
  readonly log: Logger;
  readonly signal?: AbortSignal;
}

/**
 * A connection type with its run-time side: `open` turns a plant's binding (secrets resolved)
 * into a long-lived client (pools, token caches) that nodes get as `ctx.connection`.
 */
export interface ConnectionDefinition<S extends TObject = TObject, Client = unknown> extends ConnectionSpec<S> {
  open(binding: Resolved<Static<S>>, ctx: ConnectionContext): Client | Promise<Client>;
  close?(client: Client): Promise<void>;
  /** Checks the binding against the real endpoint, for the designer's "Test connection". */
  test(binding: Resolved<Static<S>>, ctx: ConnectionContext): Promise<ConnectionTestResult>;
}

export function defineConnection<S extends TObject, Client>(
  def: ConnectionDefinition<S, Client>,
): ConnectionDefinition<S, Client> {
  return def;
}
