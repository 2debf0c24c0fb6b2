import { describe, expect, it } from 'vitest';
import { DataError } from '@millrace/node-sdk';
import { testContext } from '../shared/test-context.ts';
import { node } from './run.ts';

const code = (key: unknown) => ({
  run: () => Promise.reject(new Error('no code')),
  evaluate: async () => JSON.stringify([key]),
});
const config = { key: 'msg.payload.eventId', windowMs: 60000 };

describe('dedupe', () => {
  it('lets the first message with a key through and marks the same step again as first too', async () => {
    const ctx = testContext({ config, payloadText: '{}', code: code('E-1'), idempotencyKey: 'step-A' });
    expect(await node.run(ctx)).toMatchObject({ outputs: [{ port: 'out' }] });
    // The same step after a crash: its own claim is there, it is still the first.
    expect(await node.run(ctx)).toMatchObject({ outputs: [{ port: 'out' }] });
  });

  it('sends another step with the same key out of "duplicate", naming the first', async () => {
    const first = testContext({ config, payloadText: '{}', code: code('E-1'), idempotencyKey: 'step-A' });
    await node.run(first);
    const second = {
      ...testContext({ config, payloadText: '{}', code: code('E-1'), idempotencyKey: 'step-B' }),
      state: first.state,
    };
    expect(await node.run(second)).toMatchObject({
      outputs: [{ port: 'duplicate', messages: [{ headers: { 'first-seen-by': 'step-A' } }] }],
    });
  });

  it('refuses a missing key as a data error', async () => {
    await expect(node.run(testContext({ config, payloadText: '{}', code: code(null) }))).rejects.toThrow(DataError);
  });
});
