import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

/** Paths that belong to the API, the webhook ingress and Prometheus: never answered with the designer. */
const NOT_DESIGNER = /^\/(api|hooks|metrics)(\/|$)/;
/**
 * A path naming a file (`/assets/x.js`, `/favicon.ico`): a miss is a 404, not the app. Only the
 * assets folder and the top level hold files: deeper paths with a dot are the app's deep links
 * (`/flows/batch-release/versions/1.2.0`).
 */
const FILE_LIKE = /^\/(assets\/.*|[^/]*\.[A-Za-z0-9]+)$/;

/**
 * Serves the built designer (`apps/designer/dist`, DESIGN §2: the server serves the built files,
 * never designer source) at `/`: its files as they are, and index.html for every other GET that
 * is not /api, /hooks or /metrics (the single-page app routes in the browser). Does nothing when
 * `dist` holds no index.html (the designer is not built). Answers whether it mounted.
 */
export function serveDesigner(app: Router, dist: string): boolean {
  const index = join(dist, 'index.html');
  const assets = join(dist, 'assets') + sep;
  if (!existsSync(index)) return false;
  app.use(
    express.static(dist, {
      index: 'index.html',
      setHeaders(res, path) {
        // Vite names the built assets by their content hash; index.html must always be fetched.
        res.setHeader('cache-control', path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_DESIGNER.test(req.path) || FILE_LIKE.test(req.path))
      return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index, (err) => {
      if (err) next(err);
    });
  });
  return true;
}
