import { CANONICAL_SCHEMAS } from '@millrace/canonical';
import type { Catalog } from '@millrace/flow-model';
import type { RouteDef } from './api.ts';
import { notFound } from './problem.ts';

/** What the designer builds with: the node catalog and the canonical schemas. */
export function catalogRoutes(catalog: Catalog): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/node-types',
      access: 'viewer',
      tag: 'catalog',
      summary: 'The node catalog: every node and connection type with its config schema and ports',
      handler: () => ({ body: catalog }),
    },
    {
      method: 'get',
      path: '/api/canonical',
      access: 'viewer',
      tag: 'catalog',
      summary: 'The canonical manufacturing schemas (name, major version, JSON Schema)',
      handler: () => ({ body: { schemas: CANONICAL_SCHEMAS } }),
    },
    {
      method: 'get',
      path: '/api/canonical/:ref',
      access: 'viewer',
      tag: 'catalog',
      summary: 'One canonical schema, by reference such as canonical:BatchCompletion@1',
      responses: { 404: 'no such schema' },
      handler({ params }) {
        const entry = CANONICAL_SCHEMAS.find((e) => e.ref === params.ref);
        if (!entry) throw notFound(`${String(params.ref)} is not a canonical schema`);
        return { body: entry };
      },
    },
  ];
}
