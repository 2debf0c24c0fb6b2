/**
 * The error taxonomy: every failure a node or the engine reports is a FlowError with a stable
 * `code`, a `category` and a `retryable` flag. Errors cross process and isolate boundaries as
 * JSON, so identity is a symbol brand plus the category, never `instanceof` on a constructor
 * from one realm: an error rebuilt from JSON classifies exactly as the original did.
 */

export type ErrorCategory =
  'validation' | 'config' | 'auth' | 'transient' | 'remote' | 'data' | 'sandbox' | 'cancelled' | 'internal';

export const ERROR_CATEGORIES: readonly ErrorCategory[] = [
  'validation',
  'config',
  'auth',
  'transient',
  'remote',
  'data',
  'sandbox',
  'cancelled',
  'internal',
];

export type SandboxReason = 'timeout' | 'memory' | 'threw';

/** The JSON form of a FlowError: what the journal stores and what crosses boundaries. */
export interface SerializedError {
  readonly name: string;
  readonly category: ErrorCategory;
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>>;
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly vendorCode?: string;
  readonly reason?: SandboxReason;
  readonly cause?: SerializedError;
}

const BRAND = Symbol.for('millrace.flow-error');

export interface FlowErrorOptions {
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

export abstract class FlowError extends Error {
  abstract readonly category: ErrorCategory;
  abstract readonly retryable: boolean;
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: FlowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Realm-safe `instanceof`: true for any FlowError of this class, whichever copy built it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (!isFlowError(value)) return false;
    if (this === FlowError) return true;
    const category = (this as unknown as { readonly CATEGORY?: ErrorCategory }).CATEGORY;
    return category === value.category;
  }

  toJSON(): SerializedError {
    const cause = this.cause === undefined ? undefined : serializeCause(this.cause);
    return {
      name: this.name,
      category: this.category,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      details: this.details,
      ...this.extraJSON(),
      ...(cause ? { cause } : {}),
    };
  }

  protected extraJSON(): Partial<SerializedError> {
    return {};
  }
}

/**
 * A cause as JSON. A FlowError cause serializes itself; anything else becomes a flat internal
 * error (message and errno), never wrapped again — wrapping would recurse without end.
 */
function serializeCause(cause: unknown): SerializedError {
  if (isFlowError(cause)) return cause.toJSON();
  const e = cause as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: 'InternalError',
    category: 'internal',
    code: typeof e?.code === 'string' ? e.code : 'CAUSE',
    message: typeof e?.message === 'string' ? e.message : String(cause),
    retryable: false,
    details: typeof e?.name === 'string' ? { name: e.name } : {},
  };
}

// The name follows the category, so an error rebuilt from JSON prints exactly like the original.
Object.defineProperty(FlowError.prototype, 'name', {
  get(this: FlowError) {
    return CLASS_NAMES[this.category];
  },
  configurable: true,
});

export function isFlowError(value: unknown): value is FlowError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Input, flow or config fails a schema at save, publish or run time. */
export class ValidationError extends FlowError {
  static readonly CATEGORY = 'validation';
  readonly category = 'validation';
  readonly retryable = false;
}

/** The node is set up wrong: a missing connection, an entity set that does not exist. */
export class ConfigError extends FlowError {
  static readonly CATEGORY = 'config';
  readonly category = 'config';
  readonly retryable = false;
}

/** The remote refused our credentials (401/403, MQTT CONNACK refused). */
export class AuthError extends FlowError {
  static readonly CATEGORY = 'auth';
  readonly category = 'auth';
  readonly retryable = false;
}

/** Worth another try: timeouts, connection resets, 429/502/503/504, a dropped broker. */
export class TransientError extends FlowError {
  static readonly CATEGORY = 'transient';
  readonly category = 'transient';
  readonly retryable = true;
  /** What the remote asked for (`Retry-After`); the retry decision honours it. */
  readonly retryAfterMs?: number;
  constructor(code: string, message: string, options: FlowErrorOptions & { retryAfterMs?: number } = {}) {
    super(code, message, options);
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
  protected override extraJSON(): Partial<SerializedError> {
    return this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs };
  }
}

/** The remote understood and said no: a business rejection, an OData error body, a 409. */
export class RemoteError extends FlowError {
  static readonly CATEGORY = 'remote';
  readonly category = 'remote';
  readonly retryable = false;
  readonly status?: number;
  readonly vendorCode?: string;
  constructor(
    code: string,
    message: string,
    options: FlowErrorOptions & { status?: number; vendorCode?: string } = {},
  ) {
    super(code, message, options);
    if (options.status !== undefined) this.status = options.status;
    if (options.vendorCode !== undefined) this.vendorCode = options.vendorCode;
  }
  protected override extraJSON(): Partial<SerializedError> {
    return {
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.vendorCode === undefined ? {} : { vendorCode: this.vendorCode }),
    };
  }
}

