import {
  inputMessage,
  type CodeRunner,
  type Logger,
  type NodeState,
  type Reply,
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
}

/** The part of the sandbox the engine uses (implemented by @millrace/sandbox). */
export interface SandboxPort {
  runFunction(source: string, scopeJson: string): Promise<string>;
  evaluate(expressions: readonly string[], scopeJson: string): Promise<string>;
}

/**
 * The sandbox scope `{ msg, params }` as JSON text, spliced from texts we already hold: the
 * payload is never parsed and re-stringified on its way into the isolate.
 */
export function scopeText(payloadText: string, headersText: string | null, paramsText: string): string {
  return `{"msg":{"payload":${payloadText},"headers":${headersText ?? '{}'}},"params":${paramsText}}`;
}

export function buildContext(
  step: ClaimedStep,
  plan: FlowPlan,
  node: PlanNode,
  attempt: number,
  signal: AbortSignal,
  services: ContextServices,
): RunContext {
  let scope: string | undefined;
  const getScope = () => (scope ??= scopeText(step.payloadText, step.headersText, plan.paramsText));
  const code: CodeRunner = {
    run: (source) => services.sandbox.runFunction(source, getScope()),
    evaluate: (expressions) => services.sandbox.evaluate(expressions, getScope()),
  };
  const stateScope = `${plan.id}/${node.id}`;
  const state: NodeState = {
    get: async (key) => {
      const text = await services.store.stateGet(stateScope, key, services.now());
      return text === undefined ? undefined : (JSON.parse(text) as unknown);
    },
    put: (key, value, options) =>
      services.store.statePut(
        stateScope,
        key,
        JSON.stringify(value),
        options?.ttlMs === undefined ? null : services.now() + options.ttlMs,
      ),
    delete: (key) => services.store.stateDelete(stateScope, key),
  };
  return {
    config: node.node.config,
    message: inputMessage(
      step.payloadText,
      step.headersText === null ? {} : (JSON.parse(step.headersText) as Record<string, string>),
    ),
    connection: node.connection,
    params: plan.params,
    signal,
    attempt,
    idempotencyKey: stepIdempotencyKey(step.runId, step.key),
    run: {
      id: String(step.runId),
      flowId: plan.id,
      flowVersion: plan.version,
      ...(plan.plant ? { plant: plan.plant } : {}),
    },
    node: { id: node.id, type: node.node.type },
    log: services.log,
    code,
    state,
    reply: (r) => services.reply(step.runId, r),
    now: () => new Date(services.now()),
  };
}
