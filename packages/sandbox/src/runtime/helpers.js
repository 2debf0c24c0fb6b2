// The `helpers` object user code sees. Evaluated inside every sandbox context, never in the host.
// Everything here is pure and deterministic: no clock (callers pass `now` in params), no
// randomness, no I/O. Documented in packages/sandbox/README.md; keep the two in step.

// eslint-disable-next-line @typescript-eslint/no-unused-vars
function millraceHelpers() {
  'use strict';
  const hasOwn = Object.hasOwn;
  const isArray = Array.isArray;
  const MS_PER_HOUR = 3_600_000;
  const MS_PER_DAY = 86_400_000;

  // ---- dates: ISO 8601 strings in, UTC ISO strings out ---------------------------------------

  // A time without an offset is read as UTC, not as the machine's zone, so results never depend
  // on where the runtime happens to run.
  const ISO =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
  const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

  function daysInMonth(year, month) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return month === 2 ? (leap ? 29 : 28) : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  }

  /** Milliseconds since the epoch for an ISO string, a Date or a number of milliseconds. */
  function parse(value) {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new TypeError(`${value} is not a valid time`);
      return value;
    }
    if (value instanceof Date) {
      const ms = value.getTime();
      if (Number.isNaN(ms)) throw new TypeError('The Date is invalid');
      return ms;
    }
    if (typeof value !== 'string') throw new TypeError(`Expected an ISO date string, got ${typeof value}`);
    const m = ISO.exec(value.trim());
    if (!m) throw new TypeError(`"${value}" is not an ISO 8601 date`);
    const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
    const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59) {
      throw new RangeError(`"${value}" is not a valid date`);
    }
    if (second > 59) throw new RangeError(`"${value}" is not a valid date`);
    let offsetMinutes = 0;
    const zone = m[8];
    if (zone && zone.toUpperCase() !== 'Z') {
      const digits = zone.slice(1).replace(':', '');
      const h = Number(digits.slice(0, 2));
      const mm = Number(digits.slice(2) || 0);
      if (h > 23 || mm > 59) throw new RangeError(`"${value}" has an invalid offset`);
      offsetMinutes = (zone[0] === '-' ? -1 : 1) * (h * 60 + mm);
    }
    const utc = new Date(0);
    utc.setUTCFullYear(year, month - 1, day);
    utc.setUTCHours(hour, minute, second, ms);
    return utc.getTime() - offsetMinutes * 60_000;
  }

  function format(value) {
    return new Date(parse(value)).toISOString();
  }

  function dateOnly(value) {
    return format(value).slice(0, 10);
  }

  function finite(n, what) {
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError(`${what} must be a finite number`);
    return n;
  }

  /** Adds days; a date-only input ("2024-03-01") gives a date-only result. */
  function addDays(value, days) {
    const out = format(parse(value) + finite(days, 'days') * MS_PER_DAY);
    return typeof value === 'string' && DATE_ONLY.test(value.trim()) ? out.slice(0, 10) : out;
  }

  const date = {
    parse,
    format,
    dateOnly,
    addDays,
    addHours: (value, hours) => format(parse(value) + finite(hours, 'hours') * MS_PER_HOUR),
    addMinutes: (value, minutes) => format(parse(value) + finite(minutes, 'minutes') * 60_000),
    /** `to` minus `from`; fractional for hours and days. */
    diffMs: (from, to) => parse(to) - parse(from),
    diffHours: (from, to) => (parse(to) - parse(from)) / MS_PER_HOUR,
    diffDays: (from, to) => (parse(to) - parse(from)) / MS_PER_DAY,
  };

  // ---- decimals: exact arithmetic on decimal strings, BigInt underneath ----------------------

  const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;
  const MAX_EXPONENT = 1000;

  /** { int, scale } meaning int × 10^-scale. Accepts decimal strings, numbers and bigints. */
  function dec(value) {
    if (typeof value === 'bigint') return { int: value, scale: 0 };
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new TypeError(`${value} is not a decimal number`);
      value = String(value);
    }
    if (typeof value !== 'string') throw new TypeError(`Expected a decimal string, got ${typeof value}`);
    const m = DECIMAL.exec(value.trim());
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new TypeError(`"${value}" is not a decimal number`);
    const exponent = m[4] ? Number(m[4]) : 0;
    if (Math.abs(exponent) > MAX_EXPONENT) throw new RangeError(`"${value}" is out of range`);
    const fraction = m[3] ?? '';
    let int = BigInt((m[2] || '0') + fraction);
    let scale = fraction.length - exponent;
    if (scale < 0) {
      int *= 10n ** BigInt(-scale);
      scale = 0;
    }
    return { int: m[1] === '-' ? -int : int, scale };
  }

  function rescale(d, scale) {
    return d.int * 10n ** BigInt(scale - d.scale);
  }

  function str(int, scale) {
    const negative = int < 0n;
    let digits = (negative ? -int : int).toString();
    if (scale > 0) {
      digits = digits.padStart(scale + 1, '0');
      digits = digits.slice(0, -scale) + '.' + digits.slice(-scale);
    }
    return negative ? '-' + digits : digits;
  }

  function places(n, what) {
    if (!Number.isInteger(n) || n < 0 || n > MAX_EXPONENT) throw new RangeError(`${what} must be a whole number ≥ 0`);
    return n;
  }

  const MODES = ['half-up', 'half-even', 'down', 'up', 'floor', 'ceil'];

  function roundingMode(mode) {
    if (!MODES.includes(mode)) throw new RangeError(`Unknown rounding mode "${mode}"; use one of ${MODES.join(', ')}`);
    return mode;
  }

  /** int ÷ divisor as a whole number, rounded by mode. */
  function divRound(int, divisor, mode) {
    const q = int / divisor;
    const r = int % divisor;
    if (r === 0n) return q;
    const sign = int < 0n !== divisor < 0n ? -1n : 1n;
    const twice = 2n * (r < 0n ? -r : r);
    const abs = divisor < 0n ? -divisor : divisor;
    let away;
    switch (mode) {
      case 'half-up':
        away = twice >= abs;
        break;
      case 'half-even':
        away = twice > abs || (twice === abs && q % 2n !== 0n);
        break;
      case 'down':
        away = false;
        break;
      case 'up':
        away = true;
        break;
      case 'floor':
        away = sign < 0n;
        break;
      case 'ceil':
        away = sign > 0n;
        break;
      default:
        roundingMode(mode);
    }
    return away ? q + sign : q;
  }

  const decimal = {
    add(a, b) {
      const x = dec(a);
      const y = dec(b);
      const scale = Math.max(x.scale, y.scale);
      return str(rescale(x, scale) + rescale(y, scale), scale);
    },
    sub(a, b) {
      const x = dec(a);
      const y = dec(b);
      const scale = Math.max(x.scale, y.scale);
      return str(rescale(x, scale) - rescale(y, scale), scale);
    },
    mul(a, b) {
      const x = dec(a);
      const y = dec(b);
      return str(x.int * y.int, x.scale + y.scale);
    },
    /** a ÷ b with `digits` decimal places (default 10). */
    div(a, b, digits = 10, mode = 'half-up') {
      const x = dec(a);
      const y = dec(b);
      if (y.int === 0n) throw new RangeError('Division by zero');
      const n = places(digits, 'digits');
      roundingMode(mode);
      // x/y = (x.int / y.int) × 10^(y.scale - x.scale); scale up the numerator to keep n places.
      const shift = n + y.scale - x.scale;
      const num = shift >= 0 ? x.int * 10n ** BigInt(shift) : x.int;
      const den = shift >= 0 ? y.int : y.int * 10n ** BigInt(-shift);
      return str(divRound(num, den, mode), n);
    },
    /** -1, 0 or 1. */
    compare(a, b) {
      const x = dec(a);
      const y = dec(b);
      const scale = Math.max(x.scale, y.scale);
      const d = rescale(x, scale) - rescale(y, scale);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    },
    /** Exactly `digits` decimal places; modes: half-up (default), half-even, down, up, floor, ceil. */
    round(a, digits = 0, mode = 'half-up') {
      const x = dec(a);
      const n = places(digits, 'digits');
      roundingMode(mode);
      if (x.scale <= n) return str(rescale(x, n), n);
      return str(divRound(x.int, 10n ** BigInt(x.scale - n), mode), n);
    },
  };

  // ---- data -----------------------------------------------------------------------------------

  /**
   * Looks a key up in a table passed as data: an object map (own keys only, so "constructor" is
   * never found on the prototype), an array of [key, value] pairs, or with `options.by` an array
   * of rows matched on that field (returning `row[options.value]`, or the row).
   */
  function lookup(table, key, fallback, options) {
    if (table === null || typeof table !== 'object') return fallback;
    if (isArray(table)) {
      const by = options && options.by;
      for (const row of table) {
        if (by !== undefined) {
          if (row !== null && typeof row === 'object' && hasOwn(row, by) && String(row[by]) === String(key)) {
            const v = options.value === undefined ? row : row[options.value];
            return v === undefined ? fallback : v;
          }
        } else if (isArray(row) && String(row[0]) === String(key)) {
          return row[1] === undefined ? fallback : row[1];
        }
      }
      return fallback;
    }
    const k = String(key);
    return hasOwn(table, k) && table[k] !== undefined ? table[k] : fallback;
  }

  /** A new object with only the listed own keys of `object` that are present. */
  function pick(object, keys) {
    const out = {};
    if (object === null || typeof object !== 'object') return out;
    for (const key of keys) if (hasOwn(object, key) && object[key] !== undefined) out[key] = object[key];
    return out;
  }

  /** Reads a path ("a.b.0.c" or ["a", "b", 0, "c"]) through own properties only. */
  function get(object, path, fallback) {
    const segments = isArray(path) ? path : String(path).split('.');
    let current = object;
    for (const segment of segments) {
      if (current === null || typeof current !== 'object' || !hasOwn(current, segment)) return fallback;
      current = current[segment];
    }
    return current === undefined ? fallback : current;
  }

  return { date, decimal, lookup, pick, get };
}
