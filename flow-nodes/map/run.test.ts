import { describe, expect, it } from 'vitest';
import { DataError, SandboxError } from '@millrace/node-sdk';
import { runNode } from '@millrace/testing';
import { node } from './run.ts';

describe('map', () => {
  it('returns what its code returns, with msg and params in scope', async () => {
    const { ports } = await runNode(node, {
      config: {
        source:
          'return { lot: msg.payload.lotId, plant: params.plantCode, qty: helpers.decimal.add(msg.payload.a, msg.payload.b) };',
      },
      payload: { lotId: 'L-1', a: '0.1', b: '0.2' },
      params: { plantCode: 'P100' },
    });
    expect(ports.out![0]!.payload).toEqual({ lot: 'L-1', plant: 'P100', qty: '0.3' });
  });

  it('builds the payload from a field table', async () => {
    const { ports } = await runNode(node, {
      config: {
        mode: 'fields',
        fields: [
          { target: 'lot.id', value: 'msg.payload.lotId' },
          { target: 'items[0].qty', value: '"5"' },
        ],
      },
      payload: { lotId: 'L-2' },
    });
    expect(ports.out![0]!.payload).toEqual({ lot: { id: 'L-2' }, items: [{ qty: '5' }] });
  });

  it('fails with a sandbox error naming the line when the code throws on bad input', async () => {
    const error = await runNode(node, { config: { source: 'return msg.payload.lot.id;' }, payload: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).code).toBe('SANDBOX_THREW');
  });

  it('refuses an output that does not match its schema with a data error', async () => {
    const error = await runNode(node, {
      config: {
        source: 'return { lot: 1 };',
        outputSchema: { type: 'object', required: ['lot'], properties: { lot: { type: 'string' } } },
      },
      payload: {},
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(
      'the mapped payload does not match its schema: /lot must be a string, not the number 1',
    );
  });
});
