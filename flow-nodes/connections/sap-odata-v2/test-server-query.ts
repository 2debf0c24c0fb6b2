/**
 * Test support: the URI side of the SAP test server. Parses key predicates, URI literals and a
 * small $filter subset (eq ne gt ge lt le, and, or, parentheses, startswith, substringof), and
 * evaluates a filter against a row. Strict on types, as Gateway is: comparing a string property
 * with a number literal is a 400, which catches a client that forgets to quote.
 */

export type Row = Record<string, unknown>;
export type PropertyType = 'string' | 'number' | 'boolean' | 'datetime' | 'decimal';

/** An OData failure the server answers with a V2 error body. */
export class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type Value =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'datetime'; readonly value: number }
  | { readonly kind: 'guid'; readonly value: string };

const TOKEN =
  /\s*(?:(\(|\)|,)|(datetime|datetimeoffset|guid)'([^']*)'|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)[MmDdLlFf]?(?![A-Za-z_])|([A-Za-z_][A-Za-z0-9_/]*))/y;

type Token =
  | { readonly t: 'punct'; readonly v: string }
  | { readonly t: 'literal'; readonly v: Value }
  | { readonly t: 'ident'; readonly v: string };

function bad(message: string): ODataError {
  return new ODataError(400, '/IWBEP/CM_MGW_RT/006', message);
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw bad(`Invalid syntax at position ${at} of "${text}".`);
    at = TOKEN.lastIndex;
    if (m[1]) tokens.push({ t: 'punct', v: m[1] });
    else if (m[2]) tokens.push({ t: 'literal', v: typed(m[2], m[3]!) });
    else if (m[4] !== undefined)
      tokens.push({ t: 'literal', v: { kind: 'string', value: m[4].replaceAll("''", "'") } });
    else if (m[5]) tokens.push({ t: 'literal', v: { kind: 'number', value: Number(m[5]) } });
    else if (m[6] === 'true' || m[6] === 'false')
      tokens.push({ t: 'literal', v: { kind: 'boolean', value: m[6] === 'true' } });
    else if (m[6] === 'null') tokens.push({ t: 'literal', v: { kind: 'null' } });
    else tokens.push({ t: 'ident', v: m[6]! });
  }
  return tokens;
}

function typed(kind: string, text: string): Value {
  if (kind === 'guid') return { kind: 'guid', value: text };
  const ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : text + 'Z');
  if (Number.isNaN(ms)) throw bad(`Invalid ${kind} literal '${text}'.`);
  return { kind: 'datetime', value: ms };
}

/** One URI literal (a key value or a function parameter). */
export function parseLiteral(text: string): Value {
  const [only, ...more] = tokenize(text);
  if (only?.t !== 'literal' || more.length > 0) throw bad(`Invalid literal "${text}".`);
  return only.v;
}

/** The JSON value a literal stands for, as a row would hold it. */
export function plain(v: Value): unknown {
  if (v.kind === 'null') return null;
  if (v.kind === 'datetime') return `/Date(${v.value})/`;
  return v.value;
}

/** `'1'` or `Material='M',Plant='P'` → field → value, checked against the set's key fields. */
export function parseKey(text: string, keys: readonly string[]): Row {
  const parts = splitOutsideQuotes(text);
  const out: Row = {};
  if (parts.length === 1 && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(parts[0]!)) {
    if (keys.length !== 1) throw bad(`The key needs the fields ${keys.join(', ')}.`);
    out[keys[0]!] = plain(parseLiteral(parts[0]!));
    return out;
  }
  for (const part of parts) {
    const eq = part.indexOf('=');
    const field = part.slice(0, eq);
    if (!keys.includes(field)) throw bad(`"${field}" is not a key field.`);
    out[field] = plain(parseLiteral(part.slice(eq + 1)));
  }
  if (keys.some((k) => !(k in out))) throw bad(`The key needs the fields ${keys.join(', ')}.`);
  return out;
}

function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === "'") quoted = !quoted; // a doubled quote flips twice: still right
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

