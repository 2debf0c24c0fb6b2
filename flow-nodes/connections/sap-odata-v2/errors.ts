import { AuthError, RemoteError, TransientError, isFlowError, type FlowError } from '@millrace/node-sdk';
import { excerpt, statusError } from '../http/classify.ts';
import type { Answer } from '../http/transport.ts';

/** The parts of a V2 error body worth keeping. */
export interface V2Error {
  readonly code: string;
  readonly message: string;
  readonly lang?: string;
  readonly transactionId?: string;
  readonly details: ReadonlyArray<Record<string, string>>;
}

/** Enough error details to read; a failing $batch can carry hundreds. */
const MAX_DETAILS = 20;

/** True when SAP refused a write for want of a valid CSRF token (and not for the user's rights). */
export function isCsrfRefusal(answer: Answer): boolean {
  return answer.status === 403 && (answer.headers['x-csrf-token'] ?? '').toLowerCase() === 'required';
}

/**
 * The FlowError for an SAP answer that is not a success, or undefined for 2xx and 304. The
 * category comes from the HTTP connection's classification (429/502/503/504 transient with
 * Retry-After, 401/403 auth, the rest remote); the code, message and vendorCode come from the
 * V2 error body when there is one:
 * `{ error: { code, message: { lang, value }, innererror: { errordetails: [...] } } }`.
 */
export function sapError(answer: Answer, method: string, now: Date): FlowError | undefined {
  const base = statusError(answer, method, now);
  if (!base) return undefined;
  const v2 = parseV2Error(answer.bodyText);
  const where = `${method} ${answer.url}`;
  const details: Record<string, unknown> = {
    status: answer.status,
    method,
    url: answer.url,
    ...(v2
      ? {
          sapCode: v2.code,
          sapMessage: v2.message,
          ...(v2.lang ? { sapLang: v2.lang } : {}),
          ...(v2.transactionId ? { transactionId: v2.transactionId } : {}),
          ...(v2.details.length > 0 ? { errorDetails: v2.details } : {}),
        }
      : { bodyExcerpt: excerpt(answer.bodyText) }),
  };
  const said = v2 ? `: ${v2.message}` : '.';
  if (isCsrfRefusal(answer)) {
    // Still refused after a fresh token: something between us and SAP (a load balancer that
    // drops the session cookie, a session limit) broke the session. A later attempt starts a
    // new one, so this is worth retrying.
    return new TransientError(
      'SAP_CSRF_REFUSED',
      `${where} was refused for its CSRF token, even after fetching a new one.`,
      { details },
    );
  }
  if (base instanceof TransientError) {
    return new TransientError('SAP_TRANSIENT', `${where} answered ${answer.status}${said} Try again later.`, {
      details,
      ...(base.retryAfterMs === undefined ? {} : { retryAfterMs: base.retryAfterMs }),
    });
  }
  if (base instanceof AuthError) {
    return new AuthError(
      'SAP_UNAUTHORIZED',
      `${where} answered ${answer.status}${said} Check the connection's user and its authorizations.`,
      { details },
    );
  }
  const code =
    answer.status === 412
      ? 'SAP_PRECONDITION_FAILED'
      : answer.status === 428
        ? 'SAP_PRECONDITION_REQUIRED'
        : 'SAP_REJECTED';
  const vendorCode = v2?.code ?? (base instanceof RemoteError ? base.vendorCode : undefined);
  return new RemoteError(code, `${where} answered ${answer.status}${said}`, {
    details,
    status: answer.status,
    ...(vendorCode ? { vendorCode } : {}),
  });
}

/**
 * The V2 error in a body, or undefined when it holds none (an HTML page from the Web Dispatcher
 * during maintenance, an empty 503). Small bodies only: a large one is not an error message.
 */
export function parseV2Error(bodyText: string): V2Error | undefined {
  if (bodyText.length > 256 * 1024 || !bodyText.trimStart().startsWith('{')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; message?: unknown; innererror?: unknown };
  const message = e.message as { lang?: unknown; value?: unknown } | string | undefined;
  const text = typeof message === 'string' ? message : typeof message?.value === 'string' ? message.value : undefined;
  if (typeof e.code !== 'string' && text === undefined) return undefined;
  const inner = (e.innererror ?? {}) as { transactionid?: unknown; errordetails?: unknown };
  const lang = typeof message === 'object' && typeof message.lang === 'string' ? message.lang : undefined;
  return {
    code: typeof e.code === 'string' ? e.code : '',
    message: text ?? '',
    ...(lang ? { lang } : {}),
    ...(typeof inner.transactionid === 'string' ? { transactionId: inner.transactionid } : {}),
    details: Array.isArray(inner.errordetails) ? inner.errordetails.slice(0, MAX_DETAILS).map(detail) : [],
  };
}

function detail(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === null || typeof raw !== 'object') return out;
  for (const key of ['code', 'message', 'severity', 'target', 'propertyref'] as const) {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  return out;
}

/** Codes the HTTP transport and token cache raise, in this connection's own vocabulary. */
const RECODE: Readonly<Record<string, string>> = {
  HTTP_TRANSIENT: 'SAP_TRANSIENT',
  HTTP_UNAUTHORIZED: 'SAP_UNAUTHORIZED',
  HTTP_REJECTED: 'SAP_REJECTED',
};

/**
 * A failure from the shared HTTP layer (network, timeout, OAuth2 token endpoint) with an SAP_
 * code, so a flow routes on one vocabulary per connector. Other codes (ABORTED, HTTP_ORIGIN_REFUSED,
 * HTTP_RESPONSE_TOO_LARGE, …) pass through unchanged.
 */
export function recode(thrown: unknown): unknown {
  if (!isFlowError(thrown)) return thrown;
  const code = RECODE[thrown.code];
  if (!code) return thrown;
  const options = { details: thrown.details };
  if (thrown instanceof TransientError)
    return new TransientError(code, thrown.message, {
      ...options,
      ...(thrown.retryAfterMs === undefined ? {} : { retryAfterMs: thrown.retryAfterMs }),
    });
  if (thrown instanceof AuthError) return new AuthError(code, thrown.message, options);
  if (thrown instanceof RemoteError)
    return new RemoteError(code, thrown.message, {
      ...options,
      ...(thrown.status === undefined ? {} : { status: thrown.status }),
      ...(thrown.vendorCode === undefined ? {} : { vendorCode: thrown.vendorCode }),
    });
  return thrown;
}
