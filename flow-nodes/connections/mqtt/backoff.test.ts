import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('reconnect backoff', () => {
  const backoff = { minMs: 1000, maxMs: 60000 };

  it('doubles per attempt up to the cap', () => {
    const ceilings = [0, 1, 2, 3, 6, 7, 100].map((a) => backoffDelay(a, backoff, () => 1));
    expect(ceilings).toEqual([1000, 2000, 4000, 8000, 60000, 60000, 60000]);
  });

  it('jitters down to half the ceiling, never below', () => {
    expect(backoffDelay(2, backoff, () => 0)).toBe(2000);
    expect(backoffDelay(2, backoff, () => 0.5)).toBe(3000);
  });
});
