import { describe, expect, it } from 'vitest';
import type { FlowNode } from '@millrace/flow-model';
import { CATALOG, flowOf } from './catalog.test-helper.ts';
import { connect, moveNodes, replaceNode } from './graph.ts';
import { problemsId, syncEdges, syncNodes, type SyncInput } from './rf-sync.ts';

const typeOf = (n: FlowNode) => CATALOG.nodes.find((t) => t.type === n.type && t.version === n.version);
const base = connect(
  flowOf([
    ['hook', 'trigger.webhook'],
    ['a', 'map'],
    ['b', 'map'],
  ]),
  { node: 'hook', port: 'out' },
  { node: 'a', port: 'in' },
);
const input = (over: Partial<SyncInput> = {}): SyncInput => ({
  flow: base,
  typeOf,
  problems: new Map(),
  overlay: undefined,
  readOnly: false,
  ...over,
});

describe('canvas nodes from the flow', () => {
  it('keeps the node objects of unchanged nodes, so only changed ones re-render', () => {
    const first = syncNodes([], input());
    const renamed = replaceNode(base, 'a', { ...base.nodes[1]!, name: 'Enrich' });
    const second = syncNodes(first, input({ flow: renamed }));
    expect(second[0]).toBe(first[0]);
    expect(second[2]).toBe(first[2]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]!.data.node.name).toBe('Enrich');
  });

  it('moves a node to its new place in the layout, keeping its measured size and selection', () => {
    const first = syncNodes([], input()).map((n) =>
      n.id === 'a' ? { ...n, selected: true, measured: { width: 180, height: 60 } } : n,
    );
    const moved = syncNodes(first, input({ flow: moveNodes(base, new Map([['a', { x: 400, y: 300 }]])) }));
    expect(moved[1]).toMatchObject({
      position: { x: 400, y: 300 },
      selected: true,
      measured: { width: 180, height: 60 },
    });
  });

  it('leaves a node being dragged where the pointer has it', () => {
    const first = syncNodes([], input()).map((n) =>
      n.id === 'a' ? { ...n, dragging: true, position: { x: 999, y: 999 } } : n,
    );
    expect(syncNodes(first, input())[1]!.position).toEqual({ x: 999, y: 999 });
  });

  it('selects exactly the nodes asked for after an add or a paste', () => {
    const first = syncNodes([], input()).map((n) => (n.id === 'hook' ? { ...n, selected: true } : n));
    const next = syncNodes(first, input({ select: new Set(['b']) }));
    expect(next.filter((n) => n.selected).map((n) => n.id)).toEqual(['b']);
  });

  it('marks a node with problems and describes it by them', () => {
    const [, a] = syncNodes(
      [],
      input({ problems: new Map([['a', [{ pointer: '/nodes/1/config/source', message: 'is required' }]]]) }),
    );
    expect(a!.className).toMatch(/has-problems/);
    expect(a!.data.problems).toBe('is required');
    expect(a!.domAttributes).toEqual({ 'aria-describedby': problemsId('a') });
    expect(a!.ariaLabel).toMatch(/1 problem$/);
  });

  it("draws a run's path: nodes on it, off it, and the failed one", () => {
    const overlay = {
      key: 'run-1',
      nodes: new Map([
        ['hook', { status: 'done', attempts: 1, durationMs: 3, failed: false }],
        ['a', { status: 'parked', attempts: 3, durationMs: 40, failed: true }],
      ]),
    };
    const nodes = syncNodes([], input({ overlay }));
    expect(nodes.map((n) => n.className)).toEqual(['node on-path', 'node on-path failed', 'node off-path']);
    const edges = syncEdges([], base, overlay);
    expect(edges[0]).toMatchObject({ animated: true, className: 'on-path' });
  });
});

describe('canvas edges from the flow', () => {
  it('wires port handles and keeps unchanged edge objects', () => {
    const first = syncEdges([], base, undefined);
    expect(first[0]).toMatchObject({ source: 'hook', sourceHandle: 'out', target: 'a', targetHandle: 'in' });
    const more = connect(base, { node: 'a', port: 'error' }, { node: 'b', port: 'in' });
    const second = syncEdges(first, more, undefined);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toMatchObject({ label: 'error' });
  });
});

describe('what React Flow may skip', () => {
  it('hands back the same arrays when nothing changed, so React Flow rebuilds no lookup', () => {
    const nodes = syncNodes([], input());
    expect(syncNodes(nodes, input())).toBe(nodes);
    const edges = syncEdges([], base, undefined);
    expect(syncEdges(edges, base, undefined)).toBe(edges);
    expect(syncNodes(nodes, input({ readOnly: true }))).not.toBe(nodes);
  });

  it('gives each node its estimated size and handles, from its ports', () => {
    const [hook, a] = syncNodes([], input());
    // The map: one input on the left, its output and its error port on the right.
    expect(a!.initialWidth).toBe(180);
    expect(a!.initialHeight).toBe(40 + 2 * 20 + 2);
    expect(a!.handles!.map((h) => [h.type, h.id, h.position, h.y + (h.height ?? 0) / 2])).toEqual([
      ['target', 'in', 'left', 41],
      ['source', 'out', 'right', 41],
      ['source', 'error', 'right', 61],
    ]);
    expect(hook!.handles!.map((h) => h.id)).toEqual(['out']);
  });
});
