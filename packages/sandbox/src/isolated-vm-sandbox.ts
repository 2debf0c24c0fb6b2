/**
 * The production sandbox: a fixed pool of isolated-vm isolates per memory limit, each with one
 * context holding the prelude and helpers. JSON text goes in and out as strings through
 * `Reference.applySync`, measured fastest on this machine (~10 µs per 1 KB call).
 */
import ivm from 'isolated-vm';
import { CancelledError, InternalError, isFlowError } from '@millrace/node-sdk';
import type { FlowError } from '@millrace/node-sdk';
import { expressionsKey, remember } from './cache.ts';
import { compileError, envelopeError, memoryError, timeoutError, unhandledError } from './errors.ts';
import { bootstrapSource, CODE_FILE, prepareExpressions, prepareFunction } from './source.ts';
import type { PreparedSource } from './source.ts';
import { DEFAULT_LIMITS, resolveLimits } from './types.ts';
import type { Sandbox, SandboxLimits, SandboxStats, ThenEvaluate } from './types.ts';

export interface IsolatedVmSandboxOptions {
  /** Isolates per memory limit (default 2): while one is stuck in runaway code, the next serves. */
  poolSize?: number;
  limits?: Partial<SandboxLimits>;
  /**
   * How long a call may block the host event loop (default 10 ms). A call still running then is
   * stopped and re-run asynchronously with the full timeout.
   */
  syncBudgetMs?: number;
}

/** Chosen from measurements: see README.md, "Not blocking the host: the sync budget". */
export const DEFAULT_SYNC_BUDGET_MS = 10;

type Runner = (scopeJson: string, maxOutputBytes: number) => string;
type ChainedRunner = (scopeJson: string, maxOutputBytes: number, prefix: string, suffix: string) => string;

interface Entry {
  readonly runner: ivm.Reference<Runner>;
  readonly prepared: PreparedSource;
}

const TIMED_OUT = 'Script execution timed out.';

function isTimeout(e: unknown): boolean {
  return e instanceof Error && e.message === TIMED_OUT;
}

/** One isolate with its context and caches. Replaced whole when its memory limit disposes it. */
class Slot {
  readonly isolate: ivm.Isolate;
  readonly context: ivm.Context;
  readonly prepare: ivm.Reference<(fn: unknown, kind: string, checksJson: string, count: number) => Runner>;
  readonly functions = new Map<string, Entry>();
  readonly expressions = new Map<string, Entry>();
  readonly chain: ivm.Reference<(first: unknown, next: unknown) => ChainedRunner>;
  /** A function and the expressions after it, as one runner: keyed by source, NUL, expressions key. */
  readonly chained = new Map<string, ivm.Reference<ChainedRunner>>();
  /** An asynchronous re-run is in flight: a sync call now would block the host until it ends. */
  busy = false;

  constructor(memoryMb: number) {
    this.isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    try {
      this.context = this.isolate.createContextSync();
      const script = this.isolate.compileScriptSync(bootstrapSource(false), { filename: 'millrace-prelude' });
      const api = script.runSync(this.context, { reference: true }) as ivm.Reference<{
        prepare: unknown;
        chain: unknown;
      }>;
      script.release();
      this.prepare = api.getSync('prepare', { reference: true }) as Slot['prepare'];
      this.chain = api.getSync('chain', { reference: true }) as Slot['chain'];
      api.release();
    } catch (e) {
      this.isolate.dispose();
      throw new InternalError('SANDBOX_START', 'The sandbox could not start an isolate.', { cause: e });
    }
  }
}

/** The isolates for one memory limit. */
class Group {
  readonly slots: Slot[] = [];
  private readonly waiters: (() => void)[] = [];

  constructor(
    readonly memoryMb: number,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(new Slot(memoryMb));
  }

  /**
   * The first idle isolate. Always preferring the lowest index keeps each source compiled (and
   * JIT-warm) in one isolate; the others take over only while it is busy.
   */
  idle(): Slot | undefined {
    for (const slot of this.slots) if (!slot.busy) return slot;
    return undefined;
  }

