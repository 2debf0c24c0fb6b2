import { describe, expect, it } from 'vitest';
import type { FlowNode } from '@millrace/flow-model';
import { findNode } from './find.ts';

const n = (id: string, name?: string): FlowNode =>
  ({ id, type: 'map', version: 1, config: {}, ...(name ? { name } : {}) }) as FlowNode;
const nodes = [n('hook', 'Batch completed'), n('map-1', 'Unwrap'), n('map', 'To SAP'), n('check', 'Check batch')];

describe('finding a node', () => {
  it('matches the id or the name, in any case, anywhere in it', () => {
    expect(findNode(nodes, 'UNWRAP')).toBe('map-1');
    expect(findNode(nodes, 'chec')).toBe('check');
    expect(findNode(nodes, '  sap ')).toBe('map');
  });

  it('prefers the node whose id is exactly the query', () => {
    expect(findNode(nodes, 'map')).toBe('map');
  });

  it('walks through every match on each search and wraps around', () => {
    expect(findNode(nodes, 'batch')).toBe('hook');
    expect(findNode(nodes, 'batch', 'hook')).toBe('check');
    expect(findNode(nodes, 'batch', 'check')).toBe('hook');
  });

  it('finds nothing for no match or an empty query', () => {
    expect(findNode(nodes, 'erp')).toBeUndefined();
    expect(findNode(nodes, '   ')).toBeUndefined();
  });
});
