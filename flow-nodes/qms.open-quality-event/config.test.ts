import { describe, expect, it } from 'vitest';
import { validateFlowPublishable, type Flow } from '@millrace/flow-model';
import { catalog } from '../catalog.ts';

/** A publish-ready flow: a quality event opened, then a CAPA for it, both on the qms slot. */
function flowWith(event: Record<string, unknown>, capa: Record<string, unknown>): Flow {
  return {
    schemaVersion: 1,
    id: 'deviation-intake',
    name: 'Deviation intake',
    version: '1.0.0',
    connections: { qms: { type: 'qms-rest' } },
    nodes: [
      { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'deviations' } },
      { id: 'event', type: 'qms.open-quality-event', version: 1, connection: 'qms', config: event },
      { id: 'capa', type: 'qms.open-capa', version: 1, connection: 'qms', config: capa },
    ],
    edges: [
      { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'event', port: 'in' } },
      { id: 'e2', from: { node: 'event', port: 'out' }, to: { node: 'capa', port: 'in' } },
    ],
  } as unknown as Flow;
}

const EVENT = { kind: 'deviation', description: "'CPP excursion on ' + msg.payload.lotId", source: 'mes' };
const CAPA = { problemStatement: "'Recurring excursions'" };

const problems = (event: Record<string, unknown>, capa: Record<string, unknown> = CAPA) =>
  validateFlowPublishable(flowWith(event, capa), { catalog }).map((p) => ({ pointer: p.pointer, message: p.message }));

describe('qms.open-quality-event config at publish', () => {
  it('accepts a complete config, with the defaults', () => {
    expect(problems(EVENT)).toEqual([]);
    expect(
      problems(
        {
          ...EVENT,
          classification: "'major'",
          affectedLots: 'msg.payload.lots',
          externalId: "'DEV-' + msg.payload.id",
        },
        { ...CAPA, type: 'preventive', dueAt: "'2026-07-31T17:00:00+02:00'", output: 'capa' },
      ),
    ).toEqual([]);
  });

  it('names a missing kind or description, and a kind the canonical model does not have', () => {
    expect(problems({ description: "'x'" })).toEqual([
      { pointer: '/nodes/1/config/kind', message: 'is required but missing' },
    ]);
    expect(problems({ kind: 'deviation' })).toEqual([
      { pointer: '/nodes/1/config/description', message: 'is required but missing' },
    ]);
    const [problem] = problems({ ...EVENT, kind: 'incident' });
    expect(problem).toMatchObject({ pointer: '/nodes/1/config/kind' });
    expect(problem!.message).toContain('supplier_issue');
  });
});
