import { DataError } from '@millrace/node-sdk';
import { validateCanonical } from '@millrace/canonical';

/**
 * Turning evaluated expression values into a request, and refusing a bad one before anything
 * is sent. The check is the canonical schema itself: the request is laid out as the canonical
 * object it will become (placeholder id and initial status), so "lotId is required", "uom must
 * be a UN/CEFACT code" and "dueAt needs an offset" come from the same rules every other part of
 * Millrace applies, and a bad message fails as a DataError (never retried, parked with its
 * input) instead of as a QMS 422 after a round trip, or not at all.
 */

/** A valid UUID that is never a real record's: only the schema check ever sees it. */
const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';

/** Identifiers: a whole number becomes its decimal text (order numbers often arrive as numbers). */
export function ref(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return value;
}

/** A list of identifiers; a single one is a list of one, `null`/`undefined` is "not given". */
export function refList(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  return Array.isArray(value) ? value.map((v) => (v === null ? v : ref(v))) : [ref(value)];
}

/** `null` is "not given": JSON cannot say `undefined`, so the sandbox answers `null` for it. */
export function given(value: unknown): unknown {
  return value === null ? undefined : value;
}

/** The object without its `undefined` fields, so "not given" is absent on the wire too. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export interface DraftCheck {
  /** `canonical:InspectionLot@1`… */
  readonly schema: string;
  /** The request's fields, named as in the canonical object and the node's config. */
  readonly fields: Record<string, unknown>;
  /** The canonical object's initial status, so the draft is complete. */
  readonly status: string;
  /** Field → the expression that gave it, for the message. */
  readonly expressions: Readonly<Record<string, string | undefined>>;
  readonly nodeType: string;
  /** "inspection", "quality event"… */
  readonly what: string;
  /** The DataError's code. */
  readonly code: string;
}

export interface FieldProblem {
  readonly field: string;
  readonly pointer: string;
  readonly expression?: string;
  readonly message: string;
}

/** Throws a DataError naming each field, its expression and what is wrong with its value. */
export function checkDraft(check: DraftCheck): void {
  const draft = { id: PLACEHOLDER_ID, schemaVersion: 1, ...check.fields, status: check.status };
  const problems: FieldProblem[] = validateCanonical(check.schema, draft).map((p) => {
    const field = p.pointer.split('/')[1] ?? '';
    const expression = check.expressions[field];
    return { field, pointer: p.pointer, ...(expression ? { expression } : {}), message: p.message };
  });
  if (problems.length === 0) return;
  const said = problems.map((p) => {
    const name = p.pointer.slice(1).replaceAll('/', '.') || '(the request)';
    return `${name}${p.expression ? ` (${p.expression})` : ''} ${p.message}`;
  });
  throw new DataError(
    check.code,
    `${check.nodeType}: the ${check.what} cannot be requested from this message: ${said.join('; ')}.`,
    { details: { problems } },
  );
}

/**
 * The sender's key for a record (the QMS's natural key for it): the expression's value, or the
 * step's idempotency key when the config has no expression, so every step opens its own record.
 * An expression that gives nothing is an error, not a quiet fallback: the author meant a key.
 */
export function externalIdOf(
  value: unknown,
  expression: string | undefined,
  fallback: string,
  nodeType: string,
): string {
  const id = expression === undefined ? fallback : ref(value);
  if (typeof id === 'string' && /^\S(.*\S)?$/.test(id) && id.length <= 128) return id;
  const message =
    id === undefined
      ? 'is required but missing'
      : `must be an identifier of 1 to 128 characters without leading or trailing spaces; got ${JSON.stringify(id)}`;
  throw new DataError(
    'QMS_INPUT_INVALID',
    `${nodeType}: the record cannot be requested from this message: externalId (${expression ?? 'the idempotency key'}) ${message}.`,
    { details: { problems: [{ field: 'externalId', pointer: '/externalId', expression, message }] } },
  );
}
