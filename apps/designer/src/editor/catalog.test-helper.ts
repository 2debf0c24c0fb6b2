// A small catalog for the editor's unit tests: a trigger, a typed producer and consumer, a route
// with dynamic ports, a node with an error port.
import type { Catalog, CatalogNodeType, CatalogPort, Flow } from '@millrace/flow-model';

const type = (t: Partial<CatalogNodeType> & Pick<CatalogNodeType, 'type'>): CatalogNodeType => ({
  version: 1,
  title: t.type,
  description: '',
  category: 'transform',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Out' }],
  errorPort: false,
  entry: false,
  sideEffect: false,
  pure: true,
  config: { type: 'object', properties: {} },
  input: {},
  errors: [],
  ...t,
});

const port = (id: string, schema?: string): CatalogPort => ({ id, label: id, ...(schema ? { schema } : {}) });

export const CATALOG: Catalog = {
  catalogVersion: 1,
  connectionTypes: [],
  nodes: [
    type({ type: 'trigger.webhook', category: 'trigger', inputs: [], entry: true }),
    type({ type: 'map', errorPort: true }),
    type({ type: 'batch.source', outputs: [port('out', 'canonical:Batch@1')] }),
    type({ type: 'batch.sink', inputs: [port('in', 'canonical:Batch@1')] }),
    type({ type: 'order.sink', inputs: [port('in', 'canonical:Order@1')] }),
    type({
      type: 'route',
      outputs: [port('default')],
      dynamicOutputs: { configPointer: '/routes', portField: 'port' },
    }),
  ],
};

export function flowOf(nodes: Array<[id: string, type: string, config?: Record<string, unknown>]>): Flow {
  return {
    schemaVersion: 1,
    id: 'f',
    name: 'f',
    version: '0.1.0',
    nodes: nodes.map(([id, t, config]) => ({ id, type: t, version: 1, config: config ?? {} })),
    edges: [],
    layout: Object.fromEntries(nodes.map(([id], i) => [id, { x: i * 100, y: 0 }])),
  };
}
