/**
 * JSON Schema → TypeScript declaration text, for the types Monaco offers in `map` code and in
 * expressions: `msg.payload` typed from the upstream payload contract, the canonical schemas as
 * `Canonical.Name_v1`, `params` from the flow's params schema and the sandbox `helpers`. Pure
 * text generation: no Monaco here, so it is unit tested in node.
 */

type S = Record<string, unknown>;

/** One canonical schema as GET /api/canonical returns it. */
export interface CanonicalSchema {
  readonly name: string;
  readonly major: number;
  readonly ref: string;
  readonly title?: string;
  readonly description?: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

export interface TypeContext {
  /** The TypeScript type name for a `$ref` or a canonical reference; undefined when unknown. */
  resolve(ref: string): string | undefined;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const isObject = (v: unknown): v is S => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text safe inside a JSDoc comment. */
function jsdoc(text: string, indent: string): string {
  const safe = text.replace(/\*\//g, '*\\/');
  const lines = safe.split('\n');
  if (lines.length === 1) return `${indent}/** ${safe} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

function describe(s: S): string | undefined {
  const parts = [s.title, s.description].filter((p): p is string => typeof p === 'string' && p !== '');
  const extra: string[] = [];
  if (typeof s.format === 'string') extra.push(`format: ${s.format}`);
  if (typeof s['x-hint'] === 'string') extra.push(`e.g. ${s['x-hint']}`);
  const all = [...parts, ...extra];
  return all.length > 0 ? all.join(' — ') : undefined;
}

function literal(v: unknown): string {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v) ? JSON.stringify(v) : 'unknown';
}

function union(types: readonly string[]): string {
  const distinct = [...new Set(types)];
  if (distinct.length === 0) return 'never';
  if (distinct.includes('unknown')) return 'unknown';
  return distinct.map((t) => (t.includes('=>') ? `(${t})` : t)).join(' | ');
}

/** The TypeScript type of values matching `schema`. */
export function schemaToType(schema: unknown, ctx: TypeContext, indent = ''): string {
  if (schema === true || schema === undefined) return 'unknown';
  if (schema === false) return 'never';
  if (!isObject(schema)) return 'unknown';
  const s = schema;
  if (typeof s.$ref === 'string') return ctx.resolve(s.$ref) ?? 'unknown';
  if (s.const !== undefined) return literal(s.const);
  if (Array.isArray(s.enum)) return union(s.enum.map(literal));
  const branches = s.anyOf ?? s.oneOf;
  if (Array.isArray(branches)) return union(branches.map((b) => schemaToType(b, ctx, indent)));
  if (Array.isArray(s.allOf)) {
    return s.allOf.map((b) => `(${schemaToType(b, ctx, indent)})`).join(' & ') || 'unknown';
  }
  if (Array.isArray(s.type)) {
    return union(s.type.map((t) => schemaToType({ ...s, type: t }, ctx, indent)));
  }
  switch (s.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      if (Array.isArray(s.prefixItems)) {
        const items = s.prefixItems.map((i) => schemaToType(i, ctx, indent));
        return `[${items.join(', ')}${s.items === false ? '' : ', ...unknown[]'}]`;
      }
      const item = schemaToType(s.items, ctx, indent);
      return /[|&]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case 'object':
      return objectType(s, ctx, indent);
    default:
      return isObject(s.properties) ? objectType(s, ctx, indent) : 'unknown';
  }
}

function objectType(s: S, ctx: TypeContext, indent: string): string {
  const props = isObject(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const inner = indent + '  ';
  const lines: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    const doc = isObject(value) ? describe(value) : undefined;
    const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
    const optional = required.has(key) ? '' : '?';
    lines.push(`${doc ? jsdoc(doc, inner) : ''}${inner}${name}${optional}: ${schemaToType(value, ctx, inner)};\n`);
  }
  const extra = s.additionalProperties;
  const patterns = isObject(s.patternProperties) ? Object.values(s.patternProperties) : [];
  if (extra !== false || patterns.length > 0) {
    // An index signature must admit every named property's type too, so it stays `unknown`
    // unless there are no named properties.
    // Keys matching no pattern are allowed too when additionalProperties is absent, but typing
    // them `unknown` would hide the patterns' type, which is what the keys really hold.
    const valueTypes = [
      ...(isObject(extra)
        ? [schemaToType(extra, ctx, inner)]
        : extra === false || patterns.length > 0
          ? []
          : ['unknown']),
      ...patterns.map((p) => schemaToType(p, ctx, inner)),
    ];
    const indexType = lines.length > 0 ? 'unknown' : union(valueTypes);
    if (lines.length === 0) return `Record<string, ${indexType}>`;
    lines.push(`${inner}[key: string]: ${indexType};\n`);
  }
  if (lines.length === 0) return 'Record<string, never>';
  return `{\n${lines.join('')}${indent}}`;
}

/** `Canonical.BatchCompletion_v1` for `canonical:BatchCompletion@1`. */
export function canonicalTypeName(entry: Pick<CanonicalSchema, 'name' | 'major'>): string {
  return `Canonical.${entry.name}_v${entry.major}`;
}

/** Resolves canonical references and the canonical schemas' `$id`s to their type names. */
export function canonicalContext(canonical: readonly CanonicalSchema[]): TypeContext {
  const names = new Map<string, string>();
  for (const c of canonical) {
    names.set(c.ref, canonicalTypeName(c));
    if (typeof c.schema.$id === 'string') names.set(c.schema.$id, canonicalTypeName(c));
  }
  return { resolve: (ref) => names.get(ref) };
}

/** `declare namespace Canonical { … }` with one type per canonical schema. */
export function canonicalDeclarations(canonical: readonly CanonicalSchema[]): string {
  const ctx = canonicalContext(canonical);
  const body = canonical
    .map((c) => {
      const doc = [c.title, c.description, c.ref].filter(Boolean).join(' — ');
      return `${jsdoc(doc, '  ')}  type ${c.name}_v${c.major} = ${schemaToType(c.schema, ctx, '  ')};\n`;
    })
    .join('');
  return `declare namespace Canonical {\n${body}}\n`;
}

const HELPERS = `/** Pure, deterministic helpers of the sandbox (packages/sandbox/README.md). */
interface MillraceHelpers {
  /** ISO 8601 in, UTC ISO out. A time without an offset is read as UTC. */
  readonly date: {
    /** Epoch milliseconds. */
    parse(value: string | number | Date): number;
    /** "2024-03-01T07:15:00.000Z". */
    format(value: string | number | Date): string;
    /** "2024-03-01" (the UTC date). */
    dateOnly(value: string | number | Date): string;
    addDays(value: string | number | Date, days: number): string;
    addHours(value: string | number | Date, hours: number): string;
    addMinutes(value: string | number | Date, minutes: number): string;
    diffMs(from: string | number | Date, to: string | number | Date): number;
    diffHours(from: string | number | Date, to: string | number | Date): number;
    diffDays(from: string | number | Date, to: string | number | Date): number;
  };
  /** Exact decimals on strings ("12.50"); results are decimal strings. */
  readonly decimal: {
    add(a: MillraceDecimal, b: MillraceDecimal): string;
    sub(a: MillraceDecimal, b: MillraceDecimal): string;
    mul(a: MillraceDecimal, b: MillraceDecimal): string;
    div(a: MillraceDecimal, b: MillraceDecimal, digits?: number, mode?: MillraceRounding): string;
    /** -1, 0 or 1. */
    compare(a: MillraceDecimal, b: MillraceDecimal): -1 | 0 | 1;
    round(a: MillraceDecimal, digits?: number, mode?: MillraceRounding): string;
  };
  /** A value from an object map, [key, value] pairs, or rows matched with { by, value }; else fallback. */
  lookup<T = unknown>(table: unknown, key: unknown, fallback?: T, options?: { by: string; value?: string }): T;
  /** A new object with the listed own keys that are present. */
  pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Pick<T, K>;
  /** Reads "a.b.0.c" or ["a", "b", 0, "c"] through own properties only. */
  get<T = unknown>(object: unknown, path: string | readonly (string | number)[], fallback?: T): T;
}
type MillraceDecimal = string | number | bigint;
type MillraceRounding = 'half-up' | 'half-even' | 'down' | 'up' | 'floor' | 'ceil';
`;

export interface ScopeInput {
  /** The payload contracts arriving at the node; empty when unknown. */
  readonly payloads: readonly (string | Readonly<Record<string, unknown>>)[];
  /** The flow's `params` JSON Schema, if any. */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly canonical: readonly CanonicalSchema[];
}

/**
 * The whole declaration file for one node's code and expressions: `msg`, `params`, `helpers`
 * and the canonical types.
 */
export function scopeDeclarations(input: ScopeInput): string {
  const ctx = canonicalContext(input.canonical);
  const payload =
    input.payloads.length === 0
      ? 'unknown'
      : union(
          input.payloads.map((p) =>
            typeof p === 'string' ? (ctx.resolve(p) ?? 'unknown') : schemaToType(p, ctx, '  '),
          ),
        );
  const source =
    input.payloads.length === 0
      ? 'Its contract is not known here: give the node feeding this one a schema to get its fields.'
      : `Its contract: ${input.payloads.map((p) => (typeof p === 'string' ? p : 'an inline JSON Schema')).join(' or ')}.`;
  const params = input.params ? schemaToType(input.params, ctx, '') : 'Record<string, unknown>';
  return `${canonicalDeclarations(input.canonical)}
/** The message this node received. */
interface MillraceMessage {
  /** The payload. ${source.replace(/\*\//g, '*\\/')} */
  readonly payload: ${payload};
  /** String headers carried along the flow. */
  readonly headers: Readonly<Record<string, string>>;
}
${HELPERS}
/** The message this node received. */
declare const msg: MillraceMessage;
/** The flow's parameters, set per plant by its profile. */
declare const params: ${params};
declare const helpers: MillraceHelpers;
`;
}
