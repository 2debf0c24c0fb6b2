import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideRetry, DEFAULT_RETRY, resolveRetryPolicy } from './retry.ts';

const transient = { retryable: true, code: 'HTTP_TRANSIENT' } as const;
const noJitter = resolveRetryPolicy({ jitter: false, initialMs: 100, multiplier: 2, maxMs: 1000, maxAttempts: 6 });

describe('decideRetry', () => {
  it('backs off exponentially up to the cap', () => {
    const delays = [1, 2, 3, 4, 5].map((a) => decideRetry(transient, a, noJitter, 0.5));
    expect(delays).toEqual([100, 200, 400, 800, 1000].map((delayMs) => ({ kind: 'retry', delayMs })));
  });

  it('gives up after the last attempt', () => {
    expect(decideRetry(transient, 6, noJitter, 0)).toEqual({ kind: 'give-up', reason: 'exhausted' });
  });

  it('never retries an error that is not retryable, or whose code the policy excludes', () => {
    expect(decideRetry({ retryable: false, code: 'HTTP_REJECTED' }, 1, noJitter, 0)).toEqual({
      kind: 'give-up',
      reason: 'not-retryable',
    });
    const policy = resolveRetryPolicy({ nonRetryableCodes: ['HTTP_TRANSIENT'] });
    expect(decideRetry(transient, 1, policy, 0)).toEqual({ kind: 'give-up', reason: 'not-retryable' });
  });

  it('waits at least what Retry-After asks for, but no longer than the cap', () => {
    expect(decideRetry({ ...transient, retryAfterMs: 5000 }, 1, noJitter, 0)).toEqual({ kind: 'retry', delayMs: 5000 });
    const capped = resolveRetryPolicy(noJitter, { maxRetryAfterMs: 2000 });
    expect(decideRetry({ ...transient, retryAfterMs: 86_400_000 }, 1, capped, 0)).toEqual({
      kind: 'retry',
      delayMs: 2000,
    });
    const ignoring = resolveRetryPolicy(noJitter, { honorRetryAfter: false });
    expect(decideRetry({ ...transient, retryAfterMs: 5000 }, 1, ignoring, 0)).toEqual({ kind: 'retry', delayMs: 100 });
  });

  it('keeps jittered delays between half and all of the exponential delay', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, random) => {
          const d = decideRetry(transient, attempt, DEFAULT_RETRY, random);
          const full = Math.min(DEFAULT_RETRY.maxMs, DEFAULT_RETRY.initialMs * 2 ** (attempt - 1));
          expect(d.kind).toBe('retry');
          if (d.kind === 'retry') {
            expect(d.delayMs).toBeGreaterThanOrEqual(Math.floor(full / 2));
            expect(d.delayMs).toBeLessThanOrEqual(full);
          }
        },
      ),
    );
  });

  it('lets later layers override earlier ones field by field', () => {
    const p = resolveRetryPolicy({ maxAttempts: 3, initialMs: 10 }, undefined, { initialMs: 20 });
    expect(p).toMatchObject({ maxAttempts: 3, initialMs: 20, multiplier: 2, maxMs: 60_000 });
  });
});
