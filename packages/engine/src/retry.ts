import type { RetryPolicy } from '@millrace/flow-model';
import type { SerializedError } from '@millrace/node-sdk';

/** A retry policy with every default filled in. */
export interface ResolvedRetryPolicy {
  readonly maxAttempts: number;
  readonly initialMs: number;
  readonly multiplier: number;
  readonly maxMs: number;
  readonly jitter: boolean;
  readonly nonRetryableCodes: readonly string[];
  /** Wait at least what `Retry-After` asks for. @default true */
  readonly honorRetryAfter: boolean;
  /** A `Retry-After` longer than this is capped, so one remote cannot park a step for days. @default 3_600_000 */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: ResolvedRetryPolicy = {
  maxAttempts: 5,
  initialMs: 500,
  multiplier: 2,
  maxMs: 60_000,
  jitter: true,
  nonRetryableCodes: [],
  honorRetryAfter: true,
  maxRetryAfterMs: 3_600_000,
};

/** Later layers override earlier ones field by field: defaults ← flow ← retry node / node. */
export type RetryLayer = { readonly [K in keyof ResolvedRetryPolicy]?: ResolvedRetryPolicy[K] } | RetryPolicy;

export function resolveRetryPolicy(...layers: ReadonlyArray<RetryLayer | undefined>): ResolvedRetryPolicy {
  let out: ResolvedRetryPolicy = DEFAULT_RETRY;
  for (const layer of layers) {
    if (!layer) continue;
    out = {
      ...out,
      ...Object.fromEntries(Object.entries(layer).filter(([, v]) => v !== undefined)),
    } as ResolvedRetryPolicy;
  }
  return out;
}

export type RetryDecision =
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'give-up'; readonly reason: 'not-retryable' | 'exhausted' };

/**
 * Whether and when to try a failed step again. Pure: the caller supplies the random number
 * (0 ≤ random < 1) so tests are deterministic.
 *
 * `attempt` is the attempt that just failed (1-based). Delay before attempt n+1 is
 * initialMs·multiplier^(n−1), capped at maxMs; with jitter, a uniformly random value between
 * half of that and all of it ("equal jitter": never retries at once, spreads a thundering herd).
 * A `Retry-After` from the remote raises the delay to at least that (capped at maxRetryAfterMs).
 */
export function decideRetry(
  error: Pick<SerializedError, 'retryable' | 'code' | 'retryAfterMs'>,
  attempt: number,
  policy: ResolvedRetryPolicy,
  random: number,
): RetryDecision {
  if (!error.retryable || policy.nonRetryableCodes.includes(error.code))
    return { kind: 'give-up', reason: 'not-retryable' };
  if (attempt >= policy.maxAttempts) return { kind: 'give-up', reason: 'exhausted' };
  const exponential = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** (attempt - 1));
  let delay = policy.jitter ? exponential / 2 + (exponential / 2) * random : exponential;
  if (policy.honorRetryAfter && error.retryAfterMs !== undefined && error.retryAfterMs > 0) {
    delay = Math.max(delay, Math.min(error.retryAfterMs, policy.maxRetryAfterMs));
  }
  return { kind: 'retry', delayMs: Math.round(delay) };
}
