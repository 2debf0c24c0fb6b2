import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { mountRoutes, type Authenticator, type RouteDef } from './api.ts';
import { serveDesigner } from './designer.ts';
import { HttpError, problemBody } from './problem.ts';

export interface AppOptions {
  readonly routes: readonly RouteDef[];
  readonly auth: Authenticator;
  readonly log: Logger;
  /** Request bodies above this are refused with 413. @default 1 MiB */
  readonly maxBodyBytes?: number;
  /** The built designer to serve at `/` when it holds an index.html. @default apps/designer/dist */
  readonly designerDist?: string;
}

const DESIGNER_DIST = fileURLToPath(new URL('../../designer/dist', import.meta.url));

/**
 * The Express app of the API: security headers (a CSP Monaco works with), request ids, request
 * logs, JSON bodies, the route table, and every failure as problem+json.
 */
export function createApp(o: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          // Monaco runs its language services in workers from blob: URLs and injects styles.
          workerSrc: ["'self'", 'blob:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    const id = given && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', id);
    (req as Request & { id: string }).id = id;
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      o.log.info(
        {
          reqId: id,
          method: req.method,
          // The path only: query strings may carry business keys, never credentials.
          path: req.path,
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        },
        'request',
      );
    });
    next();
  });
  app.use(
    express.json({
      limit: o.maxBodyBytes ?? 1_048_576,
      strict: true,
      type: ['application/json', 'application/*+json'],
    }),
  );

  const api = express.Router();
  mountRoutes(api, o.routes, o.auth);
  app.use(api);

  // The built designer (issue 7), after the API so that no route of it is ever shadowed.
  serveDesigner(app, o.designerDist ?? DESIGNER_DIST);

  app.use((req: Request) => {
    throw new HttpError(404, 'NOT_FOUND', 'Not found', `nothing answers at ${req.method} ${req.path}`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = asHttpError(err);
    if (e.status >= 500) o.log.error({ reqId: (req as Request & { id?: string }).id, err }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
    res
      .status(e.status)
      .type('application/problem+json')
      .send(JSON.stringify(problemBody(e, req.originalUrl.split('?')[0])));
  });
  return app;
}

/** Body-parser and other framework errors carry a status; ours are HttpErrors; the rest is a 500. */
function asHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const x = err as { status?: number; type?: string; message?: string };
  if (x?.type === 'entity.parse.failed')
    return new HttpError(400, 'MALFORMED_JSON', 'Malformed JSON', `the body is not JSON: ${x.message ?? ''}`.trim());
  if (x?.type === 'entity.too.large')
    return new HttpError(413, 'BODY_TOO_LARGE', 'Body too large', 'the body exceeds the size this server accepts');
  if (typeof x?.status === 'number' && x.status >= 400 && x.status < 500)
    return new HttpError(x.status, 'BAD_REQUEST', 'Bad request', x.message ?? 'the request could not be read');
  return new HttpError(500, 'INTERNAL', 'Internal error', 'the request could not be handled');
}
