import {
  ConfigError,
  InternalError,
  RemoteError,
  TransientError,
  TRANSIENT_ERRNO,
  type FlowError,
} from '@millrace/node-sdk';
import { describeUrl } from './url.ts';

/** What a failure message needs to know about the request. */
export interface FailedRequest {
  readonly method: string;
  readonly url: URL;
  readonly timeoutMs: number;
}

const TIMEOUT_ERRNO = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export function tooLarge(request: FailedRequest, max: number): RemoteError {
  return new RemoteError(
    'HTTP_RESPONSE_TOO_LARGE',
    `${request.method} ${describeUrl(request.url)} answered with more than ${max} bytes.`,
    { details: { maxResponseBytes: max, url: describeUrl(request.url) } },
  );
}

/** The exchange's own deadline passed (waiting for a connection, the headers or the body). */
export function deadlinePassed(request: FailedRequest): TransientError {
  return timeoutError(request, {
    method: request.method,
    url: describeUrl(request.url),
    error: 'the deadline of the whole exchange passed',
  });
}

function timeoutError(request: FailedRequest, details: Record<string, unknown>): TransientError {
  const where = `${request.method} ${describeUrl(request.url)}`;
  return new TransientError('HTTP_TRANSIENT', `${where}: no answer within ${request.timeoutMs} ms.`, {
    details: { ...details, reason: 'timeout', timeoutMs: request.timeoutMs },
  });
}

/**
 * Maps what undici or the socket threw. The original goes into details as text, not as `cause`:
 * FlowError.toJSON turns a non-FlowError cause into a FlowError whose own cause is the same
 * error again, and recurses until the stack overflows (see the report on node-sdk).
 */
export function networkError(thrown: unknown, request: FailedRequest): FlowError {
  const where = `${request.method} ${describeUrl(request.url)}`;
  const errno = errnoOf(thrown);
  const details = {
    method: request.method,
    url: describeUrl(request.url),
    ...(errno === undefined ? {} : { errno }),
    error: thrown instanceof Error ? thrown.message : String(thrown),
  };
  if (errno !== undefined && TIMEOUT_ERRNO.has(errno)) return timeoutError(request, details);
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

export function errnoOf(thrown: unknown): string | undefined {
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
