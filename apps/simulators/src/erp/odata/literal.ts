import { dateMs } from './edm.ts';
import { badRequest } from './errors.ts';

/**
 * URI literals and the tokens of $filter text, key predicates and function parameters:
 * `'O''Brien'`, `datetime'2026-03-01T00:00'`, `datetimeoffset'…Z'`, `guid'…'`, `time'PT06H00M00S'`,
 * `12`, `1.5M`, `true`, `null`.
 */
export type Literal =
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'num'; readonly v: number; readonly text: string }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'date'; readonly v: number }
  | { readonly t: 'null' };

export type Token =
  | { readonly k: 'lit'; readonly lit: Literal; readonly at: number }
  | { readonly k: 'id'; readonly v: string; readonly at: number }
  | { readonly k: 'punct'; readonly v: '(' | ')' | ',' | '='; readonly at: number };

const TYPED = /^(datetimeoffset|datetime|guid|time|X|binary)'/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?/;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_/$]*/;

export function tokenize(text: string, what: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === '=') {
      tokens.push({ k: 'punct', v: c, at: i });
      i++;
      continue;
    }
    const rest = text.slice(i);
    const typed = TYPED.exec(rest);
    if (c === "'" || typed) {
      const start = i + (typed ? typed[1]!.length : 0);
      const [value, end] = quoted(text, start, what);
      tokens.push({ k: 'lit', lit: typedLiteral(typed?.[1], value, what), at: i });
      i = end;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num && (c === '-' ? /\d/.test(rest[1] ?? '') : true) && /[-\d]/.test(c)) {
      const raw = num[0];
      const digits = raw.replace(/[mMdDfFlL]$/, '');
      tokens.push({ k: 'lit', lit: { t: 'num', v: Number(digits), text: digits }, at: i });
      i += raw.length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      const word = id[0];
      if (word === 'true' || word === 'false') tokens.push({ k: 'lit', lit: { t: 'bool', v: word === 'true' }, at: i });
      else if (word === 'null') tokens.push({ k: 'lit', lit: { t: 'null' }, at: i });
      else tokens.push({ k: 'id', v: word, at: i });
      i += word.length;
      continue;
    }
    throw badRequest(`Invalid ${what}: unexpected '${c}' at position ${i} in "${text}"`);
  }
  return tokens;
}

/** The text of a quoted literal starting at the quote `text[start]`, with '' unescaped, and the index after it. */
function quoted(text: string, start: number, what: string): [string, number] {
  let out = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw badRequest(`Invalid ${what}: unterminated string literal in "${text}"`);
    const c = text[i]!;
    if (c === "'") {
      if (text[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      return [out, i + 1];
    }
    out += c;
    i++;
  }
}

function typedLiteral(prefix: string | undefined, value: string, what: string): Literal {
  if (prefix === 'datetime' || prefix === 'datetimeoffset') {
    // datetime'…' has no zone (UTC); datetimeoffset'…' must have one. Clients URL-encode ':' sometimes.
    const text = value.replaceAll('%3A', ':').replaceAll('%3a', ':');
    const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(text);
    if (prefix === 'datetimeoffset' && !zoned)
      throw badRequest(`Invalid ${what}: datetimeoffset'${value}' needs a zone such as Z`);
    const ms = dateMs(text);
    if (ms === undefined)
      throw badRequest(`Invalid ${what}: ${prefix}'${value}' is not a date-time such as 2026-03-01T06:00:00`);
    return { t: 'date', v: ms };
  }
  return { t: 'str', v: value };
}

/**
 * A key predicate's inside: `'1000123'` (single key) or `Material='M',Plant='P100'`. Returns the
 * values by key name (`''` for the single-key form).
 */
export function parseKeyPredicate(text: string): Map<string, Literal> {
  const tokens = tokenize(text, 'key predicate');
  const out = new Map<string, Literal>();
  if (tokens.length === 1 && tokens[0]!.k === 'lit') {
    out.set('', tokens[0]!.lit);
    return out;
  }
  let i = 0;
  while (i < tokens.length) {
    const name = tokens[i];
    const eq = tokens[i + 1];
    const value = tokens[i + 2];
    if (name?.k !== 'id' || eq?.k !== 'punct' || eq.v !== '=' || value?.k !== 'lit')
      throw badRequest(`Invalid key predicate (${text}): expected Name='value' pairs separated by commas`);
    out.set(name.v, value.lit);
    i += 3;
    const sep = tokens[i];
    if (sep === undefined) break;
    if (sep.k !== 'punct' || sep.v !== ',') throw badRequest(`Invalid key predicate (${text}): expected ','`);
    i++;
  }
  return out;
}

/** One literal on its own (a function import parameter). */
export function parseLiteral(text: string, what: string): Literal {
  const tokens = tokenize(text, what);
  if (tokens.length !== 1 || tokens[0]!.k !== 'lit')
    throw badRequest(`Invalid ${what}: "${text}" is not a single literal such as '1000123'`);
  return tokens[0]!.lit;
}

/** A literal as a plain value for a property of the given kind (used for keys and parameters). */
export function literalValue(lit: Literal): unknown {
  switch (lit.t) {
    case 'null':
      return null;
    case 'num':
      return lit.text;
    default:
      return lit.v;
  }
}
