import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine } from '@millrace/engine';
import { parseJsonText } from '@millrace/flow-model';
import { isFlowError, type FlowError } from '@millrace/node-sdk';
import { checkSchemaChoice as checkPayloadSchema } from '@millrace/canonical';
import { sendJson, sendProblem } from './problem.ts';
import { checkAuth, keptHeaders, type WebhookRoute } from './webhook.ts';

export interface IngressOptions {
  readonly engine: Engine;
  readonly routes: () => ReadonlyMap<string, WebhookRoute>;
  readonly host?: string;
  readonly port?: number;
  /**
   * Everything not under /hooks/ (and not /healthz) goes here: the server's API and designer.
   * Without it such requests get 404 problem+json.
   */
  readonly fallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

const DEFAULT_MAX_BODY = 1_048_576;

/**
 * The HTTP front door of the headless runtime: webhook triggers at `/hooks/…` and `/healthz`.
 * A request is acknowledged (202, or the sync answer) only after its run is durable; anything
 * malformed is refused with a problem+json 4xx before anything is written.
 */
export class Ingress {
  readonly server: Server;
  private closing = false;

  constructor(private readonly o: IngressOptions) {
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        sendProblem(res, {
          status: 500,
          code: 'INTERNAL',
          title: 'Internal error',
          detail: 'the request could not be handled; it was not stored',
        });
        process.emitWarning(`ingress: ${String(e)}`);
      });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port ?? 3000, this.o.host ?? '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops taking connections and answers no new request; in-flight ones finish. */
  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0]!.replace(/\/+$/, '');
    if (path === '/healthz') {
      sendJson(res, this.closing ? 503 : 200, { status: this.closing ? 'stopping' : 'ok' });
      return;
    }
    if (this.closing) {
      res.setHeader('connection', 'close');
      sendProblem(
        res,
        {
          status: 503,
          code: 'SHUTTING_DOWN',
          title: 'Shutting down',
          detail: 'the runtime is stopping; send the event again shortly',
        },
        { 'retry-after': '5' },
      );
      return;
    }
    if (this.o.fallback && !path.startsWith('/hooks/')) {
      this.o.fallback(req, res);
      return;
    }
    const route = this.o.routes().get(path);
    if (!route) {
      sendProblem(res, {
        status: 404,
        code: 'NOT_FOUND',
        title: 'No such webhook',
        detail: `nothing answers at ${path}`,
      });
      return;
    }
    if (req.method !== 'POST') {
      sendProblem(
        res,
        { status: 405, code: 'METHOD_NOT_ALLOWED', title: 'Method not allowed', detail: `${path} takes POST only` },
        { allow: 'POST' },
      );
      return;
    }
    const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    if (type !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(type)) {
      drain(req);
      sendProblem(res, {
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        title: 'Unsupported media type',
        detail: `the body must be JSON (Content-Type: application/json), not ${type || 'unspecified'}`,
      });
      return;
    }
    const limit = route.config.maxBodyBytes ?? DEFAULT_MAX_BODY;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) {
      refuseTooLarge(req, res, limit);
      return;
    }
    const body = await readBody(req, limit);
    if (body === 'too-large') {
      refuseTooLarge(req, res, limit);
      return;
    }
    const refused = checkAuth(route, req.headers, body);
    if (refused) {
      sendProblem(
        res,
        { status: 401, code: 'WEBHOOK_UNAUTHORIZED', title: 'Unauthorized', detail: refused },
        { 'www-authenticate': 'Bearer' },
      );
      return;
    }
    const text = body.toString('utf8');
    const parsed = parseJsonText(text);
    if (!parsed.ok) {
      sendProblem(res, {
        status: 400,
        code: 'WEBHOOK_BODY_INVALID',
        title: 'Malformed JSON',
        detail: `the body ${parsed.problems[0]!.message}`,
      });
      return;
    }
    if (route.config.schema !== undefined) {
      const problems = checkPayloadSchema(route.config.schema, parsed.value);
      if (problems.length > 0) {
        sendProblem(res, {
          status: 422,
          code: 'WEBHOOK_BODY_INVALID',
          title: 'The event does not match the schema',
          detail: `${problems.length} problem(s), first: ${problems[0]!.pointer || '/'} ${problems[0]!.message}`,
          problems,
        });
        return;
      }
    }
    const sync = route.config.mode === 'sync';
    let accepted;
    try {
      accepted = await this.o.engine.accept(
        route.flowId,
        { payloadText: text, headersText: keptHeaders(req.headers), parsedPayload: { value: parsed.value } },
        sync ? { replyTimeoutMs: route.config.syncTimeoutMs ?? 30_000 } : {},
      );
    } catch (e) {
      sendAcceptError(res, e);
      return;
    }
    const runId = String(accepted.runId);
    if (!sync || accepted.duplicate || !accepted.reply) {
      sendJson(
        res,
        accepted.duplicate ? 200 : 202,
        { runId, duplicate: accepted.duplicate, ...(accepted.held ? { held: true } : {}) },
        { location: `/api/runs/${runId}` },
      );
      return;
    }
    const outcome = await accepted.reply;
    if (outcome.kind === 'reply') {
      const r = outcome.reply;
      // One headers object per answer; the respond node's own headers win over the defaults.
      const headers: Record<string, string> = {};
      if (r.bodyText !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(Buffer.byteLength(r.bodyText));
      }
      headers['x-millrace-run-id'] = runId;
      if (r.headers) for (const name in r.headers) headers[name] = r.headers[name]!;
      res.writeHead(r.status, headers);
      res.end(r.bodyText);
    } else if (outcome.kind === 'ended' && outcome.status === 'succeeded') {
      sendJson(res, 200, { runId, status: outcome.status }, { 'x-millrace-run-id': runId });
    } else if (outcome.kind === 'ended') {
      sendProblem(res, {
        status: 502,
        code: 'RUN_PARKED',
        title: 'The run was parked in dead letters',
        detail: `run ${runId} could not finish and waits in the dead-letter inbox`,
        runId,
      });
    } else {
      sendProblem(res, {
        status: 504,
        code: 'RUN_STILL_RUNNING',
        title: 'No answer in time',
        detail: `run ${runId} is durable and still running; no respond node answered within ${route.config.syncTimeoutMs ?? 30_000} ms`,
        runId,
      });
    }
  }
}

function sendAcceptError(res: ServerResponse, e: unknown): void {
  const err = isFlowError(e) ? (e as FlowError) : undefined;
  if (err?.category === 'transient') {
    const after = Math.ceil(((err as { retryAfterMs?: number }).retryAfterMs ?? 1000) / 1000);
    sendProblem(
      res,
      { status: 503, code: err.code, title: 'Try again shortly', detail: err.message },
      { 'retry-after': String(after) },
    );
  } else if (err?.category === 'data') {
    sendProblem(res, { status: 422, code: err.code, title: 'The event cannot start a run', detail: err.message });
  } else {
    throw e;
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? 'too-large' : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function drain(req: IncomingMessage): void {
  req.resume();
}

function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  // Answer at once and close: reading a huge body only to refuse it would be a free DoS.
  res.setHeader('connection', 'close');
  sendProblem(res, {
    status: 413,
    code: 'BODY_TOO_LARGE',
    title: 'Body too large',
    detail: `the body is larger than ${limit} bytes`,
  });
  req.resume();
}
