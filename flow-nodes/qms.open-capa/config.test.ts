import { describe, expect, it } from 'vitest';
import { validateFlowPublishable, type Flow } from '@millrace/flow-model';
import { catalog } from '../catalog.ts';

function flowWith(config: Record<string, unknown>): Flow {
  return {
    schemaVersion: 1,
    id: 'capa-intake',
    name: 'CAPA intake',
    version: '1.0.0',
    connections: { qms: { type: 'qms-rest' } },
    nodes: [
      { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'capas' } },
      { id: 'capa', type: 'qms.open-capa', version: 1, connection: 'qms', config },
    ],
    edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'capa', port: 'in' } }],
  } as unknown as Flow;
}

const CAPA = { problemStatement: "'Recurring excursions'" };

const problems = (config: Record<string, unknown>) =>
  validateFlowPublishable(flowWith(config), { catalog }).map((p) => ({ pointer: p.pointer, message: p.message }));

describe('qms.open-capa config at publish', () => {
  it('accepts a complete config, with the defaults', () => {
    expect(problems(CAPA)).toEqual([]);
    expect(
      problems({
        ...CAPA,
        type: 'preventive',
        sourceEventIds: "['QE-1']",
        dueAt: "'2026-07-31T17:00:00+02:00'",
        output: 'capa',
      }),
    ).toEqual([]);
  });

  it('names a CAPA without a problem statement, of an unknown type, or with an expression that does not parse', () => {
    expect(problems({})).toEqual([{ pointer: '/nodes/1/config/problemStatement', message: 'is required but missing' }]);
    const [type] = problems({ ...CAPA, type: 'corrective_action' });
    expect(type).toMatchObject({ pointer: '/nodes/1/config/type' });
    expect(problems({ ...CAPA, ownerId: 'msg.payload.owner +' })).toEqual([
      { pointer: '/nodes/1/config/ownerId', message: expect.stringContaining('syntax error') },
    ]);
  });
});
