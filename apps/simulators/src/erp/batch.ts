import { STATUS_CODES } from 'node:http';
import type { ODataEngine, ODataRequest, ODataResponse } from './odata/engine.ts';
import type { ODataError } from './odata/errors.ts';
import { badRequest } from './odata/errors.ts';

/**
 * `$batch` (multipart/mixed). Retrievals sit outside change sets and are answered one by one; a
 * change set is one transaction: its parts run in order, and when one fails the store is put
 * back as before the change set and the change set is answered with that one error (as
 * Gateway does). The outer answer is always 202. Part URLs may be relative to the service root,
 * absolute paths, or absolute URLs (the SAP Cloud SDK sends those); `$<Content-ID>` refers to
 * an entity created earlier in the same change set.
 */
interface Part {
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface HttpPart {
  readonly contentId?: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

class ChangeSetFailed extends Error {
  constructor(
    readonly part: HttpPart,
    readonly response: ODataResponse,
  ) {
    super('change set failed');
  }
}

export function runBatch(
  engine: ODataEngine,
  outer: ODataRequest,
  servicePath: string,
  transaction: <T>(fn: () => T) => T,
): ODataResponse {
  const boundary = boundaryOf(outer.headers['content-type']);
  const parts = splitMultipart(outer.bodyText, boundary);
  const out = `batch_${Math.random().toString(16).slice(2, 14)}`;
  const chunks: string[] = [];
  for (const part of parts) {
    const type = part.headers['content-type'] ?? '';
    if (/^multipart\/mixed/i.test(type)) {
      const changes = splitMultipart(part.body, boundaryOf(type)).map(httpPart);
      chunks.push(runChangeSet(engine, outer, servicePath, changes, transaction));
    } else {
      const req = httpPart(part);
      if (req.method !== 'GET') throw badRequest(`$batch: ${req.method} ${req.url} must be inside a change set`);
      chunks.push(
        `content-type: application/http\r\ncontent-transfer-encoding: binary\r\n\r\n${httpResponse(engine.handle(toRequest(outer, servicePath, req, new Map())))}`,
      );
    }
  }
  const body = chunks.map((c) => `--${out}\r\n${c}\r\n`).join('') + `--${out}--\r\n`;
  return {
    status: 202,
    headers: { 'content-type': `multipart/mixed; boundary=${out}`, dataserviceversion: '2.0' },
    body,
  };
}

function runChangeSet(
  engine: ODataEngine,
  outer: ODataRequest,
  servicePath: string,
  changes: HttpPart[],
  transaction: <T>(fn: () => T) => T,
): string {
  const locations = new Map<string, string>();
  try {
    const answers = transaction(() =>
      changes.map((part) => {
        if (part.method === 'GET')
          throw new ChangeSetFailed(part, errorResponse(badRequest('A change set may not contain GET requests')));
        const res = engine.handle(toRequest(outer, servicePath, part, locations));
        if (res.status >= 400) throw new ChangeSetFailed(part, res);
        if (part.contentId && res.headers.location) locations.set(part.contentId, res.headers.location);
        return { part, res };
      }),
    );
    const cs = `changeset_${Math.random().toString(16).slice(2, 14)}`;
    const inner = answers
      .map(
        ({ part, res }) =>
          `--${cs}\r\ncontent-type: application/http\r\ncontent-transfer-encoding: binary\r\n${part.contentId ? `content-id: ${part.contentId}\r\n` : ''}\r\n${httpResponse(res)}\r\n`,
      )
      .join('');
    return `content-type: multipart/mixed; boundary=${cs}\r\n\r\n${inner}--${cs}--`;
  } catch (thrown) {
    if (!(thrown instanceof ChangeSetFailed)) throw thrown;
    return `content-type: application/http\r\ncontent-transfer-encoding: binary\r\n\r\n${httpResponse(thrown.response)}`;
  }
}

function errorResponse(error: ODataError): ODataResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', dataserviceversion: '2.0' },
    body: {
      error: { code: error.code, message: { lang: 'en', value: error.message }, innererror: { errordetails: [] } },
    },
  };
}

