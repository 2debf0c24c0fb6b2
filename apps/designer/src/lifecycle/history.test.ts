import { describe, expect, it } from 'vitest';
import { defaultPair, nextStatus, shortDigest } from './history.ts';

describe('the version history', () => {
  it('compares the newest version with the draft when there is one', () => {
    expect(defaultPair(['1.0.0', '1.2.0', '1.10.0'], true)).toEqual({ from: '1.10.0', to: 'draft' });
  });

  it('compares the previous version with the newest without a draft', () => {
    expect(defaultPair(['1.10.0', '1.2.0'], false)).toEqual({ from: '1.2.0', to: '1.10.0' });
    expect(defaultPair(['1.0.0'], false)).toEqual({ from: '1.0.0', to: '1.0.0' });
    expect(defaultPair([], true)).toBeUndefined();
  });

  it('deprecates a published version and retires a deprecated one, nothing else', () => {
    expect(nextStatus('published')).toBe('deprecate');
    expect(nextStatus('deprecated')).toBe('retire');
    expect(nextStatus('retired')).toBeUndefined();
  });

  it('shortens a digest for the table', () => {
    expect(shortDigest('a'.repeat(64))).toBe(`${'a'.repeat(12)}…`);
    expect(shortDigest('abc')).toBe('abc');
  });
});
