import { describe, expect, it } from 'vitest';
import { DataError } from '@millrace/node-sdk';
import { testContext } from '../shared/test-context.ts';
import { node } from './run.ts';

describe('split', () => {
  it('sends one message per item of the payload, with its index and the count', async () => {
    const result = await node.run(testContext({ config: {}, payloadText: '[{"a":1},{"a":2}]' }));
    expect(result).toEqual({
      kind: 'emit',
      outputs: [
        {
          port: 'out',
          messages: [
            { payload: { a: 1 }, headers: { 'split-index': '0', 'split-count': '2' } },
            { payload: { a: 2 }, headers: { 'split-index': '1', 'split-count': '2' } },
          ],
        },
      ],
    });
  });

  it('sends an empty array on once by "empty"', async () => {
    expect(await node.run(testContext({ config: {}, payloadText: '[]' }))).toMatchObject({
      outputs: [{ port: 'empty', messages: [{ payloadText: '[]' }] }],
    });
  });

  it('refuses what is not an array, and more items than allowed, as data errors', async () => {
    await expect(node.run(testContext({ config: {}, payloadText: '{"lots":[]}' }))).rejects.toThrow(DataError);
    await expect(node.run(testContext({ config: { maxItems: 2 }, payloadText: '[1,2,3]' }))).rejects.toThrow(
      '3 items is more than maxItems (2)',
    );
  });
});
