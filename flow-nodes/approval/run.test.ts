import { describe, expect, it } from 'vitest';
import { DataError } from '@millrace/node-sdk';
import { testContext } from '../shared/test-context.ts';
import { node } from './run.ts';

const config = { meaning: 'batch release' };
const decision = {
  decision: 'approved',
  signer: 'qa.lead',
  meaning: 'batch release',
  reason: 'all tests in spec',
  signedAt: '2026-11-28T10:00:00Z',
};

describe('approval', () => {
  it('waits on the approval channel under its run and node', async () => {
    expect(await node.run(testContext({ config, payloadText: '{}' }))).toEqual({
      kind: 'wait',
      channel: 'approval',
      key: 'run-1/node-1',
    });
  });

  it('leaves by the decided port with the signed decision', async () => {
    const text = JSON.stringify(decision);
    const ctx = testContext({
      config,
      payloadText: '{"lot":"L1"}',
      resume: { kind: 'signal', payload: decision, payloadText: text },
    });
    expect(await node.run(ctx)).toMatchObject({
      outputs: [{ port: 'approved', messages: [{ payloadText: `{"input":{"lot":"L1"},"decision":${text}}` }] }],
    });
  });

  it('refuses a signal that is not a signed decision', async () => {
    const ctx = testContext({
      config,
      payloadText: '{}',
      resume: { kind: 'signal', payload: { decision: 'approved' }, payloadText: '{"decision":"approved"}' },
    });
    await expect(node.run(ctx)).rejects.toBeInstanceOf(DataError);
  });
});
