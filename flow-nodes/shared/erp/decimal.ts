/**
 * Exact arithmetic on the decimal strings quantities travel as ("480.000"). Stock decisions
 * compare and subtract quantities; doing that in floats would make 0.1 + 0.2 of a lot "more"
 * than 0.3 of it and post a movement for a rounding error. Values are scaled to BigInt.
 */

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

interface Scaled {
  readonly units: bigint;
  readonly scale: number;
}

/** True for a non-negative decimal string such as "12", "0.5" or "480.000". */
export function isQuantity(text: unknown): text is string {
  return typeof text === 'string' && DECIMAL.test(text);
}

function parse(text: string): Scaled {
  const m = DECIMAL.exec(text);
  if (!m) throw new RangeError(`"${text}" is not a non-negative decimal`);
  const fraction = m[2] ?? '';
  return { units: BigInt(m[1]! + fraction), scale: fraction.length };
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

/** -1, 0 or 1. */
export function compare(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = align(parse(a), parse(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isZero(a: string): boolean {
  return parse(a).units === 0n;
}

/** a + b, with the larger of their scales. */
export function add(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  return format(x + y, scale);
}

/** a − b, with the larger of their scales; may be negative. */
export function subtract(a: string, b: string): string {
  const [x, y, scale] = align(parse(a), parse(b));
  return format(x - y, scale);
}