function toRequest(
  outer: ODataRequest,
  servicePath: string,
  part: HttpPart,
  locations: Map<string, string>,
): ODataRequest {
  let url = part.url;
  const ref = /^\$([^/?]+)(.*)$/.exec(url);
  if (ref) {
    const location = locations.get(ref[1]!);
    if (!location)
      throw badRequest(`$batch: Content-ID $${ref[1]} refers to nothing created earlier in this change set`);
    url = location + ref[2]!;
  }
  url = url.replace(/^https?:\/\/[^/]+/i, '');
  const [pathPart = '', query = ''] = url.split(/\?(.*)/s);
  let path = pathPart;
  if (path.startsWith('/')) {
    if (!path.startsWith(servicePath))
      throw badRequest(`$batch: ${part.url} is not in the service ${servicePath} of this $batch`);
    path = path.slice(servicePath.length);
  }
  const headers: Record<string, string | undefined> = { ...part.headers };
  return {
    method: methodOf(part),
    path: path.replace(/^\//, ''),
    query: new URLSearchParams(query),
    headers,
    bodyText: part.body,
    user: outer.user,
  };
}

function methodOf(part: HttpPart): string {
  const override = part.headers['x-http-method'];
  return part.method === 'POST' && override ? override.toUpperCase() : part.method;
}

function boundaryOf(contentType: string | undefined): string {
  const m = /boundary=("?)([^";]+)\1/i.exec(contentType ?? '');
  if (!m) throw badRequest('$batch needs Content-Type: multipart/mixed; boundary=…');
  return m[2]!;
}

function splitMultipart(text: string, boundary: string): Part[] {
  const lines = text.split(/\r?\n/);
  const parts: Part[] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    if (line === `--${boundary}` || line === `--${boundary}--`) {
      if (current) parts.push(parsePart(current));
      current = line.endsWith('--') && line !== `--${boundary}` ? undefined : [];
      if (!current) {
        closed = true;
        break;
      }
      continue;
    }
    current?.push(line);
  }
  if (!closed) throw badRequest(`$batch: the closing delimiter --${boundary}-- is missing`);
  return parts;
}

function parsePart(lines: string[]): Part {
  const blank = lines.indexOf('');
  const head = blank < 0 ? lines : lines.slice(0, blank);
  const body = blank < 0 ? '' : lines.slice(blank + 1).join('\r\n');
  return { headers: headersOf(head), body };
}

function headersOf(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function httpPart(part: Part): HttpPart {
  if (!/^application\/http/i.test(part.headers['content-type'] ?? ''))
    throw badRequest('$batch: each part must be Content-Type: application/http (or a multipart/mixed change set)');
  const lines = part.body.split(/\r\n/);
  const m = /^(GET|POST|PUT|PATCH|MERGE|DELETE)\s+(\S+)\s+HTTP\/1\.[01]$/i.exec(lines[0]?.trim() ?? '');
  if (!m)
    throw badRequest(`$batch: '${lines[0] ?? ''}' is not a request line such as "GET A_ProductionOrder_2 HTTP/1.1"`);
  const blank = lines.indexOf('', 1);
  const head = blank < 0 ? lines.slice(1) : lines.slice(1, blank);
  const body =
    blank < 0
      ? ''
      : lines
          .slice(blank + 1)
          .join('\r\n')
          .trim();
  const contentId = part.headers['content-id'];
  return {
    ...(contentId ? { contentId } : {}),
    method: m[1]!.toUpperCase(),
    url: m[2]!,
    headers: headersOf(head),
    body,
  };
}

function httpResponse(res: ODataResponse): string {
  const body = res.body === undefined ? '' : typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  const headers = { ...res.headers, 'content-length': String(Buffer.byteLength(body)) };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n');
  return `HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ''}\r\n${head}\r\n\r\n${body}`;
}
