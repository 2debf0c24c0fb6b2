/**
 * The helper library user code sees as `helpers`. The same source runs in both sandboxes; these
 * detail tests use the in-process one for speed (the contract tests cover isolated-vm).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createInProcessSandbox, scopeJson } from './index.ts';

const sandbox = createInProcessSandbox();
afterAll(() => sandbox.close());

/** Evaluates one helper expression; `params` are passed as data. */
async function run(expression: string, params: unknown = {}): Promise<unknown> {
  return JSON.parse(await sandbox.evaluate([expression], scopeJson('{}', JSON.stringify(params))))[0];
}

async function fails(expression: string): Promise<string> {
  const error = await sandbox.evaluate([expression], scopeJson('{}')).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error).toBeDefined();
  return error!.message;
}

describe('helpers.decimal', () => {
  it('adds without float error', async () => {
    expect(await run('helpers.decimal.add("0.1", "0.2")')).toBe('0.3');
    expect(await run('helpers.decimal.add(0.1, 0.2)')).toBe('0.3');
    expect(await run('helpers.decimal.add("1.50", "1.00")')).toBe('2.50');
    expect(await run('helpers.decimal.add("-0.5", "0.5")')).toBe('0.0');
  });

  it('subtracts, multiplies and divides exactly', async () => {
    expect(await run('helpers.decimal.sub("10", "0.01")')).toBe('9.99');
    expect(await run('helpers.decimal.mul("19.99", "3")')).toBe('59.97');
    expect(await run('helpers.decimal.mul("1.1", "1.1")')).toBe('1.21');
    expect(await run('helpers.decimal.div("1", "3", 4)')).toBe('0.3333');
    expect(await run('helpers.decimal.div("2", "3", 2)')).toBe('0.67');
    expect(await run('helpers.decimal.div("-2", "3", 2)')).toBe('-0.67');
    expect(await run('helpers.decimal.div("10", "0.5", 0)')).toBe('20');
  });

  it('handles exponents, signs and long values', async () => {
    expect(await run('helpers.decimal.add("1e3", "2.5E-1")')).toBe('1000.25');
    expect(await run('helpers.decimal.mul("12345678901234567890.123", "1000")')).toBe('12345678901234567890123.000');
    expect(await run('helpers.decimal.add(" +3 ", ".5")')).toBe('3.5');
  });

  it('compares', async () => {
    expect(
      await run(
        '[helpers.decimal.compare("1.10", "1.1"), helpers.decimal.compare("2", "10"), helpers.decimal.compare("-1", "-2")]',
      ),
    ).toEqual([0, -1, 1]);
  });

  it('rounds to n places with a choice of mode', async () => {
    expect(await run('helpers.decimal.round("2.345", 2)')).toBe('2.35');
    expect(await run('helpers.decimal.round("-2.345", 2)')).toBe('-2.35');
    expect(await run('helpers.decimal.round("2.345", 2, "half-even")')).toBe('2.34');
    expect(await run('helpers.decimal.round("2.355", 2, "half-even")')).toBe('2.36');
    expect(await run('helpers.decimal.round("2.349", 2, "down")')).toBe('2.34');
    expect(await run('helpers.decimal.round("-2.341", 2, "floor")')).toBe('-2.35');
    expect(await run('helpers.decimal.round("2.341", 2, "ceil")')).toBe('2.35');
    expect(await run('helpers.decimal.round("2.5")')).toBe('3');
    expect(await run('helpers.decimal.round("7", 2)')).toBe('7.00');
    expect(await run('helpers.decimal.round("-0.001", 2)')).toBe('0.00');
  });

  it('rejects what is not a decimal with a plain message', async () => {
    expect(await fails('helpers.decimal.add("1,5", "1")')).toContain('"1,5" is not a decimal number');
    expect(await fails('helpers.decimal.add(NaN, "1")')).toContain('NaN is not a decimal number');
    expect(await fails('helpers.decimal.div("1", "0")')).toContain('Division by zero');
    expect(await fails('helpers.decimal.round("1", 2, "banker")')).toContain('Unknown rounding mode');
  });
});

