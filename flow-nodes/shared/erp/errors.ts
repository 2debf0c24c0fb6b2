import {
  AuthError,
  ConfigError,
  DataError,
  RemoteError,
  TransientError,
  isFlowError,
  type FlowError,
} from '@millrace/node-sdk';

/**
 * Errors of the ERP business nodes speak one vocabulary whatever adapter answered: a flow that
 * routes on ERP_TRANSIENT or ERP_REJECTED keeps working when a plant moves to another ERP. The
 * vendor's own code stays in `details.vendorErrorCode`, its message code in `vendorCode`.
 */

/** SAP_TRANSIENT → ERP_TRANSIENT, SAP_REJECTED → ERP_REJECTED, …; other errors unchanged. */
export function neutral(thrown: unknown): unknown {
  if (!isFlowError(thrown)) return thrown;
  const match = /^[A-Z0-9]+_(.+)$/.exec(thrown.code);
  if (!match || thrown.code.startsWith('ERP_') || !VENDOR_PREFIXES.some((p) => thrown.code.startsWith(p)))
    return thrown;
  return recoded(thrown, `ERP_${match[1]}`);
}

const VENDOR_PREFIXES = ['SAP_', 'HTTP_'];

/** The same error under another code, keeping its category, message, details and cause. */
export function recoded(error: FlowError, code: string, message = error.message, extra: Record<string, unknown> = {}) {
  const details = { ...error.details, vendorErrorCode: error.details.vendorErrorCode ?? error.code, ...extra };
  const options = { details, cause: error };
  if (error instanceof TransientError)
    return new TransientError(code, message, {
      ...options,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  if (error instanceof RemoteError)
    return new RemoteError(code, message, {
      ...options,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.vendorCode === undefined ? {} : { vendorCode: error.vendorCode }),
    });
  if (error instanceof AuthError) return new AuthError(code, message, options);
  if (error instanceof DataError) return new DataError(code, message, options);
  if (error instanceof ConfigError) return new ConfigError(code, message, options);
  return error;
}

/** A failure after which the state of the ERP is not known: the request may have been applied. */
export function isTransient(thrown: unknown): thrown is TransientError {
  return thrown instanceof TransientError;
}

/** The step's input cannot be used: names the config field and the expression that gave it. */
export function inputError(field: string, expression: string | undefined, problem: string): DataError {
  const from = expression === undefined ? '' : ` (${expression})`;
  return new DataError('ERP_INPUT_INVALID', `${field}${from} ${problem}.`, {
    details: { field, ...(expression === undefined ? {} : { expression }) },
  });
}
