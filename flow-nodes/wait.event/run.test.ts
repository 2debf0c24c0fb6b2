import { describe, expect, it } from 'vitest';
import { DataError } from '@millrace/node-sdk';
import { testContext } from '../shared/test-context.ts';
import { node } from './run.ts';

const evaluating = (values: unknown[]) => ({
  run: () => Promise.reject(new Error('no code')),
  evaluate: async () => JSON.stringify(values),
});
const config = { channel: 'qms.inspection.decided', key: 'msg.payload.inspectionId', timeoutMs: 1000 };

describe('wait.event', () => {
  it('waits on its channel with the key its expression gives', async () => {
    const ctx = testContext({ config, payloadText: '{"inspectionId":"I-1"}', code: evaluating(['I-1']) });
    expect(await node.run(ctx)).toEqual({
      kind: 'wait',
      channel: 'qms.inspection.decided',
      key: 'I-1',
      timeoutMs: 1000,
    });
  });

  it('goes on with the message and the event once signalled', async () => {
    const ctx = testContext({
      config,
      payloadText: '{"lot":"L1"}',
      resume: { kind: 'signal', payload: { d: 'accept' }, payloadText: '{"d":"accept"}' },
    });
    expect(await node.run(ctx)).toEqual({
      kind: 'emit',
      outputs: [
        { port: 'out', messages: [{ payloadText: '{"input":{"lot":"L1"},"event":{"d":"accept"}}', headers: {} }] },
      ],
    });
  });

  it('leaves by timeout with the message when nothing came', async () => {
    const ctx = testContext({ config, payloadText: '{"lot":"L1"}', resume: { kind: 'timeout' } });
    expect(await node.run(ctx)).toMatchObject({
      kind: 'emit',
      outputs: [{ port: 'timeout', messages: [{ payloadText: '{"lot":"L1"}' }] }],
    });
  });

  it('refuses to wait for nothing: a key that is missing is a data error', async () => {
    const ctx = testContext({ config, payloadText: '{}', code: evaluating([null]) });
    await expect(node.run(ctx)).rejects.toBeInstanceOf(DataError);
  });
});
