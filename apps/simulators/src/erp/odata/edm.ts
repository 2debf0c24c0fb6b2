import { badRequest } from './errors.ts';

/**
 * EDM types and their V2 JSON forms. The store keeps values in one internal form per type, so
 * filters and business rules work on plain values and only the wire sees V2 quirks:
 *
 * | type               | internal                 | V2 JSON                     |
 * | ------------------ | ------------------------ | --------------------------- |
 * | Edm.DateTime       | epoch ms (number) / null | "/Date(ms)/"                |
 * | Edm.DateTimeOffset | epoch ms (number) / null | "/Date(ms+0000)/"           |
 * | Edm.Time           | "PT06H00M00S"            | same                        |
 * | Edm.Decimal/Double | decimal string "100.000" | same (a string, not number) |
 * | Edm.Int32/Byte     | number                   | number                      |
 */
export type EdmType =
  | 'Edm.String'
  | 'Edm.Boolean'
  | 'Edm.Decimal'
  | 'Edm.Double'
  | 'Edm.DateTime'
  | 'Edm.DateTimeOffset'
  | 'Edm.Time'
  | 'Edm.Int32'
  | 'Edm.Byte'
  | 'Edm.Guid';

export interface PropDef {
  readonly type: EdmType;
  readonly maxLength?: number;
  readonly precision?: number;
  readonly scale?: number;
  /** Clients may not set it (server-assigned numbers, timestamps). */
  readonly readOnly?: boolean;
  readonly label?: string;
}

export type Row = Record<string, unknown>;

const TIME = /^PT(\d{1,2})H(\d{1,2})M(\d{1,2})(\.\d+)?S$/;
const DECIMAL = /^[+-]?\d+(\.\d+)?$/;
const V2_DATE = /^\/Date\((-?\d{1,16})(?:[+-]\d{4})?\)\/$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** An internal value as V2 JSON. */
export function toWire(value: unknown, type: EdmType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'Edm.DateTime':
      return `/Date(${Number(value)})/`;
    case 'Edm.DateTimeOffset':
      return `/Date(${Number(value)}+0000)/`;
    case 'Edm.Decimal':
    case 'Edm.Double':
      return String(value);
    default:
      return value;
  }
}

/** A value a client sent (JSON body or URI literal already unquoted) in its internal form; 400 if it does not fit. */
export function fromWire(value: unknown, def: PropDef, name: string): unknown {
  if (value === null) return null;
  const wrong = (what: string) =>
    badRequest(`Invalid value for property '${name}' (${def.type}): ${describe(value)} ${what}`, name);
  switch (def.type) {
    case 'Edm.String':
    case 'Edm.Guid': {
      if (typeof value !== 'string') throw wrong('is not a string');
      if (def.maxLength !== undefined && value.length > def.maxLength)
        throw wrong(`is longer than ${def.maxLength} characters`);
      return value;
    }
    case 'Edm.Boolean':
      if (typeof value !== 'boolean') throw wrong('is not true or false');
      return value;
    case 'Edm.Decimal':
    case 'Edm.Double': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== 'string' || !DECIMAL.test(text.trim())) throw wrong('is not a decimal number');
      const clean = text.trim().replace(/^\+/, '');
      if (def.type === 'Edm.Double' || def.scale === undefined) return clean;
      // Stored (and answered) with the property's scale, as ABAP packed numbers are: "5" → "5.000".
      const [whole, fraction = ''] = clean.split('.') as [string, string?];
      if (fraction.replace(/0+$/, '').length > def.scale) throw wrong(`has more than ${def.scale} decimals`);
      return def.scale === 0 ? whole : `${whole}.${fraction.padEnd(def.scale, '0').slice(0, def.scale)}`;
    }
    case 'Edm.Int32':
    case 'Edm.Byte': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw wrong('is not a whole number');
      return n;
    }
    case 'Edm.Time':
      if (typeof value !== 'string' || !TIME.test(value)) throw wrong('is not an Edm.Time such as PT06H00M00S');
      return value;
    case 'Edm.DateTime':
    case 'Edm.DateTimeOffset': {
      const ms = dateMs(value);
      if (ms === undefined) throw wrong('is not a date such as /Date(1700000000000)/');
      return ms;
    }
  }
}

/** "/Date(ms)/", "/Date(ms+0000)/", an ISO date-time (UTC when zoneless) or epoch ms. */
export function dateMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const v2 = V2_DATE.exec(value);
  if (v2) return Number(v2[1]);
  if (!ISO.test(value)) return undefined;
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Epoch ms as an Edm.Time of its UTC wall clock. */
export function timeOf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `PT${p(d.getUTCHours())}H${p(d.getUTCMinutes())}M${p(d.getUTCSeconds())}S`;
}

/** Midnight UTC of the day of `ms`: an Edm.DateTime date. */
export function dayOf(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/**
 * The weak ETag S/4 derives from the change timestamp, e.g.
 * `W/"datetimeoffset'2026-03-01T16%3A40%3A12.1230000Z'"`.
 */
export function etagOf(ms: number): string {
  const iso = new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
  return `W/"datetimeoffset'${iso.replaceAll(':', '%3A')}'"`;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? value.slice(0, 60) + '…' : value}'`;
  if (value === undefined) return 'nothing';
  return JSON.stringify(value)?.slice(0, 60) ?? String(value);
}
