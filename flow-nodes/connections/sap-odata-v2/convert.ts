/**
 * Value conversion between OData V2 JSON and the JSON flows work with.
 *
 * V2 writes Edm.DateTime as "/Date(1492041600000)/" and Edm.DateTimeOffset as
 * "/Date(1492041600000+0060)/" (UTC milliseconds, then an offset in minutes that does not change
 * the instant); flows get RFC 3339 strings instead. Edm.Decimal (and Int64, Double) is a JSON
 * string in V2 and stays a string here: parsing "100.000" into a float loses digits that a stock
 * posting must not lose. The service's $metadata is not read, so the direction towards SAP works
 * from the shape of each value (see toV2).
 */

const V2_DATE = /^\/Date\((-?\d{1,16})(?:([+-])(\d{4}))?\)\/$/;

// Strict RFC 3339 date-time: a zone is required, since a zoneless time is ambiguous.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})$/;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Largest instant a JavaScript Date can hold (±8.64e15 ms, about ±275 000 years). */
const MAX_MS = 8.64e15;

/** "/Date(ms)/" or "/Date(ms±mmmm)/" as an RFC 3339 UTC string; undefined for anything else. */
export function v2DateToIso(text: string): string | undefined {
  const match = V2_DATE.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]);
  if (Math.abs(ms) > MAX_MS) return undefined;
  return new Date(ms).toISOString();
}

/**
 * The epoch milliseconds of a strict RFC 3339 date-time, or undefined when `text` is not one (or
 * names a day that does not exist). Digits below the millisecond are cut, not rounded: V2 dates
 * have millisecond precision and rounding could move a time into the next second or day.
 */
export function rfc3339ToMs(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  // Not Date.UTC: it reads the years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  // 31 April rolls over to 1 May; a day that does not exist is not a date.
  if (date.getUTCDate() !== day) return undefined;
  const local = date.getTime();
  const zone = m[8]!;
  const offsetMin = /z/i.test(zone)
    ? 0
    : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
  return local - offsetMin * 60_000;
}

/** An RFC 3339 date-time as "/Date(ms)/"; undefined when `text` is not one. */
export function isoToV2Date(text: string): string | undefined {
  const ms = rfc3339ToMs(text);
  return ms === undefined ? undefined : `/Date(${ms})/`;
}

/**
 * A finite number as a plain decimal string, never in exponent form: 1e-7 is "0.0000001" and
 * 1e21 is "1000000000000000000000". It starts from JavaScript's shortest round-trip text of the
 * number and only moves the decimal point, so no digit is invented or rounded away.
 */
export function decimalString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a finite number`);
  if (Object.is(value, -0)) return '0';
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const [whole, fraction = ''] = mantissa.split('.') as [string, string?];
  const digits = whole + fraction;
  const point = whole.length + exponent;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (negative ? '-' : '') + out;
}

export function isDecimalString(text: string): boolean {
  return DECIMAL.test(text);
}

/**
 * A decimal string in canonical form, by text alone: no sign for positives, no leading zeros, no
 * trailing fractional zeros ("+0100.500" → "100.5", "-0.000" → "0"). For comparing quantities
 * ("100.000" from SAP equals "100" from the MES) without going through floats. Undefined when
 * `text` is not a decimal.
 */
export function canonicalDecimal(text: string): string | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const negative = text.startsWith('-');
  const unsigned = text.replace(/^[+-]/, '');
  const [whole = '', fraction = ''] = unsigned.split('.');
  const w = whole.replace(/^0+/, '') || '0';
  const f = fraction.replace(/0+$/, '');
  const body = f ? `${w}.${f}` : w;
  return negative && body !== '0' ? '-' + body : body;
}

/** A JSON value from SAP with every V2 date string as RFC 3339. Returns a new value. */
export function fromV2(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith('/Date(') ? (v2DateToIso(value) ?? value) : value;
  if (Array.isArray(value)) return value.map(fromV2);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = fromV2(v);
    return out;
  }
  return value;
}

/**
 * A JSON value for SAP: RFC 3339 date-times become "/Date(ms)/", numbers with a fraction (or too
 * large to be exact) become decimal strings (every V2 type that can hold a fraction is a JSON string), whole numbers stay
 * numbers (Edm.Int32 and friends are JSON numbers). Without $metadata this works from the
 * shape of the value: a string field whose text is a full RFC 3339 date-time is converted too,
 * and a whole number meant for an Edm.Decimal property must be given as a string.
 */
export function toV2(value: unknown): unknown {
  if (typeof value === 'string') return isoToV2Date(value) ?? value;
  // Beyond 2^53 a whole number is no Int32 either, and JSON would write it in exponent form.
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : decimalString(value);
  if (Array.isArray(value)) return value.map(toV2);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = toV2(v);
    return out;
  }
  return value;
}
