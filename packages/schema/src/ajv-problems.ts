import type { ErrorObject } from 'ajv/dist/2020.js';
import { getAtPointer, joinPointer } from './pointer.ts';
import type { Problem } from './problem.ts';

/** How a format reads in a sentence: "must be <description>". */
const FORMAT_WORDS: Record<string, string> = {
  'date-time': 'an RFC 3339 timestamp with a time zone offset, such as 2026-01-31T12:00:00Z',
  date: 'a date such as 2026-01-31',
  time: 'a time such as 12:00:00Z',
  email: 'an e-mail address',
  uri: 'an absolute URI',
  'uri-reference': 'a URI reference',
  url: 'a URL',
  uuid: 'a UUID',
  hostname: 'a host name',
  regex: 'a valid regular expression',
  'canonical-ref': 'a known canonical schema reference such as canonical:BatchCompletion@1',
};

/**
 * Turns ajv errors into problems a person can act on: the pointer names the offending field
 * itself (for a missing field, the field that is missing), the message says what is wrong.
 * Errors from the failing branches of `anyOf`/`oneOf` are reduced to the branch that came closest.
 */
export function toProblems(
  errors: readonly ErrorObject[],
  value: unknown,
  basePointer = '',
  options: ProblemOptions = {},
): Problem[] {
  const kept = reduceBranches(errors);
  return kept.map((e) => {
    const custom =
      e.keyword === 'format' ? options.formatMessages?.[String((e.params as { format?: unknown }).format)] : undefined;
    if (custom) return { pointer: basePointer + e.instancePath, message: custom(getAtPointer(value, e.instancePath)) };
    const { pointer, message } = describe(e, value);
    return { pointer: basePointer + pointer, message };
  });
}

export interface ProblemOptions {
  /** Messages for failures of a custom format, given the offending value. */
  readonly formatMessages?: Readonly<Record<string, (value: unknown) => string>>;
}

function reduceBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  let current = [...errors];
  // Innermost combinators first, so nested anyOf inside anyOf reduce correctly.
  const combinators = current
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const combo of combinators) {
    if (!current.includes(combo)) continue;
    const prefix = combo.schemaPath + '/';
    const branches = new Map<string, ErrorObject[]>();
    for (const e of current) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      const branch = e.schemaPath.slice(prefix.length).split('/')[0] as string;
      const list = branches.get(branch) ?? [];
      list.push(e);
      branches.set(branch, list);
    }
    // oneOf that failed because two branches matched has no branch errors: keep it as is.
    if (branches.size === 0) continue;
    const lists = [...branches.values()];
    const replacement = collapse(combo, lists) ?? [...lists].sort((a, b) => compareBranches(combo, a, b))[0]!;
    const drop = new Set<ErrorObject>([combo, ...lists.flat()]);
    current = current.filter((e) => !drop.has(e));
    current.push(...replacement);
  }
  return current;
}

/**
 * When every branch fails on the same thing, one plain error says more than any branch:
 * all branches are constants → "must be one of …"; all want another type → "must be a string
 * or an object"; all fail on the same discriminator field → "kind must be one of …".
 */
function collapse(combo: ErrorObject, lists: ErrorObject[][]): ErrorObject[] | undefined {
  const at = combo.instancePath;
  const only = lists.map((l) => (l.length === 1 ? l[0]! : undefined));
  if (only.every((e) => e && e.instancePath === at && (e.keyword === 'const' || e.keyword === 'enum'))) {
    return [
      enumError(
        at,
        only.flatMap((e) => allowed(e!)),
        combo,
      ),
    ];
  }
  if (only.every((e) => e && e.instancePath === at && e.keyword === 'type')) {
    const types = [...new Set(only.flatMap((e) => String((e!.params as { type: string }).type).split(',')))];
    return [{ ...combo, keyword: 'type', params: { type: types.join(',') } }];
  }
  const discriminators = lists.map((l) => l.find((e) => e.keyword === 'const' && e.instancePath.startsWith(at + '/')));
  const path = discriminators[0]?.instancePath;
  if (path && discriminators.every((d) => d && d.instancePath === path)) {
    return [
      enumError(
        path,
        discriminators.flatMap((d) => allowed(d!)),
        combo,
      ),
    ];
  }
  return undefined;
}

function allowed(e: ErrorObject): unknown[] {
  const p = e.params as { allowedValue?: unknown; allowedValues?: unknown[] };
  return e.keyword === 'const' ? [p.allowedValue] : (p.allowedValues ?? []);
}

