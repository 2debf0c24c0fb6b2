import { describe, expect, it } from 'vitest';
import { nodesPath, sizeOf, union, viewBox } from './minimap.ts';

describe('the minimap geometry', () => {
  it('draws every visible node as one path, measured size first, then given, then estimated', () => {
    const drawn = nodesPath([
      { position: { x: 0, y: 0 }, measured: { width: 100, height: 50 }, initialWidth: 180, initialHeight: 60 },
      { position: { x: 300, y: 100 }, initialWidth: 180, initialHeight: 62 },
      { position: { x: 900, y: 900 }, hidden: true },
    ]);
    expect(drawn.count).toBe(2);
    expect(drawn.d).toBe('M0,0h100v50h-100zM300,100h180v62h-180z');
    expect(drawn.bounds).toEqual({ x: 0, y: 0, width: 480, height: 162 });
  });

  it('has no bounds for a flow with no nodes', () => {
    expect(nodesPath([])).toEqual({ d: '', count: 0, bounds: undefined });
  });

  it('falls back to the default size for a node nothing is known of', () => {
    expect(sizeOf({ position: { x: 0, y: 0 } })).toEqual({ width: 180, height: 60 });
  });

  it('turns the transform into the flow area in view, and shows it with the nodes', () => {
    // Panned 100 px right and 50 down at zoom 2: the pane's left edge is at flow x = -50.
    const inView = viewBox([100, 50, 2], 800, 600);
    expect(inView).toEqual({ x: -50, y: -25, width: 400, height: 300 });
    expect(union({ x: 0, y: 0, width: 1000, height: 100 }, inView, 10)).toEqual({
      x: -60,
      y: -35,
      width: 1070,
      height: 320,
    });
  });
});