export type Predicate = (row: Row) => boolean;

/** A $filter as a predicate; `typeOf` names each property's type (undefined: no such property). */
export function parseFilter(text: string, typeOf: (field: string) => PropertyType | undefined): Predicate {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const word = (w: string) => {
    const t = peek();
    if (t?.t === 'ident' && t.v === w) {
      i++;
      return true;
    }
    return false;
  };
  const expect = (p: string) => {
    const t = next();
    if (t?.t !== 'punct' || t.v !== p) throw bad(`Expected "${p}" in $filter.`);
  };
  const field = () => {
    const t = next();
    if (t?.t !== 'ident' || !typeOf(t.v)) throw bad(`Property ${t?.t === 'ident' ? t.v : '?'} not found.`);
    return t.v;
  };
  const literal = () => {
    const t = next();
    if (t?.t !== 'literal') throw bad('Expected a literal in $filter.');
    return t.v;
  };

  const or = (): Predicate => {
    let left = and();
    while (word('or')) {
      const a = left;
      const b = and();
      left = (row) => a(row) || b(row);
    }
    return left;
  };
  const and = (): Predicate => {
    let left = primary();
    while (word('and')) {
      const a = left;
      const b = primary();
      left = (row) => a(row) && b(row);
    }
    return left;
  };
  const primary = (): Predicate => {
    const t = peek();
    if (t?.t === 'punct' && t.v === '(') {
      i++;
      const inner = or();
      expect(')');
      return inner;
    }
    if (word('startswith') || word('substringof')) {
      const fn = (tokens[i - 1] as { v: string }).v;
      expect('(');
      let f: string;
      let lit: Value;
      if (fn === 'startswith') {
        f = field();
        expect(',');
        lit = literal();
      } else {
        lit = literal();
        expect(',');
        f = field();
      }
      expect(')');
      if (lit.kind !== 'string') throw bad(`${fn} needs a string literal.`);
      let wanted = true;
      if (word('eq')) {
        const b = literal();
        if (b.kind !== 'boolean') throw bad(`${fn}(…) eq needs true or false.`);
        wanted = b.value;
      }
      return (row) => {
        const v = String(row[f] ?? '');
        return (fn === 'startswith' ? v.startsWith(lit.value) : v.includes(lit.value)) === wanted;
      };
    }
    const f = field();
    const op = next();
    if (op?.t !== 'ident' || !['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(op.v)) throw bad('Expected an operator.');
    return comparison(f, op.v, literal(), typeOf(f)!);
  };

  const predicate = or();
  if (i < tokens.length) throw bad(`Unexpected text in $filter "${text}".`);
  return predicate;
}

function comparison(field: string, op: string, lit: Value, type: PropertyType): Predicate {
  if (lit.kind === 'null') {
    if (op !== 'eq' && op !== 'ne') throw bad(`null can only be compared with eq or ne.`);
    return (row) => (row[field] === null || row[field] === undefined) === (op === 'eq');
  }
  const wants: Record<PropertyType, Value['kind']> = {
    string: 'string',
    number: 'number',
    decimal: 'number',
    boolean: 'boolean',
    datetime: 'datetime',
  };
  if (wants[type] !== lit.kind) throw bad(`Type mismatch: ${field} is ${type}, compared with a ${lit.kind} literal.`);
  const right = (lit as { value: string | number | boolean }).value;
  const leftOf = (row: Row): string | number | boolean | undefined => {
    const v = row[field];
    if (v === null || v === undefined) return undefined;
    if (type === 'decimal') return Number(v);
    if (type === 'datetime') return Number(/-?\d+/.exec(String(v))?.[0]);
    return v as string | number | boolean;
  };
  return (row) => {
    const left = leftOf(row);
    if (left === undefined) return op === 'ne';
    switch (op) {
      case 'eq':
        return left === right;
      case 'ne':
        return left !== right;
      case 'gt':
        return left > right;
      case 'ge':
        return left >= right;
      case 'lt':
        return left < right;
      default:
        return left <= right;
    }
  };
}
