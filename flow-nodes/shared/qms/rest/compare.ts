/**
 * Whether a record the QMS already holds is the record this step asked for: the test that
 * turns a "409 duplicate" into success. Only the fields the step sent are compared (the QMS
 * adds its own: id, state, timestamps), and only in their meaning, not their spelling: a list
 * in another order, "480.0" for "480.000" KGM, 14:00+01:00 for 13:00Z are the same request.
 */

export interface Difference {
  readonly field: string;
  readonly sent: unknown;
  readonly found: unknown;
}

/** Values in a difference are cut to this many characters: enough to see, not a dump. */
const SHOWN = 200;

export function differences(
  sent: Readonly<Record<string, unknown>>,
  found: Readonly<Record<string, unknown>>,
): Difference[] {
  const out: Difference[] = [];
  for (const [field, value] of Object.entries(sent)) {
    if (value === undefined) continue;
    if (!same(value, found[field])) out.push({ field, sent: shown(value), found: shown(found[field]) });
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // A list sent empty and a list the QMS leaves out say the same: nothing is affected.
  if (Array.isArray(a) && a.length === 0 && (b === undefined || b === null)) return true;
  if (typeof a === 'string' && typeof b === 'string') return sameInstant(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    if (a.every((v) => typeof v === 'string') && b.every((v) => typeof v === 'string')) {
      const x = [...(a as string[])].sort();
      const y = [...(b as string[])].sort();
      return x.every((v, i) => v === y[i]);
    }
    return a.every((v, i) => same(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    if (isQuantity(a) && isQuantity(b)) return a.uom === b.uom && sameDecimal(a.value, b.value);
    // Any other object: the same keys with the same values (absent and undefined are the same).
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => same(a[k], b[k]));
  }
  return false;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

function sameInstant(a: string, b: string): boolean {
  if (!TIMESTAMP.test(a) || !TIMESTAMP.test(b)) return false;
  return Date.parse(a) === Date.parse(b);
}

function sameDecimal(a: unknown, b: unknown): boolean {
  const x = typeof a === 'number' ? String(a) : a;
  const y = typeof b === 'number' ? String(b) : b;
  if (typeof x !== 'string' || typeof y !== 'string') return false;
  return normalizeDecimal(x) === normalizeDecimal(y);
}

/** "0480.500" → "480.5": exact, no floating point (quantities may carry more digits than a double). */
function normalizeDecimal(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return text;
  const whole = match[2]!.replace(/^0+(?=\d)/, '');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  return `${match[1]}${whole}${fraction ? '.' + fraction : ''}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isQuantity(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length === 2 && 'value' in value && 'uom' in value;
}

function shown(value: unknown): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text.length <= SHOWN ? value : text.slice(0, SHOWN) + '…';
}
