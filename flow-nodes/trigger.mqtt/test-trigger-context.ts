import type { Logger, NodeState, SerializedError, TriggerContext, TriggerEvent } from '@millrace/node-sdk';

/** One call of accept, which the test settles when it chooses. */
export interface PendingAccept {
  readonly event: TriggerEvent;
  readonly payload: Record<string, unknown>;
  resolve(): void;
  reject(error: unknown): void;
}

export interface FakeTriggerContext<C, K = unknown> extends TriggerContext<C, K> {
  readonly accepts: PendingAccept[];
  readonly rejects: Array<{ event: TriggerEvent; error: SerializedError }>;
  readonly logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
  /** Aborts ctx.signal, as the runtime does on shutdown. */
  abort(): void;
}

/**
 * A TriggerContext for trigger tests: no engine. Each accept waits until the test resolves or
 * rejects it, unless `autoAccept` is set. State is a plain Map that tests may share between two
 * contexts to play a restart of the same flow node.
 */
export function fakeTriggerContext<C, K>(options: {
  config: C;
  connection: K;
  state?: Map<string, unknown>;
  autoAccept?: boolean;
}): FakeTriggerContext<C, K> {
  const accepts: PendingAccept[] = [];
  const rejects: Array<{ event: TriggerEvent; error: SerializedError }> = [];
  const logs: FakeTriggerContext<C, K>['logs'] = [];
  const store = options.state ?? new Map<string, unknown>();
  const abort = new AbortController();
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      logs.push({ level, message, ...(fields ? { fields } : {}) });
    };
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  const state: NodeState = {
    get: (key) => Promise.resolve(store.get(key)),
    put: (key, value) => {
      store.set(key, value);
      return Promise.resolve();
    },
    claim: (key, value) => {
      const claimed = !store.has(key);
      if (claimed) store.set(key, value);
      return Promise.resolve({ claimed, value: store.get(key) });
    },
    delete: (key) => {
      store.delete(key);
      return Promise.resolve();
    },
  };
  let runs = 0;
  return {
    config: options.config,
    connection: options.connection,
    params: {},
    signal: abort.signal,
    log,
    state,
    accepts,
    rejects,
    logs,
    abort: () => abort.abort(),
    accept(event) {
      return new Promise((resolve, reject) => {
        const runId = `run-${++runs}`;
        accepts.push({
          event,
          payload: JSON.parse(event.payloadText) as Record<string, unknown>,
          resolve: () => resolve({ runId, duplicate: false }),
          reject,
        });
        if (options.autoAccept) resolve({ runId, duplicate: false });
      });
    },
    reject(event, error) {
      rejects.push({ event, error });
      return Promise.resolve();
    },
  };
}

export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}
