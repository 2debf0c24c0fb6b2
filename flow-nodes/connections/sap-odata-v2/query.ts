import { describeValue } from '../../shared/expressions.ts';
import { decimalString, isDecimalString, rfc3339ToMs } from './convert.ts';

/**
 * OData V2 URI literals, key predicates, $filter text and query strings. Every value that ends
 * up in a URL goes through `literal`, so a quote in a lot id cannot end the string early and
 * change the query ("O'Brien" is 'O''Brien'), and through percent-encoding, so a "/" or "&" in
 * it cannot change the path or add a parameter.
 */

/** How a value is written: `auto` goes by its JSON type. */
export type LiteralType = 'auto' | 'string' | 'int' | 'decimal' | 'boolean' | 'datetime' | 'datetimeoffset' | 'guid';

export const LITERAL_TYPES: readonly LiteralType[] = [
  'auto',
  'string',
  'int',
  'decimal',
  'boolean',
  'datetime',
  'datetimeoffset',
  'guid',
];

/** A value with the OData type it must be written as. */
export interface TypedValue {
  readonly value: unknown;
  readonly type: LiteralType;
}

export type Literal = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: string };

/** A property path: `Material`, `to_Item/Batch`. */
export const PROPERTY_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * One value as a V2 URI literal (not yet percent-encoded). `auto`: strings are quoted, whole
 * numbers plain, other numbers Edm.Decimal ("1.5M", as SAPUI5 writes them), booleans and null
 * as themselves. Objects, arrays and undefined have no literal.
 */
export function literal(value: unknown, type: LiteralType = 'auto'): Literal {
  if (value === undefined) return fail('is undefined');
  if (value === null) return ok('null');
  switch (type) {
    case 'auto':
      if (typeof value === 'string') return ok(quote(value));
      if (typeof value === 'boolean') return ok(String(value));
      if (typeof value === 'number') return numberLiteral(value);
      return fail(`is ${describeValue(value)}; it needs a string, a number, a boolean or null`);
    case 'string':
      if (typeof value === 'string') return ok(quote(value));
      if (typeof value === 'number' && Number.isFinite(value)) return ok(quote(decimalString(value)));
      return fail(`is ${describeValue(value)}; an Edm.String needs a string or a number`);
    case 'int':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return ok(String(value));
      if (typeof value === 'string' && /^-?\d{1,18}$/.test(value)) return ok(value);
      return fail(`is ${describeValue(value)}; it needs a whole number`);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return ok(decimalString(value) + 'M');
      if (typeof value === 'string' && isDecimalString(value)) return ok(value.replace(/^\+/, '') + 'M');
      return fail(`is ${describeValue(value)}; it needs a decimal number or a decimal string such as "100.000"`);
    case 'boolean':
      return typeof value === 'boolean'
        ? ok(String(value))
        : fail(`is ${describeValue(value)}; it needs true or false`);
    case 'datetime':
    case 'datetimeoffset': {
      const ms = instant(value);
      if (ms === undefined)
        return fail(`is ${describeValue(value)}; it needs an RFC 3339 date-time such as "2024-03-01T06:00:00Z"`);
      const iso = new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
      // Edm.DateTime has no zone: the UTC wall time is sent, as SAP stores it.
      return ok(type === 'datetime' ? `datetime'${iso.slice(0, -1)}'` : `datetimeoffset'${iso}'`);
    }
    case 'guid':
      return typeof value === 'string' && GUID.test(value)
        ? ok(`guid'${value}'`)
        : fail(`is ${describeValue(value)}; it needs a GUID such as "005056a2-0b3e-1eda-9c8a-6f2b5d7e4c10"`);
  }
}