describe('helpers.date', () => {
  it('parses ISO 8601 with offsets and formats as UTC ISO', async () => {
    expect(await run('helpers.date.format("2024-03-01T08:15:00+01:00")')).toBe('2024-03-01T07:15:00.000Z');
    expect(await run('helpers.date.format("2024-03-01T08:15:00.1234Z")')).toBe('2024-03-01T08:15:00.123Z');
    expect(await run('helpers.date.parse("1970-01-01T00:00:01Z")')).toBe(1000);
    expect(await run('helpers.date.format(0)')).toBe('1970-01-01T00:00:00.000Z');
    expect(await run('helpers.date.dateOnly("2024-03-01T23:30:00-02:00")')).toBe('2024-03-02');
  });

  it('reads a time without offset as UTC, never as the machine zone', async () => {
    expect(await run('helpers.date.format("2024-03-01T08:15")')).toBe('2024-03-01T08:15:00.000Z');
    expect(await run('helpers.date.format("2024-03-01")')).toBe('2024-03-01T00:00:00.000Z');
  });

  it('adds days, hours and minutes', async () => {
    expect(await run('helpers.date.addDays("2024-02-28", 1)')).toBe('2024-02-29');
    expect(await run('helpers.date.addDays("2023-02-28", 1)')).toBe('2023-03-01');
    expect(await run('helpers.date.addDays(params.now, -1)', { now: '2024-03-01T12:00:00Z' })).toBe(
      '2024-02-29T12:00:00.000Z',
    );
    expect(await run('helpers.date.addHours("2024-03-01T23:00:00Z", 2)')).toBe('2024-03-02T01:00:00.000Z');
    expect(await run('helpers.date.addMinutes("2024-03-01T23:59:00Z", 1.5)')).toBe('2024-03-02T00:00:30.000Z');
  });

  it('measures differences from the first date to the second', async () => {
    expect(await run('helpers.date.diffMs("2024-03-01T00:00:00Z", "2024-03-01T00:00:01.5Z")')).toBe(1500);
    expect(await run('helpers.date.diffHours("2024-03-01T00:00:00Z", "2024-03-01T01:30:00Z")')).toBe(1.5);
    expect(await run('helpers.date.diffDays("2024-03-03", "2024-03-01")')).toBe(-2);
  });

  it('rejects dates that are not ISO or do not exist', async () => {
    expect(await fails('helpers.date.parse("March 1, 2024")')).toContain('is not an ISO 8601 date');
    expect(await fails('helpers.date.parse("2023-02-29")')).toContain('is not a valid date');
    expect(await fails('helpers.date.parse("2024-13-01")')).toContain('is not a valid date');
    expect(await fails('helpers.date.addDays("2024-03-01", "1")')).toContain('days must be a finite number');
  });
});

describe('helpers for data', () => {
  const params = {
    plants: { '1000': 'Hamburg', '2000': 'Linz' },
    pairs: [
      ['A', 1],
      ['B', 2],
    ],
    rows: [
      { sku: 'M-1', bin: 'B-01' },
      { sku: 'M-2', bin: 'B-07' },
    ],
  };

  it('looks keys up in object maps, pairs and rows, falling back when missing', async () => {
    expect(await run('helpers.lookup(params.plants, 1000, "?")', params)).toBe('Hamburg');
    expect(await run('helpers.lookup(params.plants, "3000", "?")', params)).toBe('?');
    expect(await run('helpers.lookup(params.plants, "constructor", "?")', params)).toBe('?');
    expect(await run('helpers.lookup(params.pairs, "B")', params)).toBe(2);
    expect(await run('helpers.lookup(params.rows, "M-2", null, { by: "sku", value: "bin" })', params)).toBe('B-07');
    expect(await run('helpers.lookup(params.rows, "M-1", null, { by: "sku" })', params)).toEqual(params.rows[0]);
    expect(await run('helpers.lookup(params.nothing, "x", "fallback")', params)).toBe('fallback');
  });

  it('picks own keys and reads paths', async () => {
    expect(await run('helpers.pick({ a: 1, b: 2, c: undefined }, ["a", "c", "toString"])')).toEqual({ a: 1 });
    expect(await run('helpers.get({ a: { b: [{ c: 5 }] } }, "a.b.0.c")')).toBe(5);
    expect(await run('helpers.get({ a: { b: [{ c: 5 }] } }, ["a", "b", 0, "c"])')).toBe(5);
    expect(await run('helpers.get({ a: 1 }, "a.constructor", "none")')).toBe('none');
  });

  it('offers no clock: `now` comes from params', async () => {
    expect(await run('Object.keys(helpers).concat(Object.keys(helpers.date)).filter((k) => /now/i.test(k))')).toEqual(
      [],
    );
  });
});
