import { describe, expect, it } from 'vitest';
import { validateFlowPublishable, type Flow } from '@millrace/flow-model';
import { catalog } from '../catalog.ts';

function flowWith(config: Record<string, unknown>, slotType = 'mqtt'): Flow {
  return {
    schemaVersion: 1,
    id: 'lot-hold',
    name: 'Lot hold',
    version: '1.0.0',
    connections: { mes: { type: slotType } },
    nodes: [
      { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'holds' } },
      { id: 'hold', type: 'mes.send-hold', version: 1, connection: 'mes', config },
    ],
    edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'hold', port: 'in' } }],
  } as unknown as Flow;
}

const problems = (config: Record<string, unknown>, slotType?: string) =>
  validateFlowPublishable(flowWith(config, slotType), { catalog }).map((p) => ({
    pointer: p.pointer,
    message: p.message,
  }));

const HOLD = { reason: "'Inspection rejected'", topic: 'acme/{{params.site}}/{{msg.payload.line}}/mes/commands/hold' };

describe('mes.send-hold config at publish', () => {
  it('accepts an mqtt slot with a topic and an http slot with a path', () => {
    expect(problems(HOLD)).toEqual([]);
    expect(problems({ reason: "'x'", path: '/api/lots/{lotId}/hold', holdType: 'deviation' }, 'http')).toEqual([]);
  });

  it('names a missing reason, a wildcard in the topic, a relative path and a hold type that is not a code', () => {
    expect(problems({ topic: HOLD.topic })).toEqual([
      { pointer: '/nodes/1/config/reason', message: 'is required but missing' },
    ]);
    expect(problems({ ...HOLD, topic: 'acme/+/mes/commands/hold' })).toEqual([
      { pointer: '/nodes/1/config/topic', message: expect.stringContaining('without "+" or "#"') },
    ]);
    expect(problems({ ...HOLD, path: 'holds' })).toEqual([
      { pointer: '/nodes/1/config/path', message: expect.stringContaining('starting with "/"') },
    ]);
    expect(problems({ ...HOLD, holdType: 'Quality Hold' })).toEqual([
      { pointer: '/nodes/1/config/holdType', message: expect.stringContaining('lower-case code') },
    ]);
  });

  it('names a slot that is neither http nor mqtt', () => {
    expect(problems(HOLD, 'qms-rest')).toEqual([
      {
        pointer: '/nodes/1/connection',
        message: 'names slot "mes" of type qms-rest, but node type "mes.send-hold" works with http or mqtt',
      },
    ]);
  });
});
