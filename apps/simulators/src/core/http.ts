import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drift, type FaultEffect } from './faults.ts';
import type { SimContext } from './context.ts';

export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly params: Readonly<Record<string, string>>;
  /** The raw body text ('' when none). */
  readonly bodyText: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  readonly body: unknown;
  readonly raw: IncomingMessage;
}

export interface SimResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as JSON; a string as is (set content-type in headers). */
  readonly body?: unknown;
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

interface Route {
  readonly method: string;
  readonly parts: readonly string[];
  readonly handler: Handler;
}

/** A small router: `/a/:id/b`, and `*` at the end for the rest of the path (as params['*']). */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), parts: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  get(p: string, h: Handler): this {
    return this.add('GET', p, h);
  }
  post(p: string, h: Handler): this {
    return this.add('POST', p, h);
  }
  put(p: string, h: Handler): this {
    return this.add('PUT', p, h);
  }
  patch(p: string, h: Handler): this {
    return this.add('PATCH', p, h);
  }
  delete(p: string, h: Handler): this {
    return this.add('DELETE', p, h);
  }

  /** The handler and params for a request; `methods` lists what the path allows when the method does not match. */
  match(
    method: string,
    path: string,
  ): { handler: Handler; params: Record<string, string> } | { methods: string[] } | undefined {
    const parts = path.split('/').filter(Boolean);
    const methods: string[] = [];
    for (const route of this.routes) {
      const params = matchParts(route.parts, parts);
      if (!params) continue;
      if (route.method === method || route.method === 'ANY') return { handler: route.handler, params };
      methods.push(route.method);
    }
    return methods.length > 0 ? { methods } : undefined;
  }
}

function matchParts(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p === '*') {
      params['*'] = parts.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(part);
    else if (p !== part) return undefined;
  }
  return parts.length === pattern.length ? params : undefined;
}

export interface SimServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;

/**
 * An HTTP server for a simulator: routes, the `/__sim` control plane, fault injection on every
 * other request (including X-Sim-Fault), and a request log.
 */
export async function startSimServer(options: {
  ctx: SimContext;
  router: Router;
  port?: number;
  host?: string;
}): Promise<SimServer> {
  const { ctx, router } = options;
  const hanging = new Set<ServerResponse>();
  const server = createServer((raw, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    raw.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    raw.on('end', () => {
      void handle(raw, res, Buffer.concat(chunks).toString('utf8'), size > MAX_BODY).catch((e: unknown) => {
        if (!res.headersSent) send(res, { status: 500, body: { error: { code: 'SIM_INTERNAL', message: String(e) } } });
      });
    });
  });

  async function handle(raw: IncomingMessage, res: ServerResponse, bodyText: string, tooLarge: boolean): Promise<void> {
    const url = new URL(raw.url ?? '/', 'http://sim');
    const method = (raw.method ?? 'GET').toUpperCase();
    let body: unknown;
    try {
      body = bodyText ? (JSON.parse(bodyText) as unknown) : undefined;
    } catch {
      body = undefined;
    }
    const isControl = url.pathname.startsWith('/__sim');
    const effect = isControl
      ? undefined
      : ctx.faults.forRequest(method, url.pathname, raw.headers['x-sim-fault'] as string | undefined);
    const entry = ctx.log.record({
      at: ctx.clock.iso(),
      method,
      path: url.pathname,
      query: url.search,
      headers: raw.headers,
      bodyText,
      fault: effect?.kind,
    });
    if (tooLarge)
      return finish(res, entry, { status: 413, body: { error: { code: 'TOO_LARGE', message: 'body too large' } } });
    if (effect?.kind === 'drop') {
      entry.status = 0;
      raw.socket.destroy();
      return;
    }
    if (effect?.kind === 'status') {
      const headers: Record<string, string> =
        effect.retryAfterSec === undefined ? {} : { 'retry-after': String(effect.retryAfterSec) };
      if (effect.html)
        return finish(res, entry, {
          status: effect.status,
          headers: { ...headers, 'content-type': 'text/html' },
          body: `<html><body><h1>${effect.status} Service Unavailable</h1></body></html>`,
        });
      return finish(res, entry, {
        status: effect.status,
        headers,
        body: effect.body ?? { error: { code: `SIM_${effect.status}`, message: `simulated ${effect.status}` } },
      });
    }
    if (effect?.kind === 'delay') await new Promise((r) => setTimeout(r, effect.ms));
    const found = router.match(method, url.pathname);
    if (!found)
      return finish(res, entry, {
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: `nothing at ${url.pathname}` } },
      });
    if ('methods' in found)
      return finish(res, entry, {
        status: 405,
        headers: { allow: found.methods.join(', ') },
        body: { error: { code: 'METHOD_NOT_ALLOWED', message: `${method} is not allowed` } },
      });
    const answer = await found.handler({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: raw.headers,
      params: found.params,
      bodyText,
      body,
      raw,
    });
    if (effect?.kind === 'timeout-after-commit') {
      // The work is done (committed); the answer never comes.
      entry.status = -1;
      hanging.add(res);
      return;
    }
    const drifted =
      effect?.kind === 'schema-drift' && answer.body !== undefined && typeof answer.body !== 'string'
        ? { ...answer, body: drift(answer.body, effect) }
        : answer;
    return finish(res, entry, drifted);
  }

  function finish(res: ServerResponse, entry: { status?: number }, answer: SimResponse): void {
    entry.status = answer.status;
    send(res, answer);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export function send(res: ServerResponse, answer: SimResponse): void {
  const headers: Record<string, string> = { ...answer.headers };
  let text: string | undefined;
  if (answer.body !== undefined) {
    if (typeof answer.body === 'string') text = answer.body;
    else {
      text = JSON.stringify(answer.body);
      headers['content-type'] ??= 'application/json';
    }
    headers['content-length'] = String(Buffer.byteLength(text));
  }
  res.writeHead(answer.status, headers);
  res.end(text);
}

export type { FaultEffect };
