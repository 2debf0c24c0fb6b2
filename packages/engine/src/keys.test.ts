import { describe, expect, it } from 'vitest';
import { ancestorKey } from './keys.ts';

describe('step keys', () => {
  it('finds the nearest step of a node on the path of a step, and nothing off it', () => {
    expect(ancestorKey('read/found/missing', 'read')).toBe('read');
    expect(ancestorKey('a/b@out#1/c/b/d', 'b')).toBe('a/b@out#1/c/b');
    expect(ancestorKey('a/b@out#1/d', 'b')).toBe('a/b@out#1');
    expect(ancestorKey('read/found/missing', 'missing')).toBeUndefined();
    expect(ancestorKey('read/found/missing', 'elsewhere')).toBeUndefined();
  });
});
