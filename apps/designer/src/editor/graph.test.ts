import { describe, expect, it } from 'vitest';
import { CATALOG, flowOf } from './catalog.test-helper.ts';
import { copyNodes, pasteNodes } from './clipboard.ts';
import {
  addNode,
  autoLayout,
  configDefaults,
  connect,
  emptyFlow,
  moveNodes,
  newNodeId,
  removeElements,
  replaceNode,
  withFullLayout,
} from './graph.ts';

const typeOf = (t: string) => CATALOG.nodes.find((n) => n.type === t)!;

describe('new nodes', () => {
  it('takes config defaults from the JSON Schema, also inside required objects', () => {
    expect(
      configDefaults({
        type: 'object',
        required: ['auth', 'path'],
        properties: {
          mode: { type: 'string', default: 'async' },
          path: { type: 'string' },
          auth: { type: 'object', properties: { kind: { type: 'string', default: 'none' } } },
          optional: { type: 'object', properties: { x: { type: 'number', default: 1 } } },
          list: { type: 'array', default: ['a'] },
        },
      }),
    ).toEqual({ mode: 'async', auth: { kind: 'none' }, list: ['a'] });
  });

  it('takes the defaults of the first alternative of a config that is one of several', () => {
    expect(
      configDefaults({
        anyOf: [
          { type: 'object', properties: { mode: { const: 'code', default: 'code' } } },
          { type: 'object', properties: { mode: { const: 'fields', default: 'fields' } } },
        ],
      }),
    ).toEqual({ mode: 'code' });
  });

  it('gives a default no two nodes share', () => {
    const schema = { type: 'object', properties: { list: { type: 'array', default: [] } } };
    const a = configDefaults(schema);
    (a.list as unknown[]).push(1);
    expect(configDefaults(schema)).toEqual({ list: [] });
  });

  it('names new nodes after their type, with the first free number', () => {
    expect(newNodeId(new Set(), 'map')).toBe('map-1');
    expect(newNodeId(new Set(['map-1', 'map-3']), 'map')).toBe('map-2');
    expect(newNodeId(new Set(), 'trigger.webhook')).toBe('trigger-webhook-1');
  });

  it('adds a node of a type at a place, with its layout', () => {
    const { flow, id } = addNode(emptyFlow('f'), typeOf('map'), { x: 10.4, y: 20.6 });
    expect(id).toBe('map-1');
    expect(flow.nodes).toEqual([{ id: 'map-1', type: 'map', version: 1, config: {} }]);
    expect(flow.layout).toEqual({ 'map-1': { x: 10, y: 21 } });
    expect(addNode(flow, typeOf('map'), { x: 0, y: 0 }).id).toBe('map-2');
  });
});

