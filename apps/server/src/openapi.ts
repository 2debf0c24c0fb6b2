import type { RouteDef } from './api.ts';

/**
 * The OpenAPI 3.1 document of the API, written from the route table itself, so it cannot
 * drift from what is mounted. Request schemas are the very JSON Schemas the server validates with.
 */
export function openApiDocument(routes: readonly RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = Object.entries(
      (r.query as { properties?: Record<string, unknown>; required?: string[] } | undefined)?.properties ?? {},
    ).map(([name, schema]) => ({
      name,
      in: 'query',
      required: ((r.query as { required?: string[] }).required ?? []).includes(name),
      schema: plain(schema),
    }));
    const responses: Record<string, unknown> = {
      '2XX': r.response
        ? { description: 'done', content: { 'application/json': { schema: plain(r.response) } } }
        : { description: 'done' },
      ...(r.access === 'public'
        ? {}
        : { 401: problem('no or wrong credentials'), 403: problem(`needs the ${r.access} role`) }),
      ...(r.body ? { 400: problem('the body or a parameter is invalid (each problem with its pointer)') } : {}),
    };
    for (const [status, text] of Object.entries(r.responses ?? {})) responses[status] = problem(text);
    (paths[path] ??= {})[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      ...(r.access === 'public' ? { security: [] } : { 'x-role': r.access }),
      ...(params.length + query.length > 0 ? { parameters: [...params, ...query] } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: plain(r.body) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Millrace API',
      version,
      description: 'Flows, runs, dead letters and operations of a Millrace server. Errors are RFC 9457 problem+json.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (mr_…)' },
        session: { type: 'apiKey', in: 'cookie', name: 'millrace_session' },
      },
      schemas: {
        Problem: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            instance: { type: 'string' },
          },
          required: ['type', 'title', 'status', 'detail'],
        },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** A TypeBox schema as plain JSON Schema (its symbols dropped). */
const plain = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema));
