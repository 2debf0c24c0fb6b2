import { Pool } from 'undici';
import { CancelledError } from '@millrace/node-sdk';
import { Exchange, type Answer, type SendOptions } from './exchange.ts';
import { describeUrl } from './url.ts';

export type { Answer, SendOptions } from './exchange.ts';

export interface TransportOptions {
  readonly connections: number;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/**
 * One keep-alive undici Pool per origin, plus the mapping of every failure to a FlowError.
 * `send` never classifies statuses: a 500 is an answer here, and callers decide what it means.
 */
export class Transport {
  readonly #pools = new Map<string, Pool>();
  readonly #options: TransportOptions;
  #closed = false;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  send(options: SendOptions): Promise<Answer> {
    const { method, url } = options;
    // A step still running while its connection closes (shutdown, profile change) stops quietly.
    if (this.#closed)
      return Promise.reject(
        new CancelledError('HTTP_CLIENT_CLOSED', `${method} ${describeUrl(url)}: the connection is closed.`),
      );
    if (options.signal?.aborted)
      return Promise.reject(new CancelledError('ABORTED', `${method} ${describeUrl(url)} was cancelled.`));
    const exchange = new Exchange(options, this.#options.maxResponseBytes);
    // Errors in the request itself (a header that cannot be sent) come back through the handler.
    this.#pool(url.origin).dispatch(
      {
        method: method as 'GET',
        path: url.pathname + url.search,
        headers: options.headers,
        body: options.bodyText ?? null,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      },
      exchange,
    );
    return exchange.promise;
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.#options.connections,
        // undici stops reading (and drops the connection) past the limit: no huge answer is held.
        maxResponseSize: this.#options.maxResponseBytes,
        headersTimeout: this.#options.timeoutMs,
        bodyTimeout: this.#options.timeoutMs,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /** Lets requests in flight finish for a moment, then cuts them: shutdown must not hang. */
  async close(graceMs = 5000): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(
      pools.map(async (pool) => {
        let timer: NodeJS.Timeout | undefined;
        const cut = new Promise<void>((resolve) => {
          timer = setTimeout(() => void pool.destroy().then(resolve, resolve), graceMs);
        });
        await Promise.race([pool.close(), cut]);
        clearTimeout(timer);
      }),
    );
  }
}
