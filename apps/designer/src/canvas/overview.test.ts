import { describe, expect, it } from 'vitest';
import { dragSet, nodeAt, overviewPaths, toneOf, type OverviewNode } from './overview.ts';

const node = (id: string, x: number, y: number, extra: Partial<OverviewNode> = {}): OverviewNode => ({
  id,
  x,
  y,
  width: 100,
  height: 50,
  tone: 'plain',
  ...extra,
});

describe('overview paths', () => {
  it('draws each node box in the path of its tone', () => {
    const p = overviewPaths([node('a', 0, 0), node('b', 200, 10, { tone: 'selected' }), node('c', 0, 100)], []);
    expect(p.nodes.plain).toBe('M0,0h100v50h-100zM0,100h100v50h-100z');
    expect(p.nodes.selected).toBe('M200,10h100v50h-100z');
    expect(p.nodes.problem).toBe('');
  });

  it('runs an edge from the source handle centre to the target handle centre', () => {
    const a = node('a', 0, 0, { handles: [{ id: 'out', type: 'source', x: 95, y: 20, width: 10, height: 10 }] });
    const b = node('b', 300, 100, { handles: [{ id: 'in', type: 'target', x: -5, y: 35, width: 10, height: 10 }] });
    const p = overviewPaths([a, b], [{ source: 'a', sourceHandle: 'out', target: 'b', targetHandle: 'in' }]);
    expect(p.edges).toBe('M100,25C200,25 200,140 300,140');
    expect(p.selectedEdges).toBe('');
  });

  it('falls back to the middle of the side when a node has no such handle', () => {
    const p = overviewPaths([node('a', 0, 0), node('b', 120, 0)], [{ source: 'a', target: 'b', selected: true }]);
    // Close nodes still get a visible bend: the control points stay at least 25 units out.
    expect(p.selectedEdges).toBe('M100,25C125,25 95,25 120,25');
    expect(p.edges).toBe('');
  });

  it('leaves out an edge whose node is missing', () => {
    expect(overviewPaths([node('a', 0, 0)], [{ source: 'a', target: 'gone' }]).edges).toBe('');
  });

  it('draws dragged nodes and their edges moved by the drag', () => {
    const p = overviewPaths([node('a', 0, 0), node('b', 300, 0)], [{ source: 'a', target: 'b' }], {
      ids: new Set(['b']),
      dx: 10,
      dy: -5,
    });
    expect(p.nodes.plain).toBe('M0,0h100v50h-100zM310,-5h100v50h-100z');
    expect(p.edges).toBe('M100,25C205,25 205,20 310,20');
  });
});

describe('overview hit test and drag', () => {
  const nodes = [node('a', 0, 0), node('b', 50, 20, { tone: 'selected' }), node('c', 400, 0, { tone: 'selected' })];

  it('finds the node drawn on top at a point', () => {
    expect(nodeAt(nodes, { x: 10, y: 10 })).toBe('a');
    expect(nodeAt(nodes, { x: 60, y: 30 })).toBe('b');
    expect(nodeAt(nodes, { x: 250, y: 30 })).toBeUndefined();
  });

  it('drags the whole selection from a selected node, and only an unselected node alone', () => {
    expect([...dragSet(nodes, 'b')].sort()).toEqual(['b', 'c']);
    expect([...dragSet(nodes, 'a')]).toEqual(['a']);
  });

  it('gives the selection precedence over every other state', () => {
    expect(toneOf({ selected: true, failed: true, problems: true })).toBe('selected');
    expect(toneOf({ failed: true, problems: true })).toBe('failed');
    expect(toneOf({ mark: 'removed', problems: true })).toBe('removed');
    expect(toneOf({ problems: true, disabled: true })).toBe('problem');
    expect(toneOf({ offPath: true, disabled: true })).toBe('off-path');
    expect(toneOf({})).toBe('plain');
  });
});
