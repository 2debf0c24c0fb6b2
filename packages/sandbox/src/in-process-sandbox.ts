/**
 * A node:vm sandbox with the same prelude, helpers, protocol and errors as the isolated-vm one,
 * for tests of other packages (no native build, no --no-node-snapshot). NOT a security
 * boundary: node:vm shares the host's heap and process, has no memory limit, and a runaway call
 * blocks the host event loop for its whole timeout. Never run untrusted code with it.
 */
import vm from 'node:vm';
import { CancelledError, InternalError } from '@millrace/node-sdk';
import { expressionsKey, remember } from './cache.ts';
import { compileError, envelopeError, timeoutError, unhandledError } from './errors.ts';
import { bootstrapSource, CODE_FILE, prepareExpressions, prepareFunction } from './source.ts';
import type { PreparedSource } from './source.ts';
import { DEFAULT_LIMITS, resolveLimits } from './types.ts';
import type { Sandbox, SandboxLimits, SandboxStats, ThenEvaluate } from './types.ts';

type Runner = (scopeJson: string, maxOutputBytes: number) => string;

interface Entry {
  readonly runner: Runner;
  readonly prepared: PreparedSource;
}

interface PreludeApi {
  prepare(fn: unknown, kind: string, checksJson: string, count: number): Runner;
  arm(runner: Runner, scopeJson: string, maxOutputBytes: number): void;
}

export interface InProcessSandboxOptions {
  limits?: Partial<SandboxLimits>;
}

class InProcessSandbox implements Sandbox {
  private readonly limits: SandboxLimits;
  private readonly context: vm.Context;
  private readonly api: PreludeApi;
  // node:vm applies `timeout` only to a script run, so every call goes through this one script.
  private readonly dispatch = new vm.Script('__millraceDispatch()', { filename: 'millrace-dispatch' });
  private readonly functions = new Map<string, Entry>();
  private readonly expressions = new Map<string, Entry>();
  private readonly counters = { compiled: 0, calls: 0, fallbacks: 0, recycled: 0 };
  private closed = false;

  constructor(options: InProcessSandboxOptions) {
    this.limits = resolveLimits(DEFAULT_LIMITS, options.limits);
    // A null-prototype sandbox object: with a plain {} the context's `this.constructor` would be
    // the host's Object, the classic node:vm way out. This narrows, it does not make a boundary.
    this.context = vm.createContext(Object.create(null) as object, {
      codeGeneration: { wasm: false },
      // Promise jobs run inside each call's timed script run, not later on the host's queue.
      microtaskMode: 'afterEvaluate',
    });
    this.api = vm.runInContext(bootstrapSource(true), this.context, { filename: 'millrace-prelude' }) as PreludeApi;
  }

  async runFunction(source: string, scopeJson: string, limits?: Partial<SandboxLimits>): Promise<string> {
    const lim = this.resolve(limits);
    const entry = this.functions.get(source) ?? this.compile(this.functions, source, prepareFunction(source), lim);
    return this.call(entry, scopeJson, lim);
  }

  async evaluate(expressions: readonly string[], scopeJson: string, limits?: Partial<SandboxLimits>): Promise<string> {
    const lim = this.resolve(limits);
    if (expressions.length === 0) return '[]';
    const key = expressionsKey(expressions);
    const entry =
      this.expressions.get(key) ?? this.compile(this.expressions, key, prepareExpressions(expressions), lim);
    return this.call(entry, scopeJson, lim);
  }

  /** Two calls here: node:vm crossings are cheap, and the result is the same as chained. */
  async runFunctionThen(
    source: string,
    scopeJson: string,
    then: ThenEvaluate,
    limits?: Partial<SandboxLimits>,
  ): Promise<{ output: string; values: string | null }> {
    const output = await this.runFunction(source, scopeJson, limits);
    let values: string | null;
    try {
      values = await this.evaluate(then.expressions, then.prefix + output + then.suffix, limits);
    } catch {
      values = null;
    }
    return { output, values };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.functions.clear();
    this.expressions.clear();
  }

  stats(): SandboxStats {
    return { isolates: this.closed ? 0 : 1, ...this.counters };
  }

  private resolve(limits: Partial<SandboxLimits> | undefined): SandboxLimits {
    if (this.closed) throw new CancelledError('SANDBOX_CLOSED', 'The sandbox is closed.');
    return limits ? resolveLimits(this.limits, limits) : this.limits;
  }

  private compile(cache: Map<string, Entry>, key: string, prepared: PreparedSource, limits: SandboxLimits): Entry {
    let runner: Runner;
    try {
      const script = new vm.Script(prepared.script, { filename: CODE_FILE, lineOffset: -1 });
      const fn: unknown = script.runInContext(this.context, { timeout: limits.timeoutMs });
      runner = this.api.prepare(fn, prepared.kind, JSON.stringify(prepared.checks), prepared.count);
    } catch (e) {
      throw compileError(prepared, e);
    }
    this.counters.compiled++;
    return remember(cache, key, { runner, prepared });
  }

  private call(entry: Entry, scopeJson: string, limits: SandboxLimits): string {
    this.counters.calls++;
    this.api.arm(entry.runner, scopeJson, limits.maxOutputBytes);
    let out: unknown;
    try {
      out = this.dispatch.runInContext(this.context, { timeout: limits.timeoutMs });
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw timeoutError(limits);
      throw unhandledError(e);
    }
    if (typeof out !== 'string') throw new InternalError('SANDBOX_INTERNAL', 'The sandbox returned no result.');
    if (out.charCodeAt(0) === 1) throw envelopeError(out, entry.prepared, limits);
    return out;
  }
}

/**
 * The node:vm sandbox, for tests of other packages ONLY. Not a security boundary: no memory
 * limit, runaway code blocks the host for its timeout, and node:vm is escapable.
 */
export function createInProcessSandbox(options: InProcessSandboxOptions = {}): Sandbox {
  return new InProcessSandbox(options);
}