/** The message itself is wrong: it fails the port schema, or mapping it failed. */
export class DataError extends FlowError {
  static readonly CATEGORY = 'data';
  readonly category = 'data';
  readonly retryable = false;
}

/** User code in the sandbox timed out, ran out of memory or threw. Only a timeout is retried. */
export class SandboxError extends FlowError {
  static readonly CATEGORY = 'sandbox';
  readonly category = 'sandbox';
  readonly reason: SandboxReason;
  constructor(code: string, message: string, options: FlowErrorOptions & { reason: SandboxReason }) {
    super(code, message, options);
    this.reason = options.reason;
  }
  get retryable(): boolean {
    return this.reason === 'timeout';
  }
  protected override extraJSON(): Partial<SerializedError> {
    return { reason: this.reason };
  }
}

/** The step was cancelled (run cancelled, shutdown). Stops quietly. */
export class CancelledError extends FlowError {
  static readonly CATEGORY = 'cancelled';
  readonly category = 'cancelled';
  readonly retryable = false;
}

/** A bug in Millrace. The only kind that is reported as such. */
export class InternalError extends FlowError {
  static readonly CATEGORY = 'internal';
  readonly category = 'internal';
  readonly retryable = false;
}

const CLASS_NAMES: Record<ErrorCategory, string> = {
  validation: 'ValidationError',
  config: 'ConfigError',
  auth: 'AuthError',
  transient: 'TransientError',
  remote: 'RemoteError',
  data: 'DataError',
  sandbox: 'SandboxError',
  cancelled: 'CancelledError',
  internal: 'InternalError',
};

/** Node's network errno codes that mean "try again later". */
/**
 * Errno codes (Node's and undici's) that mean the network or the remote failed for now, not that
 * we are set up wrong. Shared by toFlowError and the connection clients.
 */
export const TRANSIENT_ERRNO: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  // A name that does not resolve is usually a DNS outage at the plant; retrying a typo is harmless.
  'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

/**
 * Normalizes anything thrown into a FlowError at the node boundary: FlowErrors pass through,
 * network errno codes become TransientError, an AbortError becomes CancelledError, the rest
 * InternalError with the original as `cause`.
 */
export function toFlowError(thrown: unknown): FlowError {
  if (isFlowError(thrown)) return thrown;
  if (isSerializedError(thrown)) return fromJSON(thrown);
  if (thrown instanceof Error) {
    const errno = (thrown as { code?: unknown }).code;
    if (typeof errno === 'string' && TRANSIENT_ERRNO.has(errno)) {
      return new TransientError('NETWORK_' + errno, thrown.message, { details: { errno }, cause: thrown });
    }
    if (thrown.name === 'AbortError') return new CancelledError('ABORTED', thrown.message, { cause: thrown });
    return new InternalError('UNEXPECTED_ERROR', thrown.message, { cause: thrown });
  }
  return new InternalError('UNEXPECTED_THROW', `a non-error value was thrown: ${safeString(thrown)}`);
}

function safeString(v: unknown): string {
  try {
    return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}

export function isSerializedError(value: unknown): value is SerializedError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    typeof v.message === 'string' &&
    typeof v.category === 'string' &&
    (ERROR_CATEGORIES as readonly string[]).includes(v.category)
  );
}

/** Rebuilds a FlowError from its JSON form, e.g. from the journal or from the sandbox. */
export function fromJSON(json: SerializedError): FlowError {
  const options = {
    details: json.details ?? {},
    ...(json.cause ? { cause: fromJSON(json.cause) } : {}),
  };
  switch (json.category) {
    case 'validation':
      return new ValidationError(json.code, json.message, options);
    case 'config':
      return new ConfigError(json.code, json.message, options);
    case 'auth':
      return new AuthError(json.code, json.message, options);
    case 'transient':
      return new TransientError(json.code, json.message, {
        ...options,
        ...(json.retryAfterMs === undefined ? {} : { retryAfterMs: json.retryAfterMs }),
      });
    case 'remote':
      return new RemoteError(json.code, json.message, {
        ...options,
        ...(json.status === undefined ? {} : { status: json.status }),
        ...(json.vendorCode === undefined ? {} : { vendorCode: json.vendorCode }),
      });
    case 'data':
      return new DataError(json.code, json.message, options);
    case 'sandbox':
      return new SandboxError(json.code, json.message, { ...options, reason: json.reason ?? 'threw' });
    case 'cancelled':
      return new CancelledError(json.code, json.message, options);
    case 'internal':
      return new InternalError(json.code, json.message, options);
  }
}
