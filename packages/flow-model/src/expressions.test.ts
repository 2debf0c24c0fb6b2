import { describe, expect, it } from 'vitest';
import { codeSyntaxError, expressionSyntaxError } from './expressions.ts';

describe('expression syntax checks', () => {
  it('accept expressions people write', () => {
    for (const e of [
      'msg.payload.lotId',
      "({ error: 'too big', n: msg.payload.n })",
      '(msg.payload.items ?? []).length > 0',
      'a ? b : c',
      '`lot-${msg.payload.id}`',
    ]) {
      expect(expressionSyntaxError(e), e).toBeUndefined();
    }
  });

  it('refuse a statement or two expressions where one expression belongs', () => {
    expect(expressionSyntaxError('msg.a; msg.b')).toBe(
      'is not one JavaScript expression: unexpected "; msg.b" after it',
    );
    expect(expressionSyntaxError('return 1')).toMatch(
      /^has a syntax error in its JavaScript expression at line 1, column 1/,
    );
  });

  it('accept function bodies with return and refuse broken ones with line and column', () => {
    expect(codeSyntaxError('const x = msg.payload;\nreturn { x };')).toBeUndefined();
    expect(codeSyntaxError('return {\n  a: 1\n  b: 2\n};')).toBe(
      'has a syntax error in its JavaScript code at line 3, column 3: Unexpected token',
    );
  });
});
