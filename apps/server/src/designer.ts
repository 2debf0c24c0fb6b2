import { existsSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
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
  // The build writes .br and .gz copies of the assets (apps/designer/scripts/precompress.ts):
  // send one when the browser takes it; the editor's Monaco and workers shrink by about 80 %.
  app.use('/assets', (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const encoding = acceptedEncoding(req.headers['accept-encoding']);
    let name: string;
    try {
      name = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    if (!encoding || name.includes('..') || name.includes('\0') || name.includes('\\')) return next();
    const file = join(assets, name);
    const packed = `${file}.${encoding === 'br' ? 'br' : 'gz'}`;
    if (!file.startsWith(assets) || !existsSync(packed)) return next();
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.setHeader('vary', 'accept-encoding');
    res.setHeader('content-encoding', encoding);
    res.type(extname(name));
    res.sendFile(packed, (err) => {
      if (err) next(err);
    });
  });
  app.use(
    express.static(dist, {
      index: 'index.html',
      setHeaders(res, path) {
        // Vite names the built assets by their content hash; index.html must always be fetched.
        res.setHeader('cache-control', path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
        if (path.startsWith(assets)) res.setHeader('vary', 'accept-encoding');
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

/** The best encoding the request accepts of the two the build writes: Brotli, then gzip. */
export function acceptedEncoding(header: string | undefined): 'br' | 'gzip' | undefined {
  const q = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    const weight = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    q.set(token, weight === undefined ? 1 : Number(weight));
  }
  const star = q.get('*') ?? 0;
  const takes = (name: string) => (q.get(name) ?? star) > 0;
  return takes('br') ? 'br' : takes('gzip') ? 'gzip' : undefined;
}
