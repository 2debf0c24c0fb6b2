import { describe, expect, it } from 'vitest';
import { diffFlows, type Flow } from '@millrace/flow-model';
import {
  changeList,
  diffSummary,
  edgeHighlightOf,
  fieldOf,
  highlightOf,
  mergedFlow,
  valueChangeText,
} from './diff-view.ts';

const edge = (id: string, from: string, to: string, port = 'out') => ({
  id,
  from: { node: from, port },
  to: { node: to, port: 'in' },
});

const OLD = {
  schemaVersion: 1,
  id: 'f',
  name: 'F',
  version: '1.0.0',
  nodes: [
    { id: 'hook', type: 'trigger.webhook', version: 1, config: { path: 'in' } },
    { id: 'map', type: 'map', version: 1, name: 'Map', config: { source: 'return 1;' } },
    { id: 'old', type: 'map', version: 1, config: { source: 'return 2;' } },
  ],
  edges: [edge('e1', 'hook', 'map'), edge('e2', 'map', 'old')],
} as unknown as Flow;

const NEW = {
  ...OLD,
  version: '1.1.0',
  nodes: [
    OLD.nodes[0],
    { ...OLD.nodes[1], name: 'Mapped', config: { source: 'return 3;' } },
    { id: 'fresh', type: 'map', version: 1, config: { source: 'return 4;' } },
  ],
  // e2 reused for a different connection: the removed edge must not clash with it.
  edges: [edge('e1', 'hook', 'map'), edge('e2', 'map', 'fresh')],
} as unknown as Flow;

describe('the visual diff', () => {
  const diff = diffFlows(OLD, NEW);

  it('highlights added, removed and changed nodes, and nothing else', () => {
    expect([...highlightOf(diff)].sort()).toEqual([
      ['fresh', 'added'],
      ['map', 'changed'],
      ['old', 'removed'],
    ]);
  });

  it('draws the newer flow with the removed nodes and edges put back, ids kept unique', () => {
    const merged = mergedFlow(OLD, NEW, diff);
    expect(merged.nodes.map((n) => n.id)).toEqual(['hook', 'map', 'fresh', 'old']);
    expect(merged.edges.map((e) => e.id)).toEqual(['e1', 'e2', 'removed:e2']);
    expect(merged.edges.find((e) => e.id === 'removed:e2')!.to.node).toBe('old');
    expect(merged.version).toBe('1.1.0');
    expect([...edgeHighlightOf(diff, merged)].sort()).toEqual([
      ['e2', 'added'],
      ['removed:e2', 'removed'],
    ]);
  });

  it('lists the changes in words, with old and new values of changed fields', () => {
    const list = changeList(diff, new Map([['map', 'Mapped']]));
    const titles = list.map((c) => c.title);
    expect(titles).toContain('Node fresh added');
    expect(titles).toContain('Node old removed');
    expect(titles).toContain('Node Mapped (map) changed');
    expect(titles).toContain('Edge map:out → fresh:in added');
    expect(titles).toContain('Edge map:out → old:in removed');
    expect(titles.some((t) => t.startsWith('Flow version: "1.0.0" → "1.1.0"'))).toBe(true);
    const changed = list.find((c) => c.node === 'map')!;
    expect(changed.details).toEqual(['config.source: "return 1;" → "return 3;"', 'name: "Map" → "Mapped"']);
    expect(new Set(list.map((c) => c.key)).size).toBe(list.length);
  });

  it('summarises a diff in one line', () => {
    expect(diffSummary(diff)).toBe(
      '1 node added, 1 node removed, 1 node changed, 1 edge added, 1 edge removed, 1 flow setting changed',
    );
    expect(diffSummary(diffFlows(OLD, OLD))).toBe('no changes');
  });

  it('reads pointers as field paths and says what was added or removed', () => {
    expect(fieldOf('/config/routes/0/when')).toBe('config.routes[0].when');
    expect(fieldOf('/a~1b')).toBe('a/b');
    expect(valueChangeText({ kind: 'added', pointer: '/disabled', after: true })).toBe('disabled added: true');
    expect(valueChangeText({ kind: 'removed', pointer: '/name', before: 'x' })).toBe('name removed (was "x")');
  });
});
