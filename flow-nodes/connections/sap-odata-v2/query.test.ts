import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { keyPredicate, literal, queryString, renderFilter } from './query.ts';
import { parseFilter, parseKey, parseLiteral, plain } from './test-server-query.ts';

const text = (l: ReturnType<typeof literal>) => (l.ok ? l.text : `problem: ${l.problem}`);

describe('URI literals', () => {
  it('quote strings, doubling quotes inside', () => {
    expect(text(literal("O'Brien"))).toBe("'O''Brien'");
    expect(text(literal("''"))).toBe("''''''");
  });

  it('write numbers by kind: whole plain, fractional as Edm.Decimal', () => {
    expect(text(literal(42))).toBe('42');
    expect(text(literal(1.5))).toBe('1.5M');
    expect(text(literal('100.000', 'decimal'))).toBe('100.000M');
    expect(text(literal(1e-7, 'decimal'))).toBe('0.0000001M');
    expect(text(literal(42, 'string'))).toBe("'42'");
    expect(text(literal('42', 'int'))).toBe('42');
  });

  it('write typed literals', () => {
    expect(text(literal('2024-03-01T06:00:00+01:00', 'datetime'))).toBe("datetime'2024-03-01T05:00:00'");
    expect(text(literal('/Date(1700000000123)/', 'datetimeoffset'))).toBe("datetimeoffset'2023-11-14T22:13:20.123Z'");
    expect(text(literal('005056a2-0b3e-1eda-9c8a-6f2b5d7e4c10', 'guid'))).toBe(
      "guid'005056a2-0b3e-1eda-9c8a-6f2b5d7e4c10'",
    );
    expect(text(literal(true))).toBe('true');
    expect(text(literal(null))).toBe('null');
  });

  it('refuse values that have no literal, saying why', () => {
    expect(text(literal(undefined))).toBe('problem: is undefined');
    expect(text(literal({ a: 1 }))).toContain('needs a string, a number, a boolean or null');
    expect(text(literal('abc', 'guid'))).toContain('needs a GUID');
    expect(text(literal('tomorrow', 'datetime'))).toContain('RFC 3339');
    expect(text(literal(1.5, 'int'))).toContain('whole number');
    expect(text(literal(Number.NaN))).toContain('finite');
  });

  it('survive the trip through a URL for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const lit = literal(s);
        if (!lit.ok) throw new Error(lit.problem);
        const decoded = new URLSearchParams(queryString([['p', lit.text]])).get('p')!;
        expect(plain(parseLiteral(decoded))).toBe(s);
      }),
    );
  });
});

describe('key predicates', () => {
  it('write one key as a string literal, numbers included', () => {
    expect(text(keyPredicate('1000123'))).toBe("('1000123')");
    expect(text(keyPredicate(1000123))).toBe("('1000123')");
  });

  it('write a composite key in the given order', () => {
    expect(text(keyPredicate({ Material: 'M-1', BatchIdentifyingPlant: 'P100', Batch: 'B1' }))).toBe(
      "(Material='M-1',BatchIdentifyingPlant='P100',Batch='B1')",
    );
  });

  it('take a typed value for keys that are not strings', () => {
    expect(text(keyPredicate({ Id: { value: 7, type: 'int' }, Year: '2024' }))).toBe("(Id=7,Year='2024')");
    expect(text(keyPredicate({ value: '005056a2-0b3e-1eda-9c8a-6f2b5d7e4c10', type: 'guid' }))).toBe(
      "(guid'005056a2-0b3e-1eda-9c8a-6f2b5d7e4c10')",
    );
  });

  it('percent-encode what would change the path', () => {
    expect(text(keyPredicate('A/B?c#d (e)%'))).toBe("('A%2FB%3Fc%23d%20%28e%29%25')");
  });

  it('refuse null, empty and nested values', () => {
    expect(text(keyPredicate(null))).toContain('is null');
    expect(text(keyPredicate(''))).toContain('empty string');
    expect(text(keyPredicate({}))).toContain('empty object');
    expect(text(keyPredicate({ Batch: null }))).toContain('field Batch is null');
    expect(text(keyPredicate({ 'a b': '1' }))).toContain('not a property name');
    expect(text(keyPredicate([1]))).toContain('an array');
  });

  it('are read back by the test server as they were meant', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        const lit = keyPredicate({ Material: a, Batch: b });
        if (!lit.ok) throw new Error(lit.problem);
        const inner = decodeURIComponent(lit.text).slice(1, -1);
        expect(parseKey(inner, ['Material', 'Batch'])).toEqual({ Material: a, Batch: b });
      }),
    );
  });
});

describe('$filter', () => {
  it('joins conditions with and', () => {
    const rendered = renderFilter([
      { field: 'Material', value: "M'1" },
      { field: 'Qty', op: 'ge', value: 10 },
      { field: 'Plant', op: 'ne', value: null },
    ]);
    expect(rendered).toEqual({ ok: true, text: "Material eq 'M''1' and Qty ge 10 and Plant ne null" });
  });

  it('writes in, startswith and substringof', () => {
    expect(
      renderFilter([
        { field: 'Status', op: 'in', value: ['A', 'B'] },
        { field: 'Batch', op: 'startswith', value: 'B1' },
        { field: 'Text', op: 'substringof', value: "it's" },
      ]),
    ).toEqual({
      ok: true,
      text: "(Status eq 'A' or Status eq 'B') and startswith(Batch,'B1') and substringof('it''s',Text)",
    });
  });

  it('names the condition and the problem when a value is unusable', () => {
    expect(
      renderFilter([
        { field: 'A', value: 1 },
        { field: 'B', value: undefined },
      ]),
    ).toEqual({
      ok: false,
      index: 1,
      problem: 'is undefined',
    });
    expect(renderFilter([{ field: 'A', op: 'gt', value: null }])).toMatchObject({
      ok: false,
      problem: expect.stringContaining('null'),
    });
    expect(renderFilter([{ field: 'A', op: 'in', value: [] }])).toMatchObject({
      ok: false,
      problem: expect.stringContaining('non-empty'),
    });
    expect(renderFilter([{ field: 'A) or (B', value: 1 }])).toMatchObject({ ok: false });
  });

  it('means what it says to a parser: a quoted value cannot widen the filter', () => {
    const rows = [{ Material: 'a' }, { Material: "a' or Material ne 'a" }];
    const typeOf = () => 'string' as const;
    fc.assert(
      fc.property(fc.string(), (value) => {
        const rendered = renderFilter([{ field: 'Material', value }]);
        if (!rendered.ok) throw new Error(rendered.problem);
        const matches = parseFilter(rendered.text, typeOf);
        expect(rows.filter(matches).map((r) => r.Material)).toEqual(
          rows.map((r) => r.Material).filter((m) => m === value),
        );
      }),
    );
    expect(
      rows.filter(parseFilter(text(literal("a' or Material ne 'a")).replace(/^/, 'Material eq '), typeOf)),
    ).toHaveLength(1);
  });
});
