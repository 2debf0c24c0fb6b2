import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffFlows, serializeFlow, type Flow } from './index.ts';
import { flowArbitrary, shuffledKeys } from './arbitraries.test-helper.ts';

describe('canonical serialization', () => {
  it('gives the same bytes after serialize → parse → serialize', () => {
    fc.assert(
      fc.property(flowArbitrary, (flow) => {
        const once = serializeFlow(flow);
        expect(serializeFlow(JSON.parse(once))).toBe(once);
      }),
    );
  });

  it('does not depend on the key order the flow was written in', () => {
    fc.assert(
      fc.property(flowArbitrary, fc.integer({ min: 1 }), (flow, seed) => {
        expect(serializeFlow(shuffledKeys(flow, seed))).toBe(serializeFlow(flow));
      }),
    );
  });

  it('writes identity first, the graph next and the layout last', () => {
    const text = serializeFlow({
      layout: { n1: { y: 2, x: 1 } },
      edges: [],
      nodes: [{ config: { b: 1, a: 2 }, version: 1, type: 'map', id: 'n1' }],
      version: '1.0.0',
      name: 'N',
      id: 'f',
      schemaVersion: 1,
    });
    expect(Object.keys(JSON.parse(text))).toEqual([
      'schemaVersion',
      'id',
      'name',
      'version',
      'nodes',
      'edges',
      'layout',
    ]);
    expect(text).toContain(
      '"id": "n1",\n      "type": "map",\n      "version": 1,\n      "config": {\n        "a": 2,\n        "b": 1',
    );
    expect(text).toContain('"n1": {\n      "x": 1,\n      "y": 2');
    expect(text.endsWith('}\n')).toBe(true);
  });
});

describe('semantic diff', () => {
  it('finds nothing between a flow and itself', () => {
    fc.assert(
      fc.property(flowArbitrary, (flow) => {
        const d = diffFlows(flow, structuredClone(flow));
        expect(d.empty).toBe(true);
        expect(d.layoutOnly).toBe(false);
        expect(d.meta).toEqual([]);
        expect(d.nodes).toEqual({ added: [], removed: [], changed: [] });
      }),
    );
  });

  it('reports moving nodes as a layout-only change', () => {
    fc.assert(
      fc.property(
        flowArbitrary,
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        (flow, dx, which) => {
          const moved = structuredClone(flow);
          const ids = flow.nodes.map((n) => n.id);
          const target = ids[which % ids.length]!;
          moved.layout![target] = { x: moved.layout![target]!.x + dx, y: moved.layout![target]!.y };
          const d = diffFlows(flow, moved);
          expect(d.layoutOnly).toBe(true);
          expect(d.empty).toBe(false);
          expect(d.layout.moved).toEqual([target]);
          expect(d.nodes.changed).toEqual([]);
        },
      ),
    );
  });

  it('names added, removed and changed nodes, config changes by pointer', () => {
    const a: Flow = {
      schemaVersion: 1,
      id: 'f',
      name: 'F',
      version: '1.0.0',
      nodes: [
        { id: 'n1', type: 'trigger.webhook', version: 1, config: {} },
        { id: 'n2', type: 'map', version: 1, config: { mode: 'code', source: 'return 1' } },
        { id: 'n3', type: 'map', version: 1, config: {} },
      ],
      edges: [{ id: 'e1', from: { node: 'n1', port: 'out' }, to: { node: 'n2', port: 'in' } }],
      layout: { n1: { x: 0, y: 0 } },
    };
    const b: Flow = structuredClone(a);
    b.version = '1.1.0';
    (b.nodes[1]!.config as Record<string, unknown>).source = 'return 2';
    b.nodes.splice(2, 1);
    b.nodes.push({ id: 'n4', type: 'respond', version: 1, config: {} });
    b.edges = [
      { id: 'x1', from: { node: 'n1', port: 'out' }, to: { node: 'n2', port: 'in' } },
      { id: 'e2', from: { node: 'n2', port: 'out' }, to: { node: 'n4', port: 'in' } },
    ];
    const d = diffFlows(a, b);
    expect(d.meta).toEqual([{ kind: 'changed', pointer: '/version', before: '1.0.0', after: '1.1.0' }]);
    expect(d.nodes.added).toEqual(['n4']);
    expect(d.nodes.removed).toEqual(['n3']);
    expect(d.nodes.changed).toEqual([
      { id: 'n2', changes: [{ kind: 'changed', pointer: '/config/source', before: 'return 1', after: 'return 2' }] },
    ]);
    expect(d.edges.added).toEqual([{ id: 'e2', from: 'n2:out', to: 'n4:in' }]);
    expect(d.edges.removed).toEqual([]);
    expect(d.edges.renamed).toEqual([{ before: 'e1', after: 'x1', from: 'n1:out', to: 'n2:in' }]);
    expect(d.layoutOnly).toBe(false);
  });
});