function enumError(instancePath: string, values: unknown[], like: ErrorObject): ErrorObject {
  return { ...like, instancePath, keyword: 'enum', params: { allowedValues: [...new Set(values)] } };
}

/**
 * A branch the value is not even the kind of (a type or constant miss at the combinator's own
 * place) is the worst guess; one whose discriminator field failed is next; among the rest the
 * branch that got deepest, then the one with fewest errors, is taken as what was meant.
 */
function compareBranches(combo: ErrorObject, a: ErrorObject[], b: ErrorObject[]): number {
  return score(combo, a) - score(combo, b) || a.length - b.length;
}

function score(combo: ErrorObject, list: ErrorObject[]): number {
  const at = combo.instancePath;
  const rootMiss = list.some((e) => e.instancePath === at && ['type', 'const', 'enum'].includes(e.keyword));
  const discriminatorMiss = list.some((e) => e.keyword === 'const' && e.instancePath.startsWith(at + '/'));
  const deepest = Math.max(...list.map((e) => e.instancePath.split('/').length));
  return (rootMiss ? 1000 : 0) + (discriminatorMiss ? 500 : 0) - deepest;
}

function describe(e: ErrorObject, root: unknown): { pointer: string; message: string } {
  const at = e.instancePath;
  const params = e.params as Record<string, unknown>;
  const hint = (e.parentSchema as Record<string, unknown> | undefined)?.['x-hint'];
  switch (e.keyword) {
    case 'required':
      return { pointer: joinPointer(at, String(params.missingProperty)), message: 'is required but missing' };
    case 'additionalProperties':
      return {
        pointer: joinPointer(at, String(params.additionalProperty)),
        message: 'is not a known field here',
      };
    case 'unevaluatedProperties':
      return {
        pointer: joinPointer(at, String(params.unevaluatedProperty)),
        message: 'is not a known field here',
      };
    case 'type':
      return { pointer: at, message: `must be ${article(String(params.type))}, not ${kindOf(getAtPointer(root, at))}` };
    case 'const':
      return { pointer: at, message: `must be ${show(params.allowedValue)}` };
    case 'enum':
      return {
        pointer: at,
        message: `must be one of ${(params.allowedValues as unknown[]).map(show).join(', ')}; got ${show(getAtPointer(root, at))}`,
      };
    case 'pattern':
      return {
        pointer: at,
        message:
          typeof hint === 'string'
            ? `must be ${hint}; got ${show(getAtPointer(root, at))}`
            : `must match the pattern ${String(params.pattern)}`,
      };
    case 'format':
      return {
        pointer: at,
        message: `must be ${typeof hint === 'string' ? hint : (FORMAT_WORDS[String(params.format)] ?? `in the format "${String(params.format)}"`)}; got ${show(getAtPointer(root, at))}`,
      };
    case 'minLength':
      return {
        pointer: at,
        message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`,
      };
    case 'maxLength':
      return { pointer: at, message: `must be at most ${String(params.limit)} characters long` };
    case 'minItems':
      return {
        pointer: at,
        message: `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`,
      };
    case 'maxItems':
      return { pointer: at, message: `must have at most ${String(params.limit)} items` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { pointer: at, message: `must be ${String(params.comparison)} ${String(params.limit)}` };
    case 'minProperties':
      return {
        pointer: at,
        message: `must have at least ${String(params.limit)} field${params.limit === 1 ? '' : 's'}`,
      };
    case 'uniqueItems':
      return {
        pointer: at,
        message: `must not repeat items (items ${String(params.j)} and ${String(params.i)} are equal)`,
      };
    case 'oneOf':
      return { pointer: at, message: 'matches more than one of the allowed forms' };
    case 'anyOf':
      return { pointer: at, message: 'does not match any of the allowed forms' };
    case 'not':
      return { pointer: at, message: typeof hint === 'string' ? `must not be ${hint}` : 'is not allowed here' };
    case 'propertyNames':
      return { pointer: at, message: `has a field name that is not allowed: ${show(params.propertyName)}` };
    case 'dependentRequired':
      return {
        pointer: joinPointer(at, String(params.missingProperty)),
        message: `is required when "${String(params.property)}" is set`,
      };
    default:
      return { pointer: at, message: e.message ?? `fails the "${e.keyword}" rule` };
  }
}

function article(type: string): string {
  const words = type.split(',').map((t) => (t === 'integer' || t === 'object' || t === 'array' ? `an ${t}` : `a ${t}`));
  return words.join(' or ').replace('a null', 'null');
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the number ${v}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  if (v === undefined) return 'nothing';
  return `${typeof v} ${String(v)}`;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v);
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
