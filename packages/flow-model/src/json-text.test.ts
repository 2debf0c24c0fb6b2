import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateSyntaxError, parseJsonText } from './json-text.ts';

describe('parseJsonText', () => {
  it('names what was expected and where', () => {
    const cases: Array<[string, string]> = [
      ['{"a": }', 'expected a value, found "}" at line 1, column 7'],
      ['{"a": 1,}', 'expected a property name in double quotes, found "}" at line 1, column 9'],
      ['{"a" 1}', 'expected ":", found "1" at line 1, column 6'],
      ['[1 2]', 'expected "," or "]", found "2" at line 1, column 4'],
      ['{\n  "a": "x\n}', 'control character in a string, found "\\n" at line 2, column 10'],
      ['{"a": 1} x', 'unexpected text after the document, found "x" at line 1, column 10'],
      ['{"a": [1, 2', 'unexpected end of input at line 1, column 12'],
      ["{'a': 1}", 'expected a property name in double quotes, found "\'" at line 1, column 2'],
      ['', 'unexpected end of input at line 1, column 1'],
    ];
    for (const [text, message] of cases) {
      expect(parseJsonText(text)).toEqual({
        ok: false,
        problems: [{ pointer: '', message: `is not valid JSON: ${message}` }],
      });
    }
  });

  it('agrees with JSON.parse on what is valid', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v, null, 1);
        expect(parseJsonText(text)).toEqual({ ok: true, value: JSON.parse(text) });
      }),
    );
  });

  it('finds an error in every truncated document', () => {
    fc.assert(
      fc.property(fc.object(), fc.nat(), (v, cut) => {
        const text = JSON.stringify(v);
        const truncated = text.slice(0, cut % text.length);
        fc.pre(truncated.trim() !== '' || text.length > 0);
        let valid = true;
        try {
          JSON.parse(truncated);
        } catch {
          valid = false;
        }
        if (!valid) expect(locateSyntaxError(truncated).reason).not.toBe('invalid JSON');
      }),
    );
  });
});
