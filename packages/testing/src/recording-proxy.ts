import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * One exchange a live test run made with a system, as a canned answer of a test case: the
 * request by method and path (query included), the answer with its status, body and the headers
 * a flow may read. Request bodies and credentials are not kept.
 */
export interface RecordedExchange {
  readonly request: { readonly method: string; readonly path: string };
  readonly response: {
    readonly status: number;
    readonly headers?: Readonly<Record<string, string>>;
    readonly json?: unknown;
    readonly text?: string;
  };
  readonly times: 1;
}

export interface RecordingProxy {
  /** Origin to bind the connection to, in place of the system's. */
  readonly origin: string;
  /** What passed through, in order (without the exchanges `skip` left out). */
  readonly exchanges: readonly RecordedExchange[];
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) and the host are the proxy's own business.
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
/** Answer headers a flow reads (optimistic locking, created resources, back-off): kept in the recording. */
const KEPT = ['etag', 'location', 'retry-after'];
const MAX_BODY = 10 * 1024 * 1024;

/**
 * A pass-through HTTP proxy in front of one system (a plant's simulator) that records what a
 * live test run exchanged with it, so that the run can be kept as a test case with canned answers.
 * Loopback only: it listens on 127.0.0.1 and forwards to the one origin it was given.
 */
export async function recordingProxy(
  target: string,
  options: { skip?(r: { method: string; url: string; headers: IncomingHttpHeaders }): boolean } = {},
): Promise<RecordingProxy> {
  const to = new URL(target);
  const exchanges: RecordedExchange[] = [];
  const server = createServer((req, res) => {
    // The flow gave up on the request (its timeout): nothing to forward or record, and no crash.
    req.on('error', () => res.destroy());
    res.on('error', () => undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined && !HOP.has(name) && name !== 'host') headers[name] = value;
      const body = Buffer.concat(chunks);
      const send = to.protocol === 'https:' ? httpsRequest : httpRequest;
      const out = send(
        { protocol: to.protocol, hostname: to.hostname, port: to.port, method: req.method, path: req.url, headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            const text = Buffer.concat(parts);
            const back: Record<string, string | string[]> = {};
            for (const [name, value] of Object.entries(answer.headers))
              if (value !== undefined && !HOP.has(name) && name !== 'content-length') back[name] = value;
            res.writeHead(answer.statusCode ?? 502, back);
            res.end(text);
            const method = req.method ?? 'GET';
            const url = req.url ?? '/';
            if (!options.skip?.({ method, url, headers: req.headers }))
              exchanges.push(exchangeOf(method, url, answer.statusCode ?? 502, answer.headers, text));
          });
          answer.on('error', () => res.destroy());
        },
      );
      out.on('error', (e) => {
        // The system is down: the flow sees what it would see without the proxy, a failed connection.
        res.destroy(e);
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function exchangeOf(
  method: string,
  url: string,
  status: number,
  headers: IncomingHttpHeaders,
  body: Buffer,
): RecordedExchange {
  const kept: Record<string, string> = {};
  for (const name of KEPT) {
    const v = headers[name];
    if (typeof v === 'string') kept[name] = v;
  }
  const type = String(headers['content-type'] ?? '');
  const text = body.toString('utf8');
  let payload: { json: unknown } | { text: string } | Record<string, never> = {};
  if (text !== '') {
    if (/[/+]json\b/i.test(type)) {
      try {
        payload = { json: JSON.parse(text) as unknown };
      } catch {
        payload = { text };
      }
    } else payload = { text };
  }
  if ('text' in payload && type) kept['content-type'] = type;
  return {
    request: { method: method.toUpperCase(), path: url },
    response: { status, ...(Object.keys(kept).length > 0 ? { headers: kept } : {}), ...payload },
    times: 1,
  };
}
