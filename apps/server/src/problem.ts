/**
 * Errors as RFC 9457 problem+json: an HttpError thrown anywhere in a route becomes one answer
 * with a stable `type` per code; anything else is a 500 that says nothing of its insides.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, extensions?: Record<string, unknown>) =>
  new HttpError(400, 'BAD_REQUEST', 'Bad request', detail, extensions);
export const notFound = (detail: string) => new HttpError(404, 'NOT_FOUND', 'Not found', detail);
export const conflict = (detail: string) => new HttpError(409, 'CONFLICT', 'Conflict', detail);
export const unauthorized = (detail: string) =>
  new HttpError(401, 'UNAUTHORIZED', 'Not authenticated', detail, {}, { 'www-authenticate': 'Bearer' });
export const forbidden = (detail: string) => new HttpError(403, 'FORBIDDEN', 'Not allowed', detail);

export function problemBody(e: HttpError, instance?: string): Record<string, unknown> {
  return {
    type: `https://millrace.dev/problems/${e.code.toLowerCase().replace(/_/g, '-')}`,
    title: e.title,
    status: e.status,
    detail: e.message,
    code: e.code,
    ...(instance ? { instance } : {}),
    ...e.extensions,
  };
}
