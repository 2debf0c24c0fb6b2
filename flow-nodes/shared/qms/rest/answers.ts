import { RemoteError, TransientError, type FlowError } from '@millrace/node-sdk';
import { statusError, type AnswerSummary } from '../../../connections/http/classify.ts';
import { parseRetryAfter } from '../../../connections/http/retry-after.ts';

/**
 * Reading a business API's error answers (the QMS's, and the MES REST API's, which follows the
 * same conventions). The HTTP classification (connections/http/classify.ts) decides first:
 * 408/429/502/503/504 are transient with Retry-After, 401/403 are auth, the rest remote. On top
 * of that, the error body says what a 409 or 422 means, which decides between "retry", "that is
 * success", "a person must look" and "the flow is wrong".
 */

/** The error body: `{ "error": { "code", "message", … } }`, or the same fields at the top. */
export interface VendorError {
  readonly code?: string;
  readonly message?: string;
  /** 409 duplicate: the id of the record that already holds the natural key. */
  readonly existingId?: string;
  /** 409 illegal transition: where the record is, and where it may go. */
  readonly currentState?: string;
  readonly allowedNextStates?: readonly string[];
  /** 422: the fields the API wants. */
  readonly fields?: readonly string[];
}

/** Bodies larger than this are not parsed for a code: an error body that big is not one of ours. */
const MAX_PARSED = 64 * 1024;

export function readVendorError(answer: AnswerSummary): VendorError {
  const body = parseObject(answer.bodyText);
  if (!body) return {};
  const inner = typeof body.error === 'object' && body.error !== null ? (body.error as Record<string, unknown>) : body;
  const code = text(inner.code) ?? text(inner.errorCode) ?? text(body.error) ?? text(body.code);
  const message = text(inner.message) ?? text(body.message);
  const existingId = text(inner.existingId) ?? text(inner.existing_id) ?? text(inner.duplicateOf);
  const currentState = text(inner.currentState) ?? text(inner.state);
  const allowedNextStates = texts(inner.allowedNextStates) ?? texts(inner.nextStates) ?? texts(inner.allowedStates);
  const fields = texts(inner.fields) ?? texts(inner.missingFields);
  return {
    ...(code === undefined ? {} : { code }),
    ...(message === undefined ? {} : { message }),
    ...(existingId === undefined ? {} : { existingId }),
    ...(currentState === undefined ? {} : { currentState }),
    ...(allowedNextStates === undefined ? {} : { allowedNextStates }),
    ...(fields === undefined ? {} : { fields }),
  };
}

/** A 409 that says "this record exists already" (Catena-X style), as opposed to any other conflict. */
export function isDuplicate(answer: AnswerSummary, vendor: VendorError): boolean {
  return (
    answer.status === 409 && (vendor.existingId !== undefined || /DUPLICATE|ALREADY_EXISTS/i.test(vendor.code ?? ''))
  );
}

/**
 * The FlowError for a failed answer. `prefix` names the system in the codes (QMS_…, MES_…).
 * - 409 "request with this Idempotency-Key still in progress" → transient: the first attempt
 *   is still running there, and asking again later gets its answer.
 * - 409 illegal lifecycle transition → remote, with the current and allowed next states.
 * - 422 REQUIRED_FIELD_MISSING (a tenant made a field mandatory) → remote, naming the fields.
 * - 422 IDEMPOTENCY_KEY_REUSED → remote: the same step sent a different body under the same key
 *   (the flow changed between an attempt and its replay); repeating it cannot help.
 * - anything else as the HTTP classification says.
 */
export function answerError(answer: AnswerSummary, method: string, now: Date, prefix: string): FlowError {
  const base =
    statusError(answer, method, now) ??
    new RemoteError(`${prefix}_INVALID_RESPONSE`, `${method} ${answer.url} answered ${answer.status}.`, {
      status: answer.status,
    });
  if (answer.status !== 409 && answer.status !== 422) return base;
  const vendor = readVendorError(answer);
  const code = vendor.code ?? '';
  const { code: _code, message: vendorMessage, ...said } = vendor;
  const details = { ...base.details, ...(vendorMessage === undefined ? {} : { vendorMessage }), ...said };
  const where = `${method} ${answer.url} answered ${answer.status}`;
  const remote = (flowCode: string, message: string) =>
    new RemoteError(flowCode, message, {
      details,
      status: answer.status,
      ...(vendor.code === undefined ? {} : { vendorCode: vendor.code }),
    });

  if (answer.status === 409) {
    if (/IN_PROGRESS|IN_USE|CONCURRENT/i.test(code)) {
      const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], now);
      return new TransientError(
        `${prefix}_REQUEST_IN_PROGRESS`,
        `${where}: a request with the same Idempotency-Key is still being processed; try again later.`,
        { details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
      );
    }
    if (vendor.allowedNextStates !== undefined || /TRANSITION/i.test(code)) {
      const from = vendor.currentState ? ` from "${vendor.currentState}"` : '';
      const next = vendor.allowedNextStates?.length ? vendor.allowedNextStates.join(', ') : 'none';
      return remote(
        `${prefix}_ILLEGAL_TRANSITION`,
        `${where}: the record cannot move${from} this way; allowed next states: ${next}.`,
      );
    }
    return base;
  }
  if (/REQUIRED_FIELD/i.test(code)) {
    const fields = vendor.fields?.length ? `: ${vendor.fields.join(', ')}` : '';
    return remote(
      `${prefix}_REQUIRED_FIELD_MISSING`,
      `${where}: the ${prefix} requires fields this request lacks${fields}.`,
    );
  }
  if (/IDEMPOTENCY_KEY/i.test(code)) {
    return remote(
      `${prefix}_IDEMPOTENCY_KEY_REUSED`,
      `${where}: this step's Idempotency-Key was used before with a different request; the earlier request stands.`,
    );
  }
  return base;
}

export function parseObject(bodyText: string): Record<string, unknown> | undefined {
  if (bodyText === '' || bodyText.length > MAX_PARSED) return undefined;
  try {
    const value: unknown = JSON.parse(bodyText);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' ? String(value) : undefined;
}

function texts(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}