/** A string literal: quoted, with every quote doubled. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function numberLiteral(value: number): Literal {
  if (!Number.isFinite(value)) return fail(`is ${value}; it needs a finite number`);
  return ok(Number.isSafeInteger(value) ? String(value) : decimalString(value) + 'M');
}

function instant(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= 8.64e15 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const date = /^\/Date\((-?\d{1,16})(?:[+-]\d{4})?\)\/$/.exec(value);
  return date ? Number(date[1]) : rfc3339ToMs(value);
}

/** A literal as it may sit in a URL path segment: "/", "?", "#", "%" and parentheses escaped. */
export function pathLiteral(text: string): string {
  return encodeURIComponent(text).replace(/[()]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function isTypedValue(value: unknown): value is TypedValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const type = (value as { type?: unknown }).type;
  return (
    keys.length === 2 &&
    'value' in value &&
    typeof type === 'string' &&
    (LITERAL_TYPES as readonly string[]).includes(type)
  );
}

/**
 * A key: one value (`A_ProductionOrder_2('1000123')`), or field → value for a composite key
 * (`Batch(Material='M-1',BatchIdentifyingPlant='P100',Batch='B1')`). A value may be a
 * TypedValue. Untyped key values are Edm.String: the keys of SAP's standard APIs are strings
 * even when they hold digits, and `A_ProductionOrder_2(1000123)` is refused.
 */
export type KeyInput = unknown;

/** The key predicate, "(...)" with its parentheses, percent-encoded for the path. */
export function keyPredicate(key: KeyInput): Literal {
  const one = (v: unknown): Literal => {
    if (isTypedValue(v)) return literal(v.value, v.type === 'auto' ? 'string' : v.type);
    if (typeof v === 'boolean') return literal(v, 'boolean');
    if (v === null) return fail('is null; a key needs a value');
    if (typeof v === 'string' && v === '') return fail('is an empty string; a key needs a value');
    return literal(v, 'string');
  };
  if (key !== null && typeof key === 'object' && !Array.isArray(key) && !isTypedValue(key)) {
    const entries = Object.entries(key);
    if (entries.length === 0) return fail('is an empty object; a key needs at least one field');
    const parts: string[] = [];
    for (const [field, v] of entries) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field))
        return fail(`has the field "${field}", which is not a property name`);
      const lit = one(v);
      if (!lit.ok) return fail(`field ${field} ${lit.problem}`);
      parts.push(`${field}=${pathLiteral(lit.text)}`);
    }
    return ok(`(${parts.join(',')})`);
  }
  const lit = one(key);
  return lit.ok ? ok(`(${pathLiteral(lit.text)})`) : lit;
}

export type FilterOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'startswith' | 'substringof' | 'in';

/** One condition of a $filter; a filter is the `and` of its conditions. */
export interface Condition {
  readonly field: string;
  /** @default 'eq' */
  readonly op?: FilterOp;
  readonly value: unknown;
  /** @default 'auto' */
  readonly type?: LiteralType;
}

export type RenderedFilter =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly index: number; readonly problem: string };

/**
 * $filter text of conditions joined by `and`. `in` takes an array and becomes
 * `(F eq a or F eq b)`; `startswith` and `substringof` take a string.
 */
export function renderFilter(conditions: readonly Condition[]): RenderedFilter {
  const parts: string[] = [];
  for (const [index, c] of conditions.entries()) {
    const rendered = renderCondition(c);
    if (!rendered.ok) return { ok: false, index, problem: rendered.problem };
    parts.push(rendered.text);
  }
  return { ok: true, text: parts.join(' and ') };
}

function renderCondition(c: Condition): Literal {
  if (!PROPERTY_PATH.test(c.field)) return fail(`has the field "${c.field}", which is not a property path`);
  const op = c.op ?? 'eq';
  const type = c.type ?? 'auto';
  if (op === 'in') {
    if (!Array.isArray(c.value) || c.value.length === 0)
      return fail(`is ${describeValue(c.value)}; "in" needs a non-empty array`);
    const items: string[] = [];
    for (const v of c.value as unknown[]) {
      const lit = literal(v, type);
      if (!lit.ok) return fail(`has an item that ${lit.problem}`);
      items.push(`${c.field} eq ${lit.text}`);
    }
    return ok(items.length === 1 ? items[0]! : `(${items.join(' or ')})`);
  }
  if (op === 'startswith' || op === 'substringof') {
    const lit = literal(c.value, type === 'auto' ? 'string' : type);
    if (!lit.ok || c.value === null) return fail(lit.ok ? `is null; "${op}" needs a string` : lit.problem);
    return ok(op === 'startswith' ? `startswith(${c.field},${lit.text})` : `substringof(${lit.text},${c.field})`);
  }
  const lit = literal(c.value, type);
  if (!lit.ok) return lit;
  if (c.value === null && op !== 'eq' && op !== 'ne') return fail(`is null; "${op}" needs a value`);
  return ok(`${c.field} ${op} ${lit.text}`);
}

/** Query options of a read. `filter` is conditions, or $filter text the caller built itself. */
export interface ODataQuery {
  readonly filter?: string | readonly Condition[];
  readonly select?: readonly string[];
  readonly expand?: readonly string[];
  /** `Field [asc|desc], …` */
  readonly orderby?: string;
  readonly top?: number;
  readonly skip?: number;
  /** Asks for `$inlinecount=allpages`, the total number of matches. */
  readonly count?: boolean;
}

/** A query string ("?a=b&c=d", or "" for none) with every value percent-encoded. */
export function queryString(params: ReadonlyArray<readonly [string, string]>): string {
  if (params.length === 0) return '';
  return '?' + params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
}

export function ok(text: string): Literal {
  return { ok: true, text };
}

export function fail(problem: string): Literal {
  return { ok: false, problem };
}
