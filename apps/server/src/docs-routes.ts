import type { RouteDef } from './api.ts';
import { referencePage } from './docs-page.ts';
import { openApiDocument } from './openapi.ts';

/** The API's own description: OpenAPI 3.1 and a rendered reference, both public (nothing secret in them). */
export function docsRoutes(all: () => readonly RouteDef[], version: string): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/openapi.json',
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
