import type { SimResponse } from '../core/index.ts';

/**
 * An API refusal. Handlers throw it; the route wrapper turns it into the error body the generic
 * eQMS contract uses (`{ "error": { "code", "message", … } }`, flow-nodes/shared/qms/README.md),
 * so every 4xx names what is wrong in the same shape.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  toResponse(): SimResponse {
    return {
      status: this.status,
      headers: this.headers,
      body: { error: { code: this.code, message: this.message, ...this.extra } },
    };
  }
}

export const notFound = (what: string, id: string): ApiError =>
  new ApiError(404, 'NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist`, { id });

export const requiredMissing = (fields: readonly string[], context = 'this request'): ApiError =>
  new ApiError(422, 'REQUIRED_FIELD_MISSING', `${context} needs ${fields.join(', ')}`, { fields });

export const invalidField = (field: string, message: string, extra: Record<string, unknown> = {}): ApiError =>
  new ApiError(422, 'INVALID_FIELD', `${field}: ${message}`, { fields: [field], field, ...extra });

export const badRequest = (code: string, message: string, extra: Record<string, unknown> = {}): ApiError =>
  new ApiError(400, code, message, extra);

/**
 * Token endpoint errors in the RFC 6749 §5.2 shape (`{ "error": "invalid_client",
 * "error_description" }`), which OAuth clients read, plus code and message at the top level,
 * which the eQMS client reads as well.
 */
export class OAuthError extends ApiError {
  override toResponse(): SimResponse {
    return {
      status: this.status,
      headers: { 'cache-control': 'no-store', ...this.headers },
      body: { error: this.code, error_description: this.message, code: this.code, message: this.message },
    };
  }
}
