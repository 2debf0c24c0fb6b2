import { describe, expect, it } from 'vitest';
import { BIG_FLOW, BIG_FLOW_MIN_ZOOM, openingViewport, viewportFor } from './estimate.ts';
import { CATALOG } from './catalog.test-helper.ts';

const size = () => ({ width: 180, height: 60 });
const pane = { width: 1000, height: 800 };

describe('where a flow opens', () => {
  it('fits a small flow whole, never zoomed in past 1', () => {
    const nodes = [
      { id: 'hook', type: 'trigger.webhook', position: { x: 0, y: 0 } },
      { id: 'a', type: 'map', position: { x: 2000, y: 1000 } },
    ];
    const v = openingViewport(nodes, size, CATALOG, pane, 0.05)!;
    // 2,180 × 1,060 of flow with 10 % margins in 1,000 × 800 of pane: width decides.
    expect(v.zoom).toBeCloseTo(1000 / (2180 * 1.2), 5);
    // Centred: the middle of the flow is the middle of the pane.
    expect(v.x + 1090 * v.zoom).toBeCloseTo(500, 5);
    expect(v.y + 530 * v.zoom).toBeCloseTo(400, 5);
    const one = openingViewport([nodes[0]!], size, CATALOG, pane, 0.05)!;
    expect(one.zoom).toBe(1);
  });

  it('opens a big flow on its triggers at a readable zoom, not on all of it', () => {
    const nodes = Array.from({ length: BIG_FLOW + 1 }, (_, i) => ({
      id: `n${i}`,
      type: i === 7 ? 'trigger.webhook' : 'map',
      position: { x: (i % 20) * 250, y: Math.floor(i / 20) * 150 },
    }));
    const v = openingViewport(nodes, size, CATALOG, pane, 0.05)!;
    expect(v.zoom).toBe(1);
    // The trigger (n7 at 1,750, 0) is in the middle of the pane.
    expect(v.x + (1750 + 90) * v.zoom).toBeCloseTo(500, 5);
    expect(v.y + 30 * v.zoom).toBeCloseTo(400, 5);
    // Without a trigger: the first node.
    const plain = nodes.map((n) => ({ ...n, type: 'map' }));
    const w = openingViewport(plain, size, CATALOG, pane, 0.05)!;
    expect(w.x + 90 * w.zoom).toBeCloseTo(500, 5);
  });

  it('keeps the default view for an empty flow', () => {
    expect(openingViewport([], size, CATALOG, pane, 0.05)).toBeUndefined();
  });

  it('clamps the zoom between the bounds it is given', () => {
    const wide = { x: 0, y: 0, width: 100_000, height: 10 };
    expect(viewportFor(wide, 1000, 800, BIG_FLOW_MIN_ZOOM, 1).zoom).toBe(BIG_FLOW_MIN_ZOOM);
    expect(viewportFor({ x: 0, y: 0, width: 1, height: 1 }, 1000, 800, 0.05, 1).zoom).toBe(1);
  });
});
