import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRetryAfter } from './retry-after.ts';

const now = new Date('2026-03-01T12:00:00.000Z');

describe('parseRetryAfter', () => {
  it('reads whole seconds as milliseconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('rounds fractional seconds up, leniently', () => {
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('0.0001', now)).toBe(1);
  });

  it('reads an HTTP-date as the time left until then', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
  });

  it('reads the obsolete RFC 850 date form', () => {
    expect(parseRetryAfter('Sunday, 01-Mar-26 12:01:00 GMT', now)).toBe(60_000);
  });

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Sat, 28 Feb 2026 12:00:00 GMT', now)).toBe(0);
  });

  it('ignores missing, empty and unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('1e3', now)).toBeUndefined();
    expect(parseRetryAfter('Foo, 99 Bar 2026', now)).toBeUndefined();
  });

  it('uses the first of repeated headers', () => {
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
  });
});

describe('parseRetryAfter on any input', () => {
  it('never throws and gives undefined or a finite delay of zero or more', () => {
    fc.assert(
      fc.property(fc.string(), fc.date({ noInvalidDate: true }), (value, at) => {
        const ms = parseRetryAfter(value, at);
        return ms === undefined || (Number.isFinite(ms) && ms >= 0);
      }),
    );
  });
});
