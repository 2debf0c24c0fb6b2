import { describe, expect, it } from 'vitest';
import { DataError } from '@millrace/node-sdk';
import { testContext } from '../shared/test-context.ts';
import { node } from './run.ts';

const evaluating = (values: unknown[]) => ({
  run: () => Promise.reject(new Error('no code')),
  evaluate: async () => JSON.stringify(values),
});

describe('signal', () => {
  it('sends the payload on its channel under the key and passes the message on', async () => {
    const ctx = testContext({
      config: { channel: 'qms.inspection.decided', key: 'msg.payload.id' },
      payloadText: '{"id":"I-1","decision":"accept"}',
      code: evaluating(['I-1']),
    });
    const result = await node.run(ctx);
    expect(ctx.signals).toEqual([
      { channel: 'qms.inspection.decided', key: 'I-1', payloadText: '{"id":"I-1","decision":"accept"}' },
    ]);
    expect(result).toMatchObject({ kind: 'emit', outputs: [{ port: 'out', messages: [{ headers: { woken: '0' } }] }] });
  });

  it('sends the value of a payload expression when given one', async () => {
    const ctx = testContext({
      config: { channel: 'c', key: 'k', payload: '({ ok: true })' },
      payloadText: '{}',
      code: evaluating(['K', { ok: true }]),
    });
    await node.run(ctx);
    expect(ctx.signals[0]).toEqual({ channel: 'c', key: 'K', payloadText: '{"ok":true}' });
  });

  it('refuses a missing key with a data error', async () => {
    const ctx = testContext({
      config: { channel: 'c', key: 'msg.payload.id' },
      payloadText: '{}',
      code: evaluating([null]),
    });
    await expect(node.run(ctx)).rejects.toBeInstanceOf(DataError);
    expect(ctx.signals).toEqual([]);
  });
});
