import { describe, expect, it } from 'vitest';
import type { Catalog } from '@millrace/flow-model';
import { CATALOG } from './catalog.test-helper.ts';
import { paletteGroups } from './palette.ts';

describe('the palette', () => {
  it('groups types by category, triggers first', () => {
    const groups = paletteGroups(CATALOG, '');
    expect(groups.map((g) => g.label)).toEqual(['Triggers', 'Transform']);
    expect(groups[0]!.types.map((t) => t.type)).toEqual(['trigger.webhook']);
  });

  it('finds types by every word of the search, in title, type or description', () => {
    const withDescription: Catalog = {
      ...CATALOG,
      nodes: CATALOG.nodes.map((t) => (t.type === 'map' ? { ...t, description: 'Reshapes the payload' } : t)),
    };
    expect(paletteGroups(withDescription, 'payload').flatMap((g) => g.types.map((t) => t.type))).toEqual(['map']);
    expect(paletteGroups(withDescription, 'BATCH sink').flatMap((g) => g.types.map((t) => t.type))).toEqual([
      'batch.sink',
    ]);
    expect(paletteGroups(withDescription, 'nothing like this')).toEqual([]);
  });

  it('offers the newest version of a type only', () => {
    const two: Catalog = { ...CATALOG, nodes: [...CATALOG.nodes, { ...CATALOG.nodes[1]!, version: 2 }] };
    const maps = paletteGroups(two, 'map').flatMap((g) => g.types);
    expect(maps.map((t) => `${t.type}@${t.version}`)).toEqual(['map@2']);
  });
});
