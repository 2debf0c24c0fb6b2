import type { CatalogError } from '@millrace/flow-model';

/**
 * The error codes every QMS business node can raise, for the catalog and the node reference.
 * Browser-safe: data only.
 */
export const QMS_ERRORS: readonly CatalogError[] = [
  {
    code: 'QMS_INPUT_INVALID',
    category: 'data',
    description:
      'A field evaluated to a value the canonical model refuses (a missing lot id, a unit "kg", a time without offset); nothing was sent. The message names each field and its expression.',
  },
  {
    code: 'QMS_PAYLOAD_NOT_OBJECT',
    category: 'data',
    description: 'output is "merge" but the payload is not an object; nothing was sent.',
  },
  {
    code: 'QMS_DUPLICATE_CONFLICT',
    category: 'remote',
    description:
      'The QMS holds a record under the same natural key that differs from this request (details.differences), or names one it cannot show.',
  },
  {
    code: 'QMS_ILLEGAL_TRANSITION',
    category: 'remote',
    description: '409: the lifecycle does not allow this; details.currentState and details.allowedNextStates.',
  },
  {
    code: 'QMS_REQUIRED_FIELD_MISSING',
    category: 'remote',
    description: '422: the QMS (a tenant rule) requires fields the request lacks; details.fields.',
  },
  {
    code: 'QMS_IDEMPOTENCY_KEY_REUSED',
    category: 'remote',
    description: '422: this step sent a different request under the same Idempotency-Key before (the flow changed).',
  },
  {
    code: 'QMS_REQUEST_IN_PROGRESS',
    category: 'transient',
    description: '409: the QMS is still processing an earlier attempt with the same key; retried.',
  },
  {
    code: 'QMS_INVALID_RESPONSE',
    category: 'remote',
    description: 'The QMS answered 2xx without a usable record, or with one the canonical model cannot hold.',
  },
  {
    code: 'HTTP_TRANSIENT',
    category: 'transient',
    description: '408, 429, 502, 503, 504 (retryAfterMs from Retry-After), a timeout or network error; retried.',
  },
  { code: 'HTTP_UNAUTHORIZED', category: 'auth', description: '401 or 403, after one OAuth2 token refresh.' },
  {
    code: 'HTTP_REJECTED',
    category: 'remote',
    description: 'Any other refusal (400, 404, other 409/422, 500); status and vendorCode set.',
  },
  { code: 'QMS_NO_CONNECTION', category: 'config', description: 'No qms-rest connection is bound.' },
];