describe('editing the graph', () => {
  const base = flowOf([
    ['hook', 'trigger.webhook'],
    ['a', 'map'],
    ['b', 'map'],
  ]);

  it('connects ports with a fresh edge id, and routes errors of a node wired from its error port', () => {
    let f = connect(base, { node: 'hook', port: 'out' }, { node: 'a', port: 'in' });
    f = connect(f, { node: 'a', port: 'error' }, { node: 'b', port: 'in' });
    expect(f.edges.map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(f.nodes.find((n) => n.id === 'a')!.onError).toBe('route');
    expect(f.nodes.find((n) => n.id === 'hook')!.onError).toBeUndefined();
  });

  it('removes nodes with the edges touching them and their layout, and edges by id', () => {
    let f = connect(base, { node: 'hook', port: 'out' }, { node: 'a', port: 'in' });
    f = connect(f, { node: 'a', port: 'out' }, { node: 'b', port: 'in' });
    const without = removeElements(f, ['a']);
    expect(without.nodes.map((n) => n.id)).toEqual(['hook', 'b']);
    expect(without.edges).toEqual([]);
    expect(Object.keys(without.layout!)).toEqual(['hook', 'b']);
    expect(removeElements(f, [], ['e1']).edges.map((e) => e.id)).toEqual(['e2']);
  });

  it('moves nodes, and a move to the same place changes nothing', () => {
    const moved = moveNodes(base, new Map([['a', { x: 500.2, y: 40 }]]));
    expect(moved.layout!.a).toEqual({ x: 500, y: 40 });
    expect(moveNodes(base, new Map([['a', { x: 100, y: 0 }]]))).toBe(base);
  });

  it('lays nodes out in layers from the trigger, ignoring where they were', () => {
    let f = connect(base, { node: 'hook', port: 'out' }, { node: 'a', port: 'in' });
    f = connect(f, { node: 'a', port: 'out' }, { node: 'b', port: 'in' });
    f = moveNodes(f, new Map([['b', { x: -900, y: -900 }]]));
    const laid = autoLayout(f).layout!;
    expect(laid.hook!.x).toBeLessThan(laid.a!.x);
    expect(laid.a!.x).toBeLessThan(laid.b!.x);
  });

  it('places nodes the layout does not name, keeping the places it has', () => {
    const partial = { ...base, layout: { hook: { x: 7, y: 7 } } };
    const full = withFullLayout(partial);
    expect(full.layout!.hook).toEqual({ x: 7, y: 7 });
    expect(Object.keys(full.layout!).sort()).toEqual(['a', 'b', 'hook']);
  });

  it('replaces a node, carrying edges and place along when its id changes', () => {
    const f = connect(base, { node: 'hook', port: 'out' }, { node: 'a', port: 'in' });
    const renamed = replaceNode(f, 'a', { ...f.nodes[1]!, id: 'enrich', name: 'Enrich' });
    expect(renamed.nodes[1]).toMatchObject({ id: 'enrich', name: 'Enrich' });
    expect(renamed.edges[0]!.to).toEqual({ node: 'enrich', port: 'in' });
    expect(renamed.layout!.enrich).toEqual({ x: 100, y: 0 });
    expect(renamed.layout!.a).toBeUndefined();
  });
});

describe('copy and paste', () => {
  let f = flowOf([
    ['hook', 'trigger.webhook'],
    ['a', 'map', { source: 'return 1;' }],
    ['b', 'map'],
  ]);
  f = connect(f, { node: 'hook', port: 'out' }, { node: 'a', port: 'in' });
  f = connect(f, { node: 'a', port: 'out' }, { node: 'b', port: 'in' });

  it('copies the selected nodes with the edges between them only', () => {
    const clip = copyNodes(f, ['a', 'b'])!;
    expect(clip.nodes.map((n) => n.id)).toEqual(['a', 'b']);
    expect(clip.edges.map((e) => e.id)).toEqual(['e2']);
    expect(copyNodes(f, [])).toBeUndefined();
  });

  it('pastes under new ids, keeping internal edges, shifted from the originals', () => {
    const clip = copyNodes(f, ['a', 'b'])!;
    const { flow, ids } = pasteNodes(f, clip);
    expect(ids).toEqual(['map-1', 'map-2']);
    expect(flow.nodes).toHaveLength(5);
    expect(flow.nodes[3]).toMatchObject({ id: 'map-1', type: 'map', config: { source: 'return 1;' } });
    const added = flow.edges.slice(2);
    expect(added).toEqual([{ id: 'e3', from: { node: 'map-1', port: 'out' }, to: { node: 'map-2', port: 'in' } }]);
    expect(flow.layout!['map-1']).toEqual({ x: f.layout!.a!.x + 40, y: f.layout!.a!.y + 100 });
  });

  it('pastes twice without clashing ids, and the copy does not share config with the original', () => {
    const clip = copyNodes(f, ['a'])!;
    const once = pasteNodes(f, clip);
    const twice = pasteNodes(once.flow, clip);
    expect(twice.ids).toEqual(['map-2']);
    expect(twice.flow.nodes[3]!.config).not.toBe(f.nodes[1]!.config);
  });
});
