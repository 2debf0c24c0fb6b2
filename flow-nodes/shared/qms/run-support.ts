import type { Headers, RunContext } from '@millrace/node-sdk';
import type { CallOptions, Created } from './types.ts';

/** Small pieces every QMS node's run uses the same way. */

/** Each field's expression: the config's, or the node's default. */
export function withDefaults<K extends string>(
  config: object,
  defaults: Readonly<Record<K, string>>,
): Record<K, string> {
  const given = config as Readonly<Record<string, unknown>>;
  const out = {} as Record<K, string>;
  for (const key of Object.keys(defaults) as K[]) {
    const expression = given[key];
    out[key] = typeof expression === 'string' ? expression : defaults[key];
  }
  return out;
}

export function callOptions(ctx: RunContext<unknown, unknown, unknown>): CallOptions {
  return { idempotencyKey: ctx.idempotencyKey, signal: ctx.signal, now: () => ctx.now(), log: ctx.log };
}

/** Which record the QMS holds and whether this step made it: for routing and the run's trace. */
export function recordHeaders(created: Created<unknown>): Headers {
  return { 'qms-record-id': created.qmsId, 'qms-outcome': created.outcome };
}
