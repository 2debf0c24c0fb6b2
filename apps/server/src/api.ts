import type { Request, Response, Router } from 'express';
import type { TSchema } from '@sinclair/typebox';
import { check, createAjv, type ValidateFunction } from '@millrace/schema';
import { allows, type Access, type Principal } from './roles.ts';
import { badRequest, forbidden, HttpError, unauthorized } from './problem.ts';

/**
 * A route as data: method, path, who may call it, its request schemas and one handler. The same
 * table mounts the routes, writes the OpenAPI document and drives the authorization matrix test.
 */
export interface RouteDef {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. /api/runs/:id. */
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  readonly tag: string;
  /** The JSON body, validated before the handler runs (400 problem+json naming each field). */
  readonly body?: TSchema;
  /** Query parameters (strings), validated the same way. */
  readonly query?: TSchema;
  /**
   * The success body's schema: in the OpenAPI document, and checked on every answer when
   * MILLRACE_CHECK_RESPONSES=1 (the test suite sets it), so the document cannot lie.
   */
  readonly response?: TSchema;
  /** Answers worth documenting besides the success. */
  readonly responses?: Readonly<Record<number, string>>;
  handler(ctx: RouteContext): Promise<RouteResult> | RouteResult;
}

export interface RouteContext {
  readonly req: Request;
  readonly res: Response;
  /** The caller; undefined only on public routes. */
  readonly principal: Principal | undefined;
  readonly body: unknown;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
}

export type RouteResult = { status?: number; body?: unknown; headers?: Record<string, string> } | undefined;

/** Resolves the caller of a request; throws HttpError 401 for credentials that are wrong or expired. */
export interface Authenticator {
  principal(req: Request): Principal | undefined;
}

const ajv = createAjv();
const compiled = new WeakMap<object, ValidateFunction>();
function validator(schema: TSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(JSON.parse(JSON.stringify(schema)) as object);
    compiled.set(schema, fn);
  }
  return fn;
}

/** Who is calling and whether they may: 401 without (valid) credentials, 403 for a role short of it. */
export function authorize(auth: Authenticator, req: Request, access: Access): Principal | undefined {
  if (access === 'public') return auth.principal(req);
  const principal = auth.principal(req);
  if (!principal) throw unauthorized('send Authorization: Bearer <API token>, or log in');
  if (!allows(principal.role, access))
    throw forbidden(`this needs the ${access} role; ${principal.username} is ${principal.role}`);
  return principal;
}

export function mountRoutes(router: Router, routes: readonly RouteDef[], auth: Authenticator): void {
  for (const route of routes) {
    router[route.method](route.path, async (req: Request, res: Response) => {
      const principal = authorize(auth, req, route.access);
      let body: unknown = undefined;
      if (route.body) {
        if (!req.is('application/json'))
          throw new HttpError(
            415,
            'UNSUPPORTED_MEDIA_TYPE',
            'Unsupported media type',
            'send the body as application/json',
          );
        body = req.body as unknown;
        const problems = check(validator(route.body), body);
        if (problems.length > 0)
          throw badRequest(problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; '), { problems });
      }
      const query = Object.fromEntries(
        Object.entries(req.query).map(([k, v]) => [
          k,
          Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined,
        ]),
      );
      if (route.query) {
        const problems = check(validator(route.query), query, '/query');
        if (problems.length > 0)
          throw badRequest(problems.map((p) => `${p.pointer}: ${p.message}`).join('; '), { problems });
      }
      const result = await route.handler({
        req,
        res,
        principal,
        body,
        params: req.params as Record<string, string>,
        query,
      });
      if (res.headersSent) return;
      for (const [k, v] of Object.entries(result?.headers ?? {})) res.setHeader(k, v);
      const status = result?.status ?? (result?.body === undefined ? 204 : 200);
      if (route.response && result?.body !== undefined && process.env.MILLRACE_CHECK_RESPONSES === '1') {
        const problems = check(
          validator(route.response),
          JSON.parse(JSON.stringify(result.body)) as unknown,
          '/response',
        );
        if (problems.length > 0)
          throw new Error(
            `${route.method.toUpperCase()} ${route.path} answered against its own schema: ${problems.map((p) => `${p.pointer}: ${p.message}`).join('; ')}`,
          );
      }
      if (result?.body === undefined) res.status(status).end();
      else res.status(status).json(result.body);
    });
  }
}
