import { describe, expect, it } from 'vitest';
import type { Flow } from '@millrace/flow-model';
import { catalog } from '@millrace/flow-nodes/catalog';
import { inputPayloadSchemas, portPayloadSchema, upstreamNodeIds } from './upstream.ts';

const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, version: 1, config });
const edge = (from: string, port: string, to: string) => ({
  id: `${from}-${port}-${to}`,
  from: { node: from, port },
  to: { node: to, port: 'in' },
});

const FLOW: Flow = {
  schemaVersion: 1,
  id: 'f',
  name: 'F',
  version: '1.0.0',
  nodes: [
    node('hook', 'trigger.webhook', { schema: 'canonical:BatchCompletion@1' }),
    node('check', 'validate', { schema: 'canonical:InspectionLot@1' }),
    node('spec', 'route', { routes: [{ port: 'bad', when: 'true' }] }),
    node('shape', 'map', { source: 'return {};' }),
    node('park', 'dead-letter', { reason: 'r' }),
    node('other', 'trigger.webhook', {}),
  ],
  edges: [
    edge('hook', 'out', 'check'),
    edge('check', 'valid', 'spec'),
    edge('check', 'invalid', 'park'),
    edge('spec', 'bad', 'shape'),
    edge('spec', 'default', 'park'),
  ],
};

describe('upstream nodes', () => {
  it('lists every node with a path to this one, nearest first, and no other', () => {
    expect(upstreamNodeIds(FLOW, 'shape')).toEqual(['spec', 'check', 'hook']);
    expect(upstreamNodeIds(FLOW, 'park')).toEqual(['check', 'spec', 'hook']);
    expect(upstreamNodeIds(FLOW, 'hook')).toEqual([]);
  });

  it('terminates on a cycle without listing the node itself', () => {
    const cyclic = { ...FLOW, edges: [...FLOW.edges, edge('shape', 'out', 'spec')] };
    expect(upstreamNodeIds(cyclic, 'shape')).toEqual(['spec', 'check', 'hook']);
  });
});

describe('payload contracts', () => {
  it('takes a trigger schema and what validate lets through on "valid"', () => {
    expect(portPayloadSchema(FLOW, catalog, 'hook', 'out')).toBe('canonical:BatchCompletion@1');
    expect(portPayloadSchema(FLOW, catalog, 'check', 'valid')).toBe('canonical:InspectionLot@1');
  });

  it('follows nodes that pass the message on, such as route', () => {
    expect(inputPayloadSchemas(FLOW, catalog, 'shape')).toEqual(['canonical:InspectionLot@1']);
  });

  it('gives nothing when one input is unknown, so msg.payload is not typed as a lie', () => {
    // park gets validate's "invalid" (the unchecked BatchCompletion) and route's default.
    expect(inputPayloadSchemas(FLOW, catalog, 'park')).toEqual([
      'canonical:BatchCompletion@1',
      'canonical:InspectionLot@1',
    ]);
    const withUnknown = { ...FLOW, edges: [...FLOW.edges, edge('other', 'out', 'shape')] };
    expect(inputPayloadSchemas(withUnknown, catalog, 'shape')).toEqual([]);
  });

  it("uses a map's outputSchema for what it emits", () => {
    const flow = {
      ...FLOW,
      nodes: FLOW.nodes.map((n) =>
        n.id === 'shape' ? { ...n, config: { source: 'x', outputSchema: { type: 'object' } } } : n,
      ),
    };
    expect(portPayloadSchema(flow, catalog, 'shape', 'out')).toEqual({ type: 'object' });
  });
});
