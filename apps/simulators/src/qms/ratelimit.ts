import { ApiError } from './errors.ts';

/**
 * A token bucket per client. Over budget, either a 429 with Retry-After (seconds, or an
 * HTTP-date) and RateLimit-* headers, or, Veeva-style, the answer is delayed and says so in
 * X-VaultAPI-ResponseDelay. Buckets refill on real time, not the virtual clock: a rate limit is
 * about how fast requests really arrive, and the virtual clock may be frozen or days ahead.
 */

export interface RateLimitOptions {
  /** Requests a client may burst. */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSec: number;
  /** 'reject' (429, the default) or 'delay' (Veeva burst limit: slow down instead). */
  readonly mode?: 'reject' | 'delay';
  /** How Retry-After is written: 'seconds' (default) or 'http-date'. */
  readonly retryAfter?: 'seconds' | 'http-date';
  /** Delay mode: the longest a response is held back (default 2000 ms). */
  readonly maxDelayMs?: number;
}

export interface Admission {
  readonly headers: Record<string, string>;
  /** Delay mode: how long to hold the answer. */
  readonly delayMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(public options: RateLimitOptions | undefined) {}

  reset(): void {
    this.buckets.clear();
  }

  /** Takes a token for `client`, or throws 429 (reject mode). */
  admit(client: string): Admission {
    const o = this.options;
    if (!o || o.capacity <= 0 || o.refillPerSec <= 0) return { headers: {}, delayMs: 0 };
    const now = Date.now();
    const b = this.buckets.get(client) ?? { tokens: o.capacity, at: now };
    b.tokens = Math.min(o.capacity, b.tokens + ((now - b.at) / 1000) * o.refillPerSec);
    b.at = now;
    this.buckets.set(client, b);
    if (o.mode === 'delay') {
      b.tokens -= 1;
      const delayMs =
        b.tokens >= 0 ? 0 : Math.min(o.maxDelayMs ?? 2000, Math.ceil((-b.tokens / o.refillPerSec) * 1000));
      return {
        delayMs,
        headers: {
          'x-vaultapi-burstlimit': String(o.capacity),
          'x-vaultapi-burstlimitremaining': String(Math.max(0, Math.floor(b.tokens))),
          ...(delayMs > 0 ? { 'x-vaultapi-responsedelay': String(delayMs) } : {}),
        },
      };
    }
    if (b.tokens < 1) {
      const waitSec = Math.max(1, Math.ceil((1 - b.tokens) / o.refillPerSec));
      const retryAfter = o.retryAfter === 'http-date' ? new Date(now + waitSec * 1000).toUTCString() : String(waitSec);
      throw new ApiError(
        429,
        'RATE_LIMITED',
        `client ${client} is over its budget of ${o.capacity} requests (${o.refillPerSec}/s); retry after ${waitSec} s`,
        { retryAfterSec: waitSec },
        {
          'retry-after': retryAfter,
          'ratelimit-limit': String(o.capacity),
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(waitSec),
        },
      );
    }
    b.tokens -= 1;
    return {
      delayMs: 0,
      headers: { 'ratelimit-limit': String(o.capacity), 'ratelimit-remaining': String(Math.floor(b.tokens)) },
    };
  }
}
