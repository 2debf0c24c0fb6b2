import { InternalError } from '@millrace/node-sdk';

export interface SandboxLimits {
  /** Wall time one call may run. Exceeding it gives SANDBOX_TIMEOUT (retryable). */
  timeoutMs: number;
  /** Heap of the isolate the call runs in (isolated-vm only; at least 8). */
  memoryMb: number;
  /** UTF-8 size of the returned JSON text. */
  maxOutputBytes: number;
}

export interface SandboxStats {
  /** Live isolates (the in-process sandbox reports its one context). */
  isolates: number;
  /** Compilations so far (each distinct source once per isolate that ran it). */
  compiled: number;
  calls: number;
  /** Calls that outran the synchronous budget and were re-run asynchronously. */
  fallbacks: number;
  /** Isolates replaced after their memory limit disposed them. */
  recycled: number;
}

/** Expressions to evaluate on a function's result, and how its result becomes their scope. */
export interface ThenEvaluate {
  readonly expressions: readonly string[];
  readonly prefix: string;
  readonly suffix: string;
}

export interface Sandbox {
  /**
   * Runs a function body (user code ending in `return …`) with `msg`, `params` and `helpers` in
   * scope. scopeJson is JSON text of { msg, params } built by the caller by string concatenation
   * (never parsed in the host). Resolves to the JSON text of the returned value (undefined → "null").
   */
  runFunction(source: string, scopeJson: string, limits?: Partial<SandboxLimits>): Promise<string>;
  /** Evaluates several expressions over the same scope in one call; resolves to JSON text of the array of values. */
  evaluate(expressions: readonly string[], scopeJson: string, limits?: Partial<SandboxLimits>): Promise<string>;
  /**
   * runFunction, then `then.expressions` evaluated on its result the way the next node will
   * evaluate them (scope `then.prefix + result + then.suffix`), in one call where the
   * implementation can: a pure node and the conditions of the node after it cross into the
   * sandbox once. `values` is what evaluate would give, or null when evaluating failed in any way
   * (the next node then evaluates them itself and reports its own error). The function's own
   * failures are those of runFunction.
   */
  runFunctionThen(
    source: string,
    scopeJson: string,
    then: ThenEvaluate,
    limits?: Partial<SandboxLimits>,
  ): Promise<{ readonly output: string; readonly values: string | null }>;
  close(): Promise<void>;
  stats(): SandboxStats;
}

export const DEFAULT_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  timeoutMs: 1000,
  memoryMb: 64,
  maxOutputBytes: 1024 * 1024,
});

const MINIMUM: SandboxLimits = { timeoutMs: 1, memoryMb: 8, maxOutputBytes: 16 };

/** Merges limits over a base and checks them; a bad limit is a bug in the caller. */
export function resolveLimits(base: Readonly<SandboxLimits>, override?: Partial<SandboxLimits>): SandboxLimits {
  const limits = { ...base };
  if (override) {
    for (const key of Object.keys(MINIMUM) as (keyof SandboxLimits)[]) {
      const value = override[key];
      if (value === undefined) continue;
      if (!Number.isFinite(value) || value < MINIMUM[key]) {
        throw new InternalError(
          'SANDBOX_BAD_LIMIT',
          `The sandbox limit ${key} must be a number of at least ${MINIMUM[key]}.`,
          {
            details: { [key]: value },
          },
        );
      }
      limits[key] = value;
    }
  }
  return limits;
}

/** `{"msg":…,"params":…}` from JSON texts the caller already has, without parsing them. */
export function scopeJson(msgJson: string, paramsJson = '{}'): string {
  return '{"msg":' + msgJson + ',"params":' + paramsJson + '}';
}