  waitForIdle(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

class IsolatedVmSandbox implements Sandbox {
  private readonly limits: SandboxLimits;
  private readonly poolSize: number;
  private readonly syncBudgetMs: number;
  private readonly groups = new Map<number, Group>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly counters = { compiled: 0, calls: 0, fallbacks: 0, recycled: 0 };
  private closed = false;

  constructor(options: IsolatedVmSandboxOptions) {
    this.limits = resolveLimits(DEFAULT_LIMITS, options.limits);
    this.poolSize = Math.max(1, Math.floor(options.poolSize ?? 2));
    this.syncBudgetMs = Math.max(1, options.syncBudgetMs ?? DEFAULT_SYNC_BUDGET_MS);
  }

  async runFunction(source: string, scopeJson: string, limits?: Partial<SandboxLimits>): Promise<string> {
    const lim = limits ? resolveLimits(this.limits, limits) : this.limits;
    const slot = this.idleSlot(lim.memoryMb) ?? (await this.waitForSlot(lim.memoryMb));
    const entry =
      slot.functions.get(source) ?? this.compile(slot, slot.functions, source, prepareFunction(source), lim);
    return this.call(slot, entry, scopeJson, lim);
  }

  async evaluate(expressions: readonly string[], scopeJson: string, limits?: Partial<SandboxLimits>): Promise<string> {
    if (this.closed) throw this.closedError();
    if (expressions.length === 0) return '[]';
    const lim = limits ? resolveLimits(this.limits, limits) : this.limits;
    const slot = this.idleSlot(lim.memoryMb) ?? (await this.waitForSlot(lim.memoryMb));
    const key = expressionsKey(expressions);
    const entry =
      slot.expressions.get(key) ?? this.compile(slot, slot.expressions, key, prepareExpressions(expressions), lim);
    return this.call(slot, entry, scopeJson, lim);
  }

  async runFunctionThen(
    source: string,
    scopeJson: string,
    then: ThenEvaluate,
    limits?: Partial<SandboxLimits>,
  ): Promise<{ output: string; values: string | null }> {
    const lim = limits ? resolveLimits(this.limits, limits) : this.limits;
    const slot = this.idleSlot(lim.memoryMb) ?? (await this.waitForSlot(lim.memoryMb));
    const first =
      slot.functions.get(source) ?? this.compile(slot, slot.functions, source, prepareFunction(source), lim);
    const chained = this.chained(slot, source, first, then.expressions, lim);
    // Expressions that do not compile: the next node reports that itself.
    if (!chained) return { output: await this.call(slot, first, scopeJson, lim), values: null };
    this.counters.calls++;
    let out: string;
    try {
      out = chained.applySync(undefined, [scopeJson, lim.maxOutputBytes, then.prefix, then.suffix], {
        timeout: Math.min(this.syncBudgetMs, lim.timeoutMs),
      });
    } catch {
      // Over the sync budget, out of memory, or the expressions' doing: the function alone, as
      // runFunction runs it (re-run asynchronously, recycled isolate). User code is pure: safe.
      return { output: await this.runFunction(source, scopeJson, limits), values: null };
    }
    if (out.charCodeAt(0) === 1) throw envelopeError(out, first.prepared, lim);
    const split = out.indexOf('\u0002');
    const values = out.slice(split + 1);
    return { output: out.slice(0, split), values: values.charCodeAt(0) === 1 ? null : values };
  }

  private chained(
    slot: Slot,
    source: string,
    first: Entry,
    expressions: readonly string[],
    lim: SandboxLimits,
  ): ivm.Reference<ChainedRunner> | undefined {
    const key = expressionsKey(expressions);
    const chainKey = source + '\u0000' + key;
    const known = slot.chained.get(chainKey);
    if (known) return known;
    let next: Entry;
    try {
      next =
        slot.expressions.get(key) ?? this.compile(slot, slot.expressions, key, prepareExpressions(expressions), lim);
    } catch {
      return undefined;
    }
    const runner = slot.chain.applySync(undefined, [first.runner.derefInto(), next.runner.derefInto()], {
      result: { reference: true },
    }) as ivm.Reference<ChainedRunner>;
    return remember(slot.chained, chainKey, runner, (old) => old.release());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) {
      for (const slot of group.slots) if (!slot.isolate.isDisposed) slot.isolate.dispose();
      group.wake();
    }
    await Promise.allSettled([...this.inFlight]);
    this.groups.clear();
  }

  stats(): SandboxStats {
    let isolates = 0;
    for (const group of this.groups.values()) for (const slot of group.slots) if (!slot.isolate.isDisposed) isolates++;
    return { isolates, ...this.counters };
  }

  private closedError(): CancelledError {
    return new CancelledError('SANDBOX_CLOSED', 'The sandbox is closed.');
  }

  private idleSlot(memoryMb: number): Slot | undefined {
    if (this.closed) throw this.closedError();
    let group = this.groups.get(memoryMb);
    if (!group) {
      group = new Group(memoryMb, this.poolSize);
      this.groups.set(memoryMb, group);
    }
    const slot = group.idle();
    if (slot && slot.isolate.isDisposed) return this.replace(group, slot);
    return slot;
  }

  /** Every isolate of the group is running runaway code: wait for one instead of queueing behind it. */
  private async waitForSlot(memoryMb: number): Promise<Slot> {
    for (;;) {
      await this.groups.get(memoryMb)!.waitForIdle();
      const slot = this.idleSlot(memoryMb);
      if (slot) return slot;
    }
  }

  private replace(group: Group, dead: Slot): Slot {
    const index = group.slots.indexOf(dead);
    const fresh = new Slot(group.memoryMb);
    if (index >= 0) group.slots[index] = fresh;
    this.counters.recycled++;
    return fresh;
  }

  private compile(
    slot: Slot,
    cache: Map<string, Entry>,
    key: string,
    prepared: PreparedSource,
    limits: SandboxLimits,
  ): Entry {
    let script: ivm.Script;
    try {
      script = slot.isolate.compileScriptSync(prepared.script, { filename: CODE_FILE, lineOffset: -1 });
    } catch (e) {
      throw compileError(prepared, e);
    }
    let fn: ivm.Reference<unknown> | undefined;
    let runner: ivm.Reference<Runner>;
    try {
      // Evaluating the script only creates the function: no user code runs yet.
      fn = script.runSync(slot.context, { reference: true, timeout: limits.timeoutMs }) as ivm.Reference<unknown>;
      const checksJson = JSON.stringify(prepared.checks);
      runner = slot.prepare.applySync(undefined, [fn.derefInto(), prepared.kind, checksJson, prepared.count], {
        result: { reference: true },
        timeout: limits.timeoutMs,
      }) as ivm.Reference<Runner>;
    } catch (e) {
      if (slot.isolate.isDisposed || isTimeout(e)) throw this.failure(slot, e, limits);
      throw compileError(prepared, e);
    } finally {
      script.release();
      fn?.release();
    }
    this.counters.compiled++;
    return remember(cache, key, { runner, prepared }, (old) => old.runner.release());
  }

  private call(slot: Slot, entry: Entry, scopeJson: string, limits: SandboxLimits): string | Promise<string> {
    this.counters.calls++;
    const budget = Math.min(this.syncBudgetMs, limits.timeoutMs);
    let out: string;
    try {
      out = entry.runner.applySync(undefined, [scopeJson, limits.maxOutputBytes], { timeout: budget });
    } catch (e) {
      if (budget < limits.timeoutMs && isTimeout(e) && !slot.isolate.isDisposed) {
        return this.track(this.rerun(slot, entry, scopeJson, limits));
      }
      throw this.failure(slot, e, limits);
    }
    if (out.charCodeAt(0) === 1) throw envelopeError(out, entry.prepared, limits);
    return out;
  }

  /**
   * The call outran the sync budget. User code is pure (no side effects, no host objects, nothing
   * kept between calls), so running it again from the start is safe and gives the result the
   * stopped run would have given. Async `apply` runs it on the isolate's own thread, so the host
   * event loop keeps serving; the isolate takes no other calls until it is done.
   */
  private async rerun(slot: Slot, entry: Entry, scopeJson: string, limits: SandboxLimits): Promise<string> {
    this.counters.fallbacks++;
    slot.busy = true;
    let out: string;
    try {
      out = await entry.runner.apply(undefined, [scopeJson, limits.maxOutputBytes], { timeout: limits.timeoutMs });
    } catch (e) {
      throw this.failure(slot, e, limits);
    } finally {
      slot.busy = false;
      // Wake every waiter: one that finds the slot taken waits again, none is left behind.
      this.groups.get(limits.memoryMb)?.wake();
    }
    if (out.charCodeAt(0) === 1) throw envelopeError(out, entry.prepared, limits);
    return out;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const done = () => this.inFlight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  /** Classifies an exception from isolated-vm itself (user errors come back as envelopes). */
  private failure(slot: Slot, e: unknown, limits: SandboxLimits): FlowError {
    if (isFlowError(e)) return e;
    if (this.closed) return new CancelledError('SANDBOX_CLOSED', 'The sandbox was closed while the code ran.');
    if (slot.isolate.isDisposed) {
      // We dispose isolates only on close(), so this one hit its memory limit.
      const group = this.groups.get(limits.memoryMb);
      if (group?.slots.includes(slot)) {
        try {
          this.replace(group, slot);
        } catch {
          // idleSlot() retries the replacement on the next call.
        }
      }
      return memoryError(limits);
    }
    if (isTimeout(e)) return timeoutError(limits);
    // The runner catches what user code throws, so what is left is still the code's doing: a
    // promise it left rejected (isolated-vm throws those at the end of the call), `import()`.
    return unhandledError(e);
  }
}

/** The sandbox for production: isolated-vm isolates with time and memory limits. Run Node with --no-node-snapshot. */
export function createIsolatedVmSandbox(options: IsolatedVmSandboxOptions = {}): Sandbox {
  return new IsolatedVmSandbox(options);
}
