import { describe, expect, it } from 'vitest';
import { runNode } from '@millrace/testing';
import { node } from './run.ts';

const completion = {
  id: '3f6c1a2e-8b4d-4e1f-9a7c-2d5e6f708192',
  schemaVersion: 1,
  productionOrderId: '1000123',
  responseState: 'completed',
  producedLot: { lotId: 'LOT-1', qty: { value: '480.000', uom: 'KGM' } },
  startTime: '2026-03-02T06:00:00Z',
  endTime: '2026-03-02T10:00:00Z',
};

describe('validate', () => {
  it('passes a valid canonical event on by "valid", as the very text it came as', async () => {
    const text = JSON.stringify(completion);
    const { ports } = await runNode(node, { config: { schema: 'canonical:BatchCompletion@1' }, payloadText: text });
    expect(ports.valid![0]!.payloadText).toBe(text);
  });

  it('sends an invalid one on by "invalid" with every problem, losing nothing', async () => {
    const bad = { ...completion, producedLot: { lotId: 'LOT-1', qty: { value: 480, uom: 'KGM' } } };
    const { ports } = await runNode(node, { config: { schema: 'canonical:BatchCompletion@1' }, payload: bad });
    expect(ports.invalid![0]!.payload).toEqual({
      input: bad,
      problems: [{ pointer: '/producedLot/qty/value', message: 'must be a string, not the number 480' }],
    });
  });

  it('checks against an inline JSON Schema too', async () => {
    const { ports } = await runNode(node, { config: { schema: { type: 'object', required: ['lot'] } }, payload: {} });
    expect((ports.invalid![0]!.payload as { problems: unknown }).problems).toEqual([
      { pointer: '/lot', message: 'is required but missing' },
    ]);
  });
});
