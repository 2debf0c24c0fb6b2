import type { ServerResponse } from 'node:http';

/** An RFC 9457 problem: what went wrong, in plain words, with a stable type per code. */
export interface ProblemDetails {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

export function sendProblem(res: ServerResponse, p: ProblemDetails, headers: Record<string, string> = {}): void {
  const { status, code, title, detail, ...extensions } = p;
  const body = JSON.stringify({
    type: `https://millrace.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    detail,
    code,
    ...extensions,
  });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
