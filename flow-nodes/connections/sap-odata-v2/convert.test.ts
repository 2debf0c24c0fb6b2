import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalDecimal, decimalString, fromV2, isoToV2Date, rfc3339ToMs, toV2, v2DateToIso } from './convert.ts';

describe('V2 dates', () => {
  it('reads /Date(ms)/ and /Date(ms+offset)/ as RFC 3339 UTC', () => {
    expect(v2DateToIso('/Date(1700000000000)/')).toBe('2023-11-14T22:13:20.000Z');
    // The milliseconds are UTC; the offset (minutes) does not move the instant.
    expect(v2DateToIso('/Date(1700000000000+0000)/')).toBe('2023-11-14T22:13:20.000Z');
    expect(v2DateToIso('/Date(1700000000000+0060)/')).toBe('2023-11-14T22:13:20.000Z');
    expect(v2DateToIso('/Date(-86400000)/')).toBe('1969-12-31T00:00:00.000Z');
  });

  it('leaves anything else alone', () => {
    for (const text of ['/Date()/', '/Date(abc)/', 'Date(1)', '/Date(1)', '/Date(99999999999999999)/'])
      expect(v2DateToIso(text)).toBeUndefined();
  });

  it('writes RFC 3339 date-times with a zone as /Date(ms)/', () => {
    expect(isoToV2Date('2023-11-14T22:13:20Z')).toBe('/Date(1700000000000)/');
    expect(isoToV2Date('2023-11-14T23:13:20+01:00')).toBe('/Date(1700000000000)/');
    expect(isoToV2Date('2023-11-14T22:13:20.123Z')).toBe('/Date(1700000000123)/');
    expect(isoToV2Date('2023-11-14t22:13z')).toBe('/Date(1699999980000)/');
  });

  it('cuts digits below the millisecond instead of rounding into the next second', () => {
    expect(isoToV2Date('2023-12-31T23:59:59.999999999Z')).toBe(`/Date(${Date.UTC(2023, 11, 31, 23, 59, 59, 999)})/`);
  });

  it('does not take dates without a zone, date-only strings or days that do not exist', () => {
    for (const text of ['2023-11-14T22:13:20', '2023-11-14', '2023-02-30T00:00:00Z', '2023-13-01T00:00:00Z', 'soon'])
      expect(rfc3339ToMs(text)).toBeUndefined();
  });

  it('round-trips every millisecond instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isoToV2Date(v2DateToIso(`/Date(${ms})/`)!)).toBe(`/Date(${ms})/`);
      }),
    );
  });
});

describe('decimals', () => {
  it('writes numbers without exponent form', () => {
    expect(decimalString(1e-7)).toBe('0.0000001');
    expect(decimalString(1.5e-10)).toBe('0.00000000015');
    expect(decimalString(-2.5e-7)).toBe('-0.00000025');
    expect(decimalString(1e21)).toBe('1000000000000000000000');
    expect(decimalString(1.234e22)).toBe('12340000000000000000000');
    expect(decimalString(123.456)).toBe('123.456');
    expect(decimalString(-0)).toBe('0');
  });

  it('keeps the exact value of every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = decimalString(x);
        expect(text).toMatch(/^-?\d+(\.\d+)?$/);
        expect(Number(text)).toBe(Object.is(x, -0) ? 0 : x);
      }),
    );
  });

  it('canonicalizes decimal text without going through floats', () => {
    expect(canonicalDecimal('100.000')).toBe('100');
    expect(canonicalDecimal('+0100.500')).toBe('100.5');
    expect(canonicalDecimal('-0.000')).toBe('0');
    expect(canonicalDecimal('.5')).toBe('0.5');
    expect(canonicalDecimal('12345678901234567890.123456789012345678')).toBe('12345678901234567890.123456789012345678');
    expect(canonicalDecimal('1e5')).toBeUndefined();
  });
});

describe('whole values', () => {
  it('converts dates deep inside SAP answers and keeps decimal strings as strings', () => {
    expect(
      fromV2({
        d: 1,
        Qty: '100.000',
        When: '/Date(0)/',
        to_Item: { results: [{ At: '/Date(1000)/', Note: '/Date(x)/' }] },
      }),
    ).toEqual({
      d: 1,
      Qty: '100.000',
      When: '1970-01-01T00:00:00.000Z',
      to_Item: { results: [{ At: '1970-01-01T00:00:01.000Z', Note: '/Date(x)/' }] },
    });
  });

  it('writes dates, fractional and huge numbers in V2 form; whole numbers, booleans and null stay', () => {
    expect(
      toV2({ At: '2024-01-01T00:00:00Z', Qty: 12.5, Int: 7, Big: 2 ** 60, Ok: true, No: null, Text: 'x', List: [0.5] }),
    ).toEqual({
      At: '/Date(1704067200000)/',
      Qty: '12.5',
      Int: 7,
      // The shortest text that reads back as the same double: no digit is made up.
      Big: '1152921504606847000',
      Ok: true,
      No: null,
      Text: 'x',
      List: ['0.5'],
    });
  });
});
