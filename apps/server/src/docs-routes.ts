import { Type } from '@sinclair/typebox';
import type { RouteDef } from './api.ts';
import { referencePage } from './docs-page.ts';
import { DEFAULT_DOCS_DIR, GUIDE_PATH, guideFile, renderGuidePage } from './guide.ts';
import { notFound } from './problem.ts';
import { openApiDocument } from './openapi.ts';
import { JsonObject } from './schemas.ts';

const Operation = Type.Object({
  summary: Type.String(),
  tags: Type.Array(Type.String()),
  security: Type.Optional(Type.Array(Type.Unknown())),
  'x-role': Type.Optional(Type.String()),
  parameters: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String(),
        in: Type.Union([Type.Literal('path'), Type.Literal('query')]),
        required: Type.Boolean(),
        schema: JsonObject('a JSON Schema'),
      }),
    ),
  ),
  requestBody: Type.Optional(JsonObject('the JSON body and its JSON Schema')),
  responses: Type.Record(Type.String(), JsonObject('a response: description, and the schema of its content')),
});

const OpenApi = Type.Object({
  openapi: Type.Literal('3.1.0'),
  info: Type.Object({ title: Type.String(), version: Type.String(), description: Type.String() }),
  components: JsonObject('security schemes and the Problem schema'),
  security: Type.Array(Type.Unknown()),
  paths: Type.Record(
    Type.String(),
    Type.Object(
      {
        get: Type.Optional(Operation),
        post: Type.Optional(Operation),
        put: Type.Optional(Operation),
        patch: Type.Optional(Operation),
        delete: Type.Optional(Operation),
      },
      { additionalProperties: false },
    ),
  ),
});

/** A page of `docs/` by up to three path segments (`tutorial`, `nodes/map`, `nodes/connections/http`). */
const GUIDE_PARAMS = [[], ['page'], ['section', 'page'], ['section', 'sub', 'page']] as const;

/**
 * The API's own description: OpenAPI 3.1 and a rendered reference; and the documentation of
 * `docs/` as pages (the designer links the node reference and the tutorial). All public: nothing
 * secret in them, and a reader need not log in to read the manual.
 */
export function docsRoutes(all: () => readonly RouteDef[], version: string, docsDir = DEFAULT_DOCS_DIR): RouteDef[] {
  const guide = GUIDE_PARAMS.map((names): RouteDef => ({
    method: 'get',
    path: [GUIDE_PATH, ...names.map((n) => `:${n}`)].join('/'),
    access: 'public',
    tag: 'about',
    summary:
      names.length === 0
        ? 'The documentation: its index page'
        : `A page of the documentation (docs/${names.map((n) => `{${n}}`).join('/')}.md) as HTML`,
    responses: { 404: 'No such page' },
    handler({ res, params }) {
      const segments = names.map((n) => params[n] ?? '');
      const rel = guideFile(docsDir, segments);
      if (rel === undefined) throw notFound(`the documentation has no page ${segments.join('/') || '(index)'}`);
      res.type('text/html; charset=utf-8').send(renderGuidePage(docsDir, rel));
      return undefined;
    },
  }));
  return [
    ...guide,
    {
      method: 'get',
      path: '/api/openapi.json',
      response: OpenApi,
      access: 'public',
      tag: 'about',
      summary: 'This API as an OpenAPI 3.1 document',
      handler: () => ({ body: openApiDocument(all(), version) }),
    },
    {
      method: 'get',
      path: '/api/docs',
      access: 'public',
      tag: 'about',
      summary: 'This API as a readable reference page',
      handler({ res }) {
        res.type('text/html; charset=utf-8').send(referencePage(all(), version));
        return undefined;
      },
    },
  ];
}
