import { AuthError, RemoteError, TransientError, type FlowError } from '@millrace/node-sdk';
import { parseRetryAfter } from './retry-after.ts';

/** Statuses worth another try: the remote is busy, restarting or behind a failing proxy. */
const TRANSIENT_STATUS = new Set([408, 429, 502, 503, 504]);

/** How much of an error body goes into the error's details: enough to read, not a dump. */
export const EXCERPT_CHARS = 500;

export interface AnswerSummary {
  readonly status: number;
  /** Without the query string. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyText: string;
}

/**
 * The FlowError for an HTTP answer that is not a success, or undefined for 1xx, 2xx and 304.
 * 408/429/502/503/504 are transient (honouring Retry-After), so is a 409 with Retry-After (the
 * same idempotent request still in progress), 401/403 are auth, every other
 * 4xx/5xx is a remote rejection. A 500 is not retried: a server bug usually fails the same way
 * again, and a POST that failed half-way is safer parked than repeated.
 * Details carry the status, the URL without query, and a body excerpt; never request headers,
 * so credentials cannot end up in the journal.
 */
export function statusError(answer: AnswerSummary, method: string, now: Date): FlowError | undefined {
  const { status } = answer;
  const where = { method, url: answer.url };
  if (status < 300 || status === 304) return undefined;
  const details = {
    status,
    method: where.method,
    url: where.url,
    ...(answer.headers['content-type'] ? { contentType: answer.headers['content-type'] } : {}),
    bodyExcerpt: excerpt(answer.bodyText),
  };
  if (TRANSIENT_STATUS.has(status)) {
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], now);
    return new TransientError('HTTP_TRANSIENT', `${where.method} ${where.url} answered ${status}; try again later.`, {
      details,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status === 409 && answer.headers['retry-after'] !== undefined) {
    // The IETF Idempotency-Key draft's answer while the first request with this key is still
    // being processed: the same request later gets the outcome, so it is worth another try.
    const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], now);
    return new TransientError(
      'HTTP_IN_PROGRESS',
      `${where.method} ${where.url} answered 409 with Retry-After: the same request is still in progress; try again later.`,
      { details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    );
  }
  if (status === 401 || status === 403) {
    return new AuthError(
      'HTTP_UNAUTHORIZED',
      `${where.method} ${where.url} answered ${status}: the connection's credentials were refused.`,
      { details },
    );
  }
  if (status < 400) {
    // Redirects are not followed: the target could be another host, and a POST redirected from
    // http:// to https:// has not happened. Usually the base URL needs fixing.
    const location = answer.headers.location;
    return new RemoteError(
      'HTTP_REJECTED',
      `${where.method} ${where.url} answered ${status}${location ? ` (redirect to ${location})` : ''}; redirects are not followed.`,
      { details: { ...details, ...(location ? { location } : {}) }, status },
    );
  }
  const vendorCode = vendorCodeOf(answer);
  return new RemoteError('HTTP_REJECTED', `${where.method} ${where.url} answered ${status}.`, {
    details,
    status,
    ...(vendorCode === undefined ? {} : { vendorCode }),
  });
}

export function excerpt(text: string): string {
  return text.length <= EXCERPT_CHARS ? text : text.slice(0, EXCERPT_CHARS) + '…';
}

/**
 * The vendor's own error code from the common JSON error shapes ({ code }, { error: { code } },
 * { error: "invalid_x" }, { errorCode }), so flows can route on it. Small bodies only: parsing
 * a large one for this is not worth the cost.
 */
function vendorCodeOf(answer: AnswerSummary): string | undefined {
  if (!/json/i.test(answer.headers['content-type'] ?? '') || answer.bodyText.length > 64 * 1024) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.bodyText);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const error = b.error as Record<string, unknown> | string | undefined;
  const candidates = [b.code, b.errorCode, typeof error === 'object' && error !== null ? error.code : error];
  const found = candidates.find((c) => typeof c === 'string' || typeof c === 'number');
  return found === undefined ? undefined : String(found);
}
