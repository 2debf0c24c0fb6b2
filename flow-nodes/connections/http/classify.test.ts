import { describe, expect, it } from 'vitest';
import { RemoteError, TransientError } from '@millrace/node-sdk';
import { statusError } from './classify.ts';

const now = new Date('2026-11-28T08:00:00Z');
const answer = (status: number, headers: Record<string, string> = {}) => ({
  status,
  url: 'https://qms.example.com/api/supplier-cases',
  headers,
  bodyText: '{"error":{"code":"IDEMPOTENCY_KEY_IN_USE"}}',
});

describe('HTTP answers as errors', () => {
  it('retries a 409 that says when to come back: the same idempotent request is still in progress', () => {
    const error = statusError(answer(409, { 'retry-after': '2' }), 'POST', now);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'HTTP_IN_PROGRESS', retryAfterMs: 2000 });
  });

  it('parks a 409 without Retry-After as a rejection: a real conflict does not heal by waiting', () => {
    const error = statusError(answer(409), 'POST', now);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'HTTP_REJECTED', status: 409 });
  });
});
