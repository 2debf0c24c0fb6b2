import type { PropDef, Row } from './edm.ts';
import { badRequest } from './errors.ts';
import { tokenize, type Literal, type Token } from './literal.ts';

/**
 * The $filter subset S/4 clients send: eq ne gt ge lt le, and, or, not, parentheses,
 * substringof, startswith, endswith, tolower, toupper; string, number, boolean, null, datetime
 * and datetimeoffset literals. Parsed once against the entity's properties, so an unknown
 * property is a 400 naming it, then evaluated per row.
 */
export type Expr =
  | { readonly k: 'lit'; readonly lit: Literal }
  | { readonly k: 'prop'; readonly name: string; readonly def: PropDef }
  | { readonly k: 'cmp'; readonly op: CmpOp; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'bool'; readonly op: 'and' | 'or'; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'not'; readonly a: Expr }
  | { readonly k: 'fn'; readonly name: string; readonly args: readonly Expr[] };

type CmpOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
const CMP = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS: Readonly<Record<string, number>> = {
  substringof: 2,
  startswith: 2,
  endswith: 2,
  tolower: 1,
  toupper: 1,
  trim: 1,
  length: 1,
};

export type Normalizers = Readonly<Record<string, (v: string) => string>>;

export function parseFilter(text: string, props: Readonly<Record<string, PropDef>>): Expr {
  const tokens = tokenize(text, '$filter');
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isWord = (t: Token | undefined, w: string) => t?.k === 'id' && t.v === w;
  const expect = (v: string) => {
    const t = tokens[i];
    if (t?.k !== 'punct' || t.v !== v)
      throw badRequest(`Invalid $filter "${text}": expected '${v}'${t ? ` at position ${t.at}` : ' at the end'}`);
    i++;
  };

  const or = (): Expr => {
    let a = and();
    while (isWord(peek(), 'or')) {
      i++;
      a = { k: 'bool', op: 'or', a, b: and() };
    }
    return a;
  };
  const and = (): Expr => {
    let a = not();
    while (isWord(peek(), 'and')) {
      i++;
      a = { k: 'bool', op: 'and', a, b: not() };
    }
    return a;
  };
  const not = (): Expr => {
    if (isWord(peek(), 'not')) {
      i++;
      return { k: 'not', a: not() };
    }
    return cmp();
  };
  const cmp = (): Expr => {
    const a = primary();
    const t = peek();
    if (t?.k === 'id' && CMP.has(t.v)) {
      i++;
      return { k: 'cmp', op: t.v as CmpOp, a, b: primary() };
    }
    return a;
  };
  const primary = (): Expr => {
    const t = tokens[i++];
    if (!t) throw badRequest(`Invalid $filter "${text}": it ends too early`);
    if (t.k === 'lit') return { k: 'lit', lit: t.lit };
    if (t.k === 'punct') {
      if (t.v !== '(') throw badRequest(`Invalid $filter "${text}": unexpected '${t.v}' at position ${t.at}`);
      const e = or();
      expect(')');
      return e;
    }
    const next = peek();
    if (next?.k === 'punct' && next.v === '(') {
      const arity = FUNCTIONS[t.v];
      if (arity === undefined) throw badRequest(`Invalid $filter "${text}": function ${t.v} is not supported`);
      i++;
      const args: Expr[] = [or()];
      while (peek()?.k === 'punct' && (peek() as { v: string }).v === ',') {
        i++;
        args.push(or());
      }
      expect(')');
      if (args.length !== arity)
        throw badRequest(`Invalid $filter "${text}": ${t.v} takes ${arity} argument(s), not ${args.length}`);
      return { k: 'fn', name: t.v, args };
    }
    const def = props[t.v];
    if (!def) throw badRequest(`Invalid $filter: property '${t.v}' does not exist`, t.v);
    return { k: 'prop', name: t.v, def };
  };

  const expr = or();
  if (i < tokens.length) throw badRequest(`Invalid $filter "${text}": unexpected text at position ${tokens[i]!.at}`);
  return expr;
}

type Value = Literal;

function valueOf(row: Row, name: string, def: PropDef): Value {
  const v = row[name];
  if (v === null || v === undefined) return { t: 'null' };
  switch (def.type) {
    case 'Edm.DateTime':
    case 'Edm.DateTimeOffset':
      return { t: 'date', v: Number(v) };
    case 'Edm.Decimal':
    case 'Edm.Double':
    case 'Edm.Int32':
    case 'Edm.Byte':
      return { t: 'num', v: Number(v), text: String(v) };
    case 'Edm.Boolean':
      return { t: 'bool', v: v === true };
    default:
      return { t: 'str', v: String(v) };
  }
}

