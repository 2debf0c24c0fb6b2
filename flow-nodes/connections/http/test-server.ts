import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the test server saw it. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The client's port: the same port on two requests means a reused connection. */
  readonly remotePort: number | undefined;
}

export type TestHandler = (req: IncomingMessage, res: ServerResponse, body: string) => unknown;

export interface TestServer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly requests: SeenRequest[];
  /** Replaces the handler for the requests that follow. */
  handle(handler: TestHandler): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 and a random port, for testing the client end to end (no
 * mocked undici). Records every request with its body read as text.
 */
export async function startTestServer(handler: TestHandler = (_q, res) => res.end()): Promise<TestServer> {
  let current = handler;
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        remotePort: req.socket.remotePort,
      });
      Promise.resolve(current(req, res, body)).catch((e: unknown) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with JSON text exactly as given. */
export function sendJson(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}
