import { describe, expect, it } from 'vitest';
import { validateFlowPublishable, type Flow } from '@millrace/flow-model';
import { catalog } from '../catalog.ts';

/** A publish-ready flow around one qms.create-inspection node with the given config and slot. */
function flowWith(config: Record<string, unknown>, slotType = 'qms-rest'): Flow {
  return {
    schemaVersion: 1,
    id: 'batch-inspection',
    name: 'Batch inspection',
    version: '1.0.0',
    connections: { qms: { type: slotType } },
    nodes: [
      { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'batches' } },
      { id: 'inspect', type: 'qms.create-inspection', version: 1, connection: 'qms', config },
    ],
    edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'inspect', port: 'in' } }],
  } as unknown as Flow;
}

const problems = (config: Record<string, unknown>, slotType?: string) =>
  validateFlowPublishable(flowWith(config, slotType), { catalog }).map((p) => ({
    pointer: p.pointer,
    message: p.message,
  }));

describe('qms.create-inspection config at publish', () => {
  it('accepts the defaults and a config of expressions', () => {
    expect(problems({})).toEqual([]);
    expect(
      problems({
        lotId: 'msg.payload.lot',
        origin: "'in_process'",
        quantity: '({ value: msg.payload.kg, uom: "KGM" })',
        output: 'inspection',
      }),
    ).toEqual([]);
  });

  it('names an expression that does not parse, an unknown output and an unknown field', () => {
    expect(problems({ lotId: 'msg.payload.(' })).toEqual([
      { pointer: '/nodes/1/config/lotId', message: expect.stringContaining('syntax error') },
    ]);
    expect(problems({ output: 'lot' })).toEqual([
      { pointer: '/nodes/1/config/output', message: expect.stringContaining('"inspection"') },
    ]);
    expect(problems({ lot: 'msg.payload.lot' })).toEqual([
      { pointer: '/nodes/1/config/lot', message: 'is not a known field here' },
    ]);
  });

  it('names a connection slot of another type', () => {
    expect(problems({}, 'http')).toEqual([
      {
        pointer: '/nodes/1/connection',
        message: 'names slot "qms" of type http, but node type "qms.create-inspection" works with qms-rest',
      },
    ]);
  });
});