export function evaluate(e: Expr, row: Row, normalize: Normalizers = {}): Value {
  switch (e.k) {
    case 'lit':
      return e.lit;
    case 'prop':
      return valueOf(row, e.name, e.def);
    case 'not': {
      const a = evaluate(e.a, row, normalize);
      return { t: 'bool', v: !(a.t === 'bool' && a.v) };
    }
    case 'bool': {
      const a = truthy(evaluate(e.a, row, normalize));
      if (e.op === 'and' && !a) return { t: 'bool', v: false };
      if (e.op === 'or' && a) return { t: 'bool', v: true };
      return { t: 'bool', v: truthy(evaluate(e.b, row, normalize)) };
    }
    case 'cmp': {
      let a = evaluate(e.a, row, normalize);
      let b = evaluate(e.b, row, normalize);
      // Conversion exits (leading zeros of order and lot numbers) apply to filter values too.
      const prop = e.a.k === 'prop' ? e.a.name : e.b.k === 'prop' ? e.b.name : undefined;
      const norm = prop ? normalize[prop] : undefined;
      if (norm && a.t === 'str' && b.t === 'str') {
        a = { t: 'str', v: norm(a.v) };
        b = { t: 'str', v: norm(b.v) };
      }
      return { t: 'bool', v: compare(e.op, a, b) };
    }
    case 'fn':
      return callFn(
        e.name,
        e.args.map((x) => evaluate(x, row, normalize)),
      );
  }
}

export function matches(e: Expr, row: Row, normalize?: Normalizers): boolean {
  return truthy(evaluate(e, row, normalize));
}

function truthy(v: Value): boolean {
  return v.t === 'bool' && v.v;
}

function compare(op: CmpOp, a: Value, b: Value): boolean {
  if (a.t === 'null' || b.t === 'null') {
    const same = a.t === b.t;
    return op === 'eq' ? same : op === 'ne' ? !same : false;
  }
  const [x, y] = comparable(a, b);
  switch (op) {
    case 'eq':
      return x === y;
    case 'ne':
      return x !== y;
    case 'gt':
      return x > y;
    case 'ge':
      return x >= y;
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
  }
}

/** Both sides as numbers or as strings; a number against a decimal string compares numerically. */
function comparable(a: Value, b: Value): [number | string | boolean, number | string | boolean] {
  const num = (v: Value): number | undefined =>
    v.t === 'num' || v.t === 'date' ? v.v : v.t === 'str' && /^-?\d+(\.\d+)?$/.test(v.v) ? Number(v.v) : undefined;
  if (a.t === 'num' || b.t === 'num' || a.t === 'date' || b.t === 'date') {
    const x = num(a);
    const y = num(b);
    if (x === undefined || y === undefined)
      throw badRequest(`Invalid $filter: cannot compare ${describe(a)} with ${describe(b)}`);
    return [x, y];
  }
  if (a.t !== b.t) throw badRequest(`Invalid $filter: cannot compare ${describe(a)} with ${describe(b)}`);
  return [(a as { v: string | boolean }).v, (b as { v: string | boolean }).v];
}

function describe(v: Value): string {
  return v.t === 'null' ? 'null' : v.t === 'date' ? new Date(v.v).toISOString() : `${v.t} ${String(v.v)}`;
}

function callFn(name: string, args: Value[]): Value {
  const str = (v: Value | undefined): string => {
    if (v?.t === 'str') return v.v;
    if (v?.t === 'null') return '';
    throw badRequest(`Invalid $filter: ${name} needs string arguments`);
  };
  switch (name) {
    case 'substringof':
      return { t: 'bool', v: str(args[1]).includes(str(args[0])) };
    case 'startswith':
      return { t: 'bool', v: str(args[0]).startsWith(str(args[1])) };
    case 'endswith':
      return { t: 'bool', v: str(args[0]).endsWith(str(args[1])) };
    case 'tolower':
      return { t: 'str', v: str(args[0]).toLowerCase() };
    case 'toupper':
      return { t: 'str', v: str(args[0]).toUpperCase() };
    case 'trim':
      return { t: 'str', v: str(args[0]).trim() };
    default: {
      const n = str(args[0]).length;
      return { t: 'num', v: n, text: String(n) };
    }
  }
}
