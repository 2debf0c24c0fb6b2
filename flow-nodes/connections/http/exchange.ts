import type { Dispatcher } from 'undici';
import { CancelledError, isFlowError, type FlowError } from '@millrace/node-sdk';
import { deadlinePassed, errnoOf, networkError, tooLarge } from './failures.ts';
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
  readonly bodyText?: string | undefined;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

type Controller = Dispatcher.DispatchController;

const ONCE = { once: true } as const;
const UTF8_BOM = 0xfeff;

/** A module function, not a closure: a timer is set for every request. */
function expire(exchange: Exchange): void {
  exchange.expire();
}

/**
 * One request in flight, as the handler undici's `dispatch` calls back: it keeps the answer's
 * chunks and settles one promise. `Pool.request` made a Readable body stream, an AbortSignal and
 * its listeners, and a few promises for every request, which cost more CPU than the request itself.
 *
 * One timer bounds the whole exchange (waiting for a connection, the headers, every body chunk):
 * undici's own timeouts are per phase, so a server that trickles bytes would never time out.
 * The caller's signal is linked only when given, by this object itself as the listener.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly promise: Promise<Answer>;
  #resolve!: (answer: Answer) => void;
  #reject!: (error: FlowError) => void;
  readonly #options: SendOptions;
  readonly #maxBytes: number;
  readonly #timer: NodeJS.Timeout;
  /** undici's handle on the request once it has a socket; null while it waits in the queue. */
  #controller: Controller | null = null;
  /** Set once the promise is settled: later callbacks from undici change nothing. */
  #settled = false;
  /** Why the exchange was cut from this side, for a request that had no socket yet. */
  #cut: Error | null = null;
  #status = 0;
  #headers: Record<string, string> = {};
  #chunks: Buffer[] = [];
  #bytes = 0;

  constructor(options: SendOptions, maxBytes: number) {
    this.#options = options;
    this.#maxBytes = maxBytes;
    this.promise = new Promise<Answer>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#timer = setTimeout(expire, options.timeoutMs, this);
    options.signal?.addEventListener('abort', this, ONCE);
  }

  /** The deadline passed. */
  expire(): void {
    this.#fail(deadlinePassed(this.#options));
  }

  /** The caller's signal fired (EventTarget calls an object listener's handleEvent). */
  handleEvent(): void {
    const { method, url } = this.#options;
    this.#fail(new CancelledError('ABORTED', `${method} ${describeUrl(url)} was cancelled.`));
  }

  onRequestStart(controller: Controller): void {
    this.#controller = controller;
    if (this.#cut) controller.abort(this.#cut);
  }

  onResponseStart(controller: Controller, status: number, headers: Record<string, string | string[] | undefined>) {
    // 1xx informational answers come before the real one.
    if (status < 200) return;
    this.#status = status;
    this.#headers = flattenHeaders(headers);
    // undici enforces the pool's maxResponseSize while reading; an announced length fails at once.
    const length = this.#headers['content-length'];
    if (length !== undefined && Number(length) > this.#maxBytes) {
      this.#fail(tooLarge(this.#options, this.#maxBytes));
    }
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
  }

  onResponseEnd(): void {
    if (!this.#settle()) return;
    const { url } = this.#options;
    this.#resolve({ status: this.#status, url: describeUrl(url), headers: this.#headers, bodyText: this.#text() });
  }

  onResponseError(_controller: Controller | undefined, thrown: Error): void {
    if (!this.#settle()) return;
    if (isFlowError(thrown)) this.#reject(thrown);
    else if (errnoOf(thrown) === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') this.#reject(tooLarge(this.#options, this.#maxBytes));
    else this.#reject(networkError(thrown, this.#options));
  }

  /** Rejects with `error` and stops the request: at once if it has a socket, else when it gets one. */
  #fail(error: FlowError): void {
    if (!this.#settle()) return;
    this.#reject(error);
    this.#cut = error;
    this.#controller?.abort(error);
  }

  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#options.signal?.removeEventListener('abort', this);
    return true;
  }

  /** The body as UTF-8 text without a byte order mark (JSON.parse refuses one). */
  #text(): string {
    const chunks = this.#chunks;
    if (chunks.length === 0) return '';
    const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#bytes)).toString('utf8');
    return text.charCodeAt(0) === UTF8_BOM ? text.slice(1) : text;
  }
}

/** undici's parsed headers (names lower case, a fresh object per answer) with repeats joined in place. */
function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  for (const name in raw) {
    const value = raw[name];
    if (Array.isArray(value)) raw[name] = value.join(', ');
  }
  return raw as Record<string, string>;
}
