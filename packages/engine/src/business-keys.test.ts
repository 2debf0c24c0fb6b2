import { describe, expect, it } from 'vitest';
import { businessKeyPairs, MAX_KEY_VALUE } from './business-keys.ts';

describe('businessKeyPairs', () => {
  it('makes strings, numbers and booleans searchable and leaves out what is missing', () => {
    expect(businessKeyPairs('{"lot":"B123","order":1000123,"rework":false,"none":null,"empty":""}')).toEqual([
      { name: 'lot', value: 'B123' },
      { name: 'order', value: '1000123' },
      { name: 'rework', value: 'false' },
    ]);
    expect(businessKeyPairs(null)).toEqual([]);
  });

  it('does not index documents or overlong values, nor text that is not an object', () => {
    expect(
      businessKeyPairs(JSON.stringify({ doc: { a: 1 }, list: [1], long: 'x'.repeat(MAX_KEY_VALUE + 1), ok: 'x' })),
    ).toEqual([{ name: 'ok', value: 'x' }]);
    expect(businessKeyPairs('[1,2]')).toEqual([]);
    expect(businessKeyPairs('not json')).toEqual([]);
  });
});
