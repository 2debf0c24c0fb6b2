import { Pool } from 'undici';
import {
  CancelledError,
  ConfigError,
  InternalError,
  RemoteError,
  TransientError,
  TRANSIENT_ERRNO,
  isFlowError,
  type FlowError,
} from '@millrace/node-sdk';
import { describeUrl } from './url.ts';

/** An HTTP answer with its body read as text. Header names are lower case; repeats are joined. */
export interface Answer {
  readonly status: number;
  /** The URL asked, without its query string (which can carry data): for messages and errors. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyText: string;
}

export interface SendOptions {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyText?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface TransportOptions {
  readonly connections: number;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

const ONCE = { once: true } as const;

/** Module functions, not closures: a timer and a listener are set up for every request. */
function abortDeadline(deadline: AbortController): void {
  deadline.abort();
}

const TIMEOUT_ERRNO = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

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

  async send(options: SendOptions): Promise<Answer> {
    const { method, url, timeoutMs } = options;
    // A step still running while its connection closes (shutdown, profile change) stops quietly.
    if (this.#closed)
      throw new CancelledError('HTTP_CLIENT_CLOSED', `${method} ${describeUrl(url)}: the connection is closed.`);
    const deadline = new AbortController();
    // One deadline for the whole exchange: undici's own timeouts are per phase (headers, then
    // each body chunk), so a server that trickles bytes would otherwise never time out.
    const timer = setTimeout(abortDeadline, timeoutMs, deadline);
    // The caller's signal aborts the same controller (AbortSignal.any costs far more per request).
    const parent = options.signal;
    const onAbort = parent ? deadline.abort.bind(deadline, undefined) : undefined;
    if (onAbort) parent!.addEventListener('abort', onAbort, ONCE);
    const signal = deadline.signal;
    try {
      const response = await this.#pool(url.origin).request({
        method: method as 'GET',
        path: url.pathname + url.search,
        headers: options.headers,
        body: options.bodyText ?? null,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const headers = flattenHeaders(response.headers);
      const max = this.#options.maxResponseBytes;
      const bodyText = await readText(response.body, response.headers['content-length'], max, options);
      return { status: response.statusCode, url: describeUrl(url), headers, bodyText };
    } catch (thrown) {
      if (isFlowError(thrown)) throw thrown;
      if (errnoOf(thrown) === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') throw tooLarge(options, this.#options.maxResponseBytes);
      if (options.signal?.aborted) {
        throw new CancelledError('ABORTED', `${method} ${describeUrl(url)} was cancelled.`);
      }
      throw networkError(thrown, options, deadline.signal.aborted);
    } finally {
      clearTimeout(timer);
      if (onAbort) parent!.removeEventListener('abort', onAbort);
    }
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

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  // for…in rather than Object.entries: no array of pairs per response (undici's names are lower case).
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * The body as text. undici's own reader (BOM dropped, as JSON.parse needs) avoids an async
 * iterator and a promise per chunk; the size limit is enforced by the pool while reading
 * (maxResponseSize), and up front when the length is announced.
 */
async function readText(
  body: { text(): Promise<string>; destroy(): unknown },
  length: string | string[] | undefined,
  max: number,
  options: SendOptions,
): Promise<string> {
  if (typeof length === 'string' && Number(length) > max) {
    body.destroy();
    throw tooLarge(options, max);
  }
  return body.text();
}

function tooLarge(options: SendOptions, max: number): RemoteError {
  return new RemoteError(
    'HTTP_RESPONSE_TOO_LARGE',
    `${options.method} ${describeUrl(options.url)} answered with more than ${max} bytes.`,
    { details: { maxResponseBytes: max, url: describeUrl(options.url) } },
  );
}

/**
 * Maps what undici or the socket threw. The original goes into details as text, not as `cause`:
 * FlowError.toJSON turns a non-FlowError cause into a FlowError whose own cause is the same
 * error again, and recurses until the stack overflows (see the report on node-sdk).
 */
function networkError(thrown: unknown, options: SendOptions, deadlinePassed: boolean): FlowError {
  const where = `${options.method} ${describeUrl(options.url)}`;
  const errno = errnoOf(thrown);
  const details = {
    method: options.method,
    url: describeUrl(options.url),
    ...(errno === undefined ? {} : { errno }),
    error: thrown instanceof Error ? thrown.message : String(thrown),
  };
  if (deadlinePassed || (errno !== undefined && TIMEOUT_ERRNO.has(errno))) {
    return new TransientError('HTTP_TRANSIENT', `${where}: no answer within ${options.timeoutMs} ms.`, {
      details: { ...details, reason: 'timeout', timeoutMs: options.timeoutMs },
    });
  }
  if (errno !== undefined && TRANSIENT_ERRNO.has(errno)) {
    return new TransientError('HTTP_TRANSIENT', `${where}: ${networkReason(errno)}.`, {
      details: { ...details, reason: 'network' },
    });
  }
  if (errno !== undefined && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(errno)) {
    return new ConfigError('HTTP_TLS_REFUSED', `${where}: the server's TLS certificate was refused (${errno}).`, {
      details,
    });
  }
  if (errno === 'UND_ERR_INVALID_ARG' || errno === 'ERR_INVALID_CHAR' || errno === 'ERR_INVALID_HTTP_TOKEN') {
    return new ConfigError('HTTP_INVALID_REQUEST', `${where} cannot be sent: ${details.error}.`, { details });
  }
  return new InternalError('UNEXPECTED_ERROR', `${where} failed unexpectedly: ${details.error}.`, { details });
}

function errnoOf(thrown: unknown): string | undefined {
  for (let e = thrown, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function networkReason(errno: string): string {
  switch (errno) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'the connection was closed before the answer was complete';
    default:
      return `network error ${errno}`;
  }
}
