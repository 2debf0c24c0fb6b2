import {
  inputMessage,
  type CodeRunner,
  type Headers,
  type Logger,
  type Reply,
  type Resume,
  type RunContext,
} from '@millrace/node-sdk';

/**
 * A RunContext for node unit tests: no engine, no sandbox. User code cannot run here (the
 * sandbox is another package), so `code` throws unless a test passes a fake CodeRunner.
 */
export interface TestContextOptions<C, K> {
  /** Set to run the node as a waiting step that woke up. */
  readonly resume?: Resume;
  readonly config: C;
  /** JSON text of the input payload. @default 'null' */
  readonly payloadText?: string;
  readonly headers?: Headers;
  readonly connection?: K;
  /** @default 1 */
  readonly attempt?: number;
  /** @default 'run-1:node-1:0' */
  readonly idempotencyKey?: string;
  readonly params?: Record<string, unknown>;
  readonly signal?: AbortSignal;
  readonly code?: CodeRunner;
  readonly now?: () => Date;
}

export type TestContext<C, K> = RunContext<C, unknown, K> & {
  /** Every reply() the node made, in order. */
  readonly replies: Reply[];
  /** Every signal the node sent, in order. */
  readonly signals: Array<{ channel: string; key: string; payloadText: string }>;
};

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export const noCodeRunner: CodeRunner = {
  run: () => Promise.reject(new Error('user code is not available in this test')),
  evaluate: () => Promise.reject(new Error('user code is not available in this test')),
};

export function testContext<C, K = undefined>(options: TestContextOptions<C, K>): TestContext<C, K> {
  const replies: Reply[] = [];
  const signals: Array<{ channel: string; key: string; payloadText: string }> = [];
  const state = new Map<string, unknown>();
  return {
    config: options.config,
    message: inputMessage(options.payloadText ?? 'null', options.headers ?? {}),
    connection: options.connection as K,
    params: options.params ?? {},
    signal: options.signal ?? new AbortController().signal,
    attempt: options.attempt ?? 1,
    idempotencyKey: options.idempotencyKey ?? 'run-1:node-1:0',
    run: { id: 'run-1', flowId: 'flow-1', flowVersion: '1.0.0' },
    signals,
    sendSignal: (channel, key, payloadText) => {
      signals.push({ channel, key, payloadText });
      return Promise.resolve(0);
    },
    ...(options.resume ? { resume: options.resume } : {}),
    node: { id: 'node-1', type: 'test' },
    log: silentLogger,
    code: options.code ?? noCodeRunner,
    state: {
      get: (key) => Promise.resolve(state.get(key)),
      put: (key, value) => {
        state.set(key, value);
        return Promise.resolve();
      },
      claim: (key, value) => {
        // No expiry in tests: the first value stays.
        const claimed = !state.has(key);
        if (claimed) state.set(key, value);
        return Promise.resolve({ claimed, value: state.get(key) });
      },
      delete: (key) => {
        state.delete(key);
        return Promise.resolve();
      },
    },
    reply(reply) {
      replies.push(reply);
      return true;
    },
    now: options.now ?? (() => new Date()),
    replies,
  };
}
