import { describe, expect, it } from 'vitest';
import type { CodeRunner } from '@millrace/node-sdk';
import { describeValue, evaluateAll, partText } from './expressions.ts';

const answering = (text: string): CodeRunner =>
  ({
    evaluate: () => Promise.resolve(text),
    run: () => Promise.reject(new Error('not used')),
  }) as unknown as CodeRunner;

describe('evaluateAll', () => {
  it('hands back one value per expression', async () => {
    await expect(evaluateAll(answering('[1,"a",null]'), ['a', 'b', 'c'])).resolves.toEqual([1, 'a', null]);
  });

  it('does not call the sandbox for no expressions', async () => {
    await expect(evaluateAll(answering('not json'), [])).resolves.toEqual([]);
  });

  it.each([['not json'], ['{"a":1}'], ['[1]']])('refuses the sandbox answer %s as SANDBOX_BAD_RESULT', async (text) => {
    await expect(evaluateAll(answering(text), ['a', 'b'])).rejects.toMatchObject({
      code: 'SANDBOX_BAD_RESULT',
      category: 'internal',
    });
  });
});

describe('describeValue', () => {
  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    ['', 'an empty string'],
    ['LOT-1', '"LOT-1"'],
    ['x'.repeat(50), `"${'x'.repeat(40)}…"`],
    [42, '42'],
    [false, 'false'],
    [[1], 'an array'],
    [{ a: 1 }, 'an object'],
  ])('names %j as %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('partText', () => {
  it.each([
    ['a/b', 'a/b'],
    [7, '7'],
    [true, 'true'],
    [null, undefined],
    [{ a: 1 }, undefined],
    [[1], undefined],
  ])('makes %j the part %j', (value, text) => {
    expect(partText(value)).toBe(text);
  });
});
