import { describe, expect, it } from 'vitest';
import type { Flow } from '@millrace/flow-model';
import { COLUMN_WIDTH, ROW_HEIGHT, positions } from './layout.ts';

const node = (id: string) => ({ id, type: 'map', version: 1, config: {} });
const edge = (from: string, to: string, port = 'out') => ({
  id: `${from}-${to}`,
  from: { node: from, port },
  to: { node: to, port: 'in' },
});

describe('canvas layout', () => {
  it('puts every node one layer right of the longest path to it', () => {
    const flow = {
      nodes: ['a', 'b', 'c', 'd'].map(node),
      edges: [edge('a', 'b'), edge('b', 'd'), edge('a', 'c', 'invalid'), edge('c', 'd')],
    } as Pick<Flow, 'nodes' | 'edges'>;
    const p = positions(flow);
    expect(p.get('a')).toEqual({ x: 0, y: 0 });
    expect(p.get('b')).toEqual({ x: COLUMN_WIDTH, y: 0 });
    expect(p.get('c')).toEqual({ x: COLUMN_WIDTH, y: ROW_HEIGHT });
    expect(p.get('d')).toEqual({ x: 2 * COLUMN_WIDTH, y: 0 });
  });

  it("keeps the flow's own layout and survives cycles and dangling edges", () => {
    const flow = {
      nodes: ['a', 'b', 'c'].map(node),
      edges: [edge('a', 'b'), edge('b', 'c'), edge('c', 'b'), edge('ghost', 'a')],
      layout: { a: { x: 7, y: 9 } },
    } as Pick<Flow, 'nodes' | 'edges' | 'layout'>;
    const p = positions(flow);
    expect(p.size).toBe(3);
    expect(p.get('a')).toEqual({ x: 7, y: 9 });
    expect(p.get('b')!.x).toBeGreaterThan(0);
    expect(p.get('c')!.x).toBeGreaterThan(p.get('b')!.x);
  });
});
