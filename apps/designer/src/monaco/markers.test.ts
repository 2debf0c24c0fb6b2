import { describe, expect, it } from 'vitest';
import { codeSyntaxError, expressionSyntaxError } from '@millrace/flow-model';
import { flattenMessage, syntaxErrorPosition, unwrapRange, wrapForCheck } from './markers.ts';

describe('editor markers', () => {
  it('reads the line and column of a syntax error of code and of an expression', () => {
    expect(syntaxErrorPosition(codeSyntaxError('const a = 1;\nreturn {a: };')!)).toEqual({ line: 2, column: 12 });
    expect(syntaxErrorPosition(expressionSyntaxError('msg.payload.')!)).toEqual({ line: 1, column: 13 });
    expect(syntaxErrorPosition('is not one JavaScript expression')).toBeUndefined();
  });

  it('wraps code in a function and maps a diagnostic back to the user text', () => {
    const { text, offset } = wrapForCheck('code', 'return msg.x;');
    expect(text.slice(offset, offset + 13)).toBe('return msg.x;');
    const at = text.indexOf('msg.x');
    expect(unwrapRange(at, 5, offset, 13)).toEqual({ start: 7, end: 12 });
  });

  it('wraps an expression so a trailing line comment does not swallow the closing parenthesis', () => {
    const { text } = wrapForCheck('expression', 'msg.a // the lot');
    expect(text).toContain('msg.a // the lot\n)');
  });

  it('drops diagnostics that lie in the wrapper only and cuts those running past the end', () => {
    expect(unwrapRange(0, 3, 20, 10)).toBeUndefined();
    expect(unwrapRange(40, 2, 20, 10)).toBeUndefined();
    expect(unwrapRange(25, 100, 20, 10)).toEqual({ start: 5, end: 10 });
  });

  it('flattens a chain of TypeScript messages', () => {
    expect(flattenMessage({ messageText: 'a', next: [{ messageText: 'b' }] })).toBe('a\n  b');
  });
});
