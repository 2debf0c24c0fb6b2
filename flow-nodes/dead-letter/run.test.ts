import { describe, expect, it } from 'vitest';
import { runNode } from '@millrace/testing';
import { node } from './run.ts';

describe('dead-letter', () => {
  it('parks the run with its reason, code and details', async () => {
    const { result } = await runNode(node, {
      config: {
        reason: 'Batch completion does not match the canonical schema',
        code: 'MALFORMED_EVENT',
        details: '({ lot: msg.payload.lot })',
      },
      payload: { lot: 'L-9' },
    });
    expect(result).toEqual({
      kind: 'park',
      reason: 'Batch completion does not match the canonical schema',
      code: 'MALFORMED_EVENT',
      details: { lot: 'L-9' },
    });
  });
});
