import { describe, expect, it } from 'vitest';
import { runNode } from '@millrace/testing';
import { node } from './run.ts';

describe('retry', () => {
  it('passes the message on to the node it governs', async () => {
    const { ports } = await runNode(node, { config: { maxAttempts: 3 }, payloadText: '{"a":1}' });
    expect(ports.out![0]!.payloadText).toBe('{"a":1}');
  });
});
