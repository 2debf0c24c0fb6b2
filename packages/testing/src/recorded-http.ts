import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';

/** What a recorded request must look like. Fields left out match anything. */
export interface RequestMatcher {
  /** GET, POST, … (any case). */
  readonly method: string;
  /**
   * The path: a string is compared with the path alone (`/api/orders/4711`), or with path and
   * query when it holds a `?`; a RegExp is tested against path and query.
   */
  readonly path: string | RegExp;
  /** Query parameters that must be present with these values (others may be too). */
  readonly query?: Readonly<Record<string, string>>;
  /** Headers that must be present (names in any case), with this value or matching this RegExp. */
  readonly headers?: Readonly<Record<string, string | RegExp>>;
  /** The body text contains this. */
  readonly bodyIncludes?: string;
  /** The body is JSON equal to this (deep equality, key order ignored). */
  readonly json?: unknown;
}

export interface RecordedResponse {
  /** @default 200 */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON text with Content-Type application/json… */
  readonly json?: unknown;
  /** …or sent as is (Content-Type text/plain unless given). Neither: no body. */
  readonly text?: string;
  /** Wait this long before answering (timeouts, slow endpoints). */
  readonly delayMs?: number;
}

export interface Expectation {
  readonly request: RequestMatcher;
  readonly response: RecordedResponse;
  /** How many requests this answers. @default 1 */
  readonly times?: number;
}

export interface SeenRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Index of the expectation that answered it, or null when none matched. */
  readonly matched: number | null;
}

export interface RecordedHttpOptions {
  /** Answer expectations strictly in the order given, instead of the first pending one that matches. @default false */
  readonly ordered?: boolean;
  /** Status for a request no expectation matches: 501 is a non-retryable failure for http.request. @default 501 */
  readonly unexpectedStatus?: number;
}

export interface RecordedHttp {
  /** `http://127.0.0.1:<port>`: put it in a profile's binding (`baseUrl`). */
  readonly baseUrl: string;
  /** Every request, in arrival order. */
  readonly requests: readonly SeenRequest[];
  /** Requests no expectation matched. */
  readonly unexpected: readonly SeenRequest[];
  /** Adds expectations after the ones given so far. */
  expect(...more: Expectation[]): void;
  /** Expectations with answers left to give. */
  pending(): Expectation[];
  /** Throws, listing every pending expectation and every unexpected request, unless there are none. */
  assertDone(): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 and a random port that answers from a list of expectations,
 * so connector nodes and whole flows are tested over the wire with no live endpoint. Each
 * request takes the first pending expectation it matches (so the same request listed twice is
 * answered in that order: a 503, then a 200); `ordered` allows only the next one.
 */
export async function recordedHttp(
  expectations: readonly Expectation[] = [],
  options: RecordedHttpOptions = {},
): Promise<RecordedHttp> {
  const list: Array<{ e: Expectation; left: number }> = [];
  const add = (e: Expectation) => list.push({ e, left: e.times ?? 1 });
  expectations.forEach(add);
  const requests: SeenRequest[] = [];
  const unexpected: SeenRequest[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const candidates = options.ordered ? list.filter((x) => x.left > 0).slice(0, 1) : list.filter((x) => x.left > 0);
      const hit = candidates.find((x) => requestMatches(x.e.request, seen));
      const record: SeenRequest = { ...seen, matched: hit ? list.indexOf(hit) : null };
      requests.push(record);
      if (!hit) {
        unexpected.push(record);
        const problem = { title: 'No recorded answer for this request', method: seen.method, url: seen.url };
        answer(res, { status: options.unexpectedStatus ?? 501, json: problem });
        return;
      }
      hit.left--;
      answer(res, hit.e.response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const timers = new Set<NodeJS.Timeout>();

  function answer(res: ServerResponse, r: RecordedResponse): void {
    const send = () => {
      const headers: Record<string, string> = { ...r.headers };
      const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
      let body: string | undefined;
      if (r.json !== undefined) {
        body = JSON.stringify(r.json);
        if (!has('content-type')) headers['content-type'] = 'application/json';
      } else if (r.text !== undefined) {
        body = r.text;
        if (!has('content-type')) headers['content-type'] = 'text/plain; charset=utf-8';
      }
      res.writeHead(r.status ?? 200, headers);
      res.end(body);
    };
    if (!r.delayMs) return send();
    const t = setTimeout(() => {
      timers.delete(t);
      if (!res.destroyed) send();
    }, r.delayMs);
    timers.add(t);
  }

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    unexpected,
    expect: (...more) => more.forEach(add),
    pending: () => list.filter((x) => x.left > 0).map((x) => x.e),
    assertDone() {
      const pending = list.filter((x) => x.left > 0);
      if (pending.length === 0 && unexpected.length === 0) return;
      const lines = [
        `recorded HTTP is not done: ${pending.length} expectation(s) still pending, ${unexpected.length} unexpected request(s)`,
        ...pending.map((x) => `  pending: ${describeExpectation(x.e)}${x.left > 1 ? ` (${x.left} more times)` : ''}`),
        ...unexpected.map((r) => `  unexpected: ${r.method} ${r.url}${r.body ? ` ${excerpt(r.body)}` : ''}`),
      ];
      throw new Error(lines.join('\n'));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Whether a request (method, path and query, headers, body) is one a matcher describes. */
export function requestMatches(
  m: RequestMatcher,
  req: { method: string; url: string; headers: IncomingHttpHeaders; body: string },
): boolean {
  if (m.method.toUpperCase() !== req.method.toUpperCase()) return false;
  const url = new URL(req.url, 'http://recorded.invalid');
  if (m.path instanceof RegExp) {
    if (!m.path.test(req.url)) return false;
  } else if (m.path !== (m.path.includes('?') ? req.url : url.pathname)) return false;
  for (const [name, value] of Object.entries(m.query ?? {})) if (url.searchParams.get(name) !== value) return false;
  for (const [name, want] of Object.entries(m.headers ?? {})) {
    const got = req.headers[name.toLowerCase()];
    const text = Array.isArray(got) ? got.join(', ') : got;
    if (text === undefined || (want instanceof RegExp ? !want.test(text) : want !== text)) return false;
  }
  if (m.bodyIncludes !== undefined && !req.body.includes(m.bodyIncludes)) return false;
  if (m.json !== undefined) {
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      return false;
    }
    if (!isDeepStrictEqual(body, m.json)) return false;
  }
  return true;
}

const excerpt = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

function describeExpectation(e: Expectation): string {
  const r = e.request;
  const parts = [`${r.method.toUpperCase()} ${String(r.path)}`];
  if (r.query) parts.push(`query ${JSON.stringify(r.query)}`);
  if (r.headers) parts.push(`headers ${Object.keys(r.headers).join(', ')}`);
  if (r.bodyIncludes !== undefined) parts.push(`body including ${JSON.stringify(r.bodyIncludes)}`);
  if (r.json !== undefined) parts.push(`JSON ${excerpt(JSON.stringify(r.json))}`);
  return `${parts.join(', ')} → ${e.response.status ?? 200}`;
}
