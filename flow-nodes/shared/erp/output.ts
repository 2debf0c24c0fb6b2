import type { RunContext } from '@millrace/node-sdk';
import type { CallOptions } from './types.ts';

/** What the ERP business nodes share about running a step: call options and the output shape. */

export function stepCall(ctx: RunContext<unknown, unknown, unknown>, timeoutMs: number | undefined): CallOptions {
  return {
    signal: ctx.signal,
    now: () => ctx.now(),
    idempotencyKey: ctx.idempotencyKey,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
}

/**
 * The input payload with the result under `key`. A payload that is not an object (null, a list,
 * a string) has no fields to keep, so the result stands alone under its key.
 */
export function merged(payload: unknown, key: string, result: unknown): Record<string, unknown> {
  const base = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload : {};
  return { ...(base as Record<string, unknown>), [key]: result };
}
