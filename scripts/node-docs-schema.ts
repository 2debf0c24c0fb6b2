/**
 * Turns a node's config schema (or a connection's binding schema) into field tables for the
 * node reference: one row per field, nested objects and arrays of objects walked, and one extra
 * table per variant of a union of objects (told apart by a `kind`/`mode`-like constant).
 * Pure and deterministic: the same schema always gives the same text.
 */

export type Schema = Readonly<Record<string, unknown>>;

export interface FieldRow {
  /** `auth.token.secret`, `fields[].target`, `headers.<name>`. */
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  /** The default as JSON text, or undefined. */
  readonly defaultJson: string | undefined;
  /** Markdown: description, alternatives, hint or pattern. */
  readonly notes: string;
}

export interface FieldTable {
  /** Markdown heading text, or null for the main table. */
  readonly title: string | null;
  readonly intro: string | null;
  readonly rows: readonly FieldRow[];
}

/** An inline code span that survives backticks in the text (GitHub flavour). */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 || text.startsWith(' ') || text.endsWith(' ') ? ' ' : '';
  return fence + pad + text + pad + fence;
}

/** Running text: angle brackets would be taken for HTML tags and vanish. */
export function prose(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const json = (v: unknown) => JSON.stringify(v);
const obj = (v: unknown): Schema | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined;
const list = (v: unknown): Schema[] => (Array.isArray(v) ? (v as Schema[]) : []);

function members(schema: Schema): Schema[] {
  return [...list(schema.anyOf), ...list(schema.oneOf)];
}

function properties(schema: Schema): Array<[string, Schema]> {
  return Object.entries(obj(schema.properties) ?? {}) as Array<[string, Schema]>;
}

/** An object schema whose fields are worth a table of their own (a secret reference is not). */
function hasFields(schema: Schema): boolean {
  return schema['x-secret'] !== true && properties(schema).length > 0;
}

function constOf(schema: Schema): { value: unknown } | undefined {
  if ('const' in schema) return { value: schema.const };
  const e = list(schema.enum);
  return e.length === 1 ? { value: e[0] } : undefined;
}

/**
 * The property that tells the variants of a union of objects apart: a constant in every member
 * that names one. `kind` and `mode` first, then any other such property in name order.
 */
export function discriminator(variants: readonly Schema[]): string | undefined {
  const candidates = new Set<string>();
  for (const v of variants) for (const [name, s] of properties(v)) if (constOf(s)) candidates.add(name);
  const ordered = [...candidates].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return ordered.find((name) => {
    const values = variants.map((v) => {
      const p = obj(obj(v.properties)?.[name]);
      return p ? constOf(p) : undefined;
    });
    return values.every((c) => c !== undefined) && new Set(values.map((c) => json(c!.value))).size === values.length;
  });
}

const rank = (name: string) => (name === 'kind' ? 0 : name === 'mode' ? 1 : 2);

function range(min: unknown, max: unknown, exclusiveMin: unknown, exclusiveMax: unknown, unit = ''): string {
  const lo = typeof min === 'number' ? `${min}` : typeof exclusiveMin === 'number' ? `> ${exclusiveMin}` : undefined;
  const hi = typeof max === 'number' ? `${max}` : typeof exclusiveMax === 'number' ? `< ${exclusiveMax}` : undefined;
  if (typeof min === 'number' && typeof max === 'number') return `, ${min}–${max}${unit}`;
  if (lo !== undefined && hi !== undefined)
    return `, ${lo.startsWith('>') ? lo : `≥ ${lo}`} and ${hi.startsWith('<') ? hi : `≤ ${hi}`}${unit}`;
  if (lo !== undefined) return lo.startsWith('>') ? `, ${lo}${unit}` : `, ≥ ${lo}${unit}`;
  if (hi !== undefined) return hi.startsWith('<') ? `, ${hi}${unit}` : `, ≤ ${hi}${unit}`;
  return '';
}

function lengthWords(min: unknown, max: unknown, what: string): string {
  const n = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const lo = n(min);
  const hi = n(max);
  const plural = (k: number) => `${k} ${what}${k === 1 ? '' : 's'}`;
  if (lo !== undefined && hi !== undefined) return lo === hi ? `, exactly ${plural(lo)}` : `, ${lo}–${plural(hi)}`;
  if (lo === 1 && what === 'character') return ', not empty';
  if (lo !== undefined && lo > 0) return `, at least ${plural(lo)}`;
  if (hi !== undefined) return `, at most ${plural(hi)}`;
  return '';
}

/** What a value of this schema is, in words (Markdown). */
export function typeWords(schema: Schema): string {
  if (schema['x-secret'] === true) return `secret reference ${code('{ "secret": "NAME" }')}`;
  const c = constOf(schema);
  if (c) return code(json(c.value));
  const e = list(schema.enum);
  if (e.length > 0) return `one of ${e.map((v) => code(json(v))).join(', ')}`;
  const alternatives = members(schema);
  if (alternatives.length > 0) {
    const objects = alternatives.filter(hasFields);
    if (objects.length === alternatives.length) {
      const by = discriminator(objects);
      return `object, one of ${objects.length} variants${by ? ` by ${code(by)}` : ''}`;
    }
    if (alternatives.every((m) => constOf(m))) return `one of ${alternatives.map(typeWords).join(', ')}`;
    return alternatives.map(typeWords).join(' or ');
  }
  const type = schema.type;
  if (Array.isArray(type)) return type.map((t) => typeWords({ ...schema, type: t })).join(' or ');
  switch (type) {
    case 'string':
      return stringWords(schema);
    case 'integer':
    case 'number':
      return (
        type +
        range(schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum) +
        (typeof schema.multipleOf === 'number' ? `, a multiple of ${schema.multipleOf}` : '')
      );
    case 'boolean':
      return 'boolean';
    case 'null':
      return code('null');
    case 'array': {
      const items = obj(schema.items);
      const of = !items ? 'anything' : hasFields(items) ? 'objects' : typeWords(items);
      return `array of ${of}${lengthWords(schema.minItems, schema.maxItems, 'item')}`;
    }
    case 'object':
      return objectWords(schema);
    default:
      return 'any JSON';
  }
}

function stringWords(s: Schema): string {
  const length = lengthWords(s.minLength, s.maxLength, 'character');
  // An expression's length says nothing useful; a publishable flow has a parseable one anyway.
  if (s['x-expression'] === true) return 'expression';
  if (typeof s['x-code'] === 'string') return `${s['x-code']} code`;
  if (s.format === 'canonical-ref') return 'canonical schema reference';
  return `string${typeof s.format === 'string' ? ` (${s.format})` : ''}${length}`;
}

function objectWords(s: Schema): string {
  const values = [
    ...Object.values(obj(s.patternProperties) ?? {}),
    ...(obj(s.additionalProperties) ? [s.additionalProperties] : []),
  ] as Schema[];
  if (properties(s).length === 0 && values.length === 1) return `object, name → ${typeWords(values[0]!)}`;
  return 'object';
}

/** Description, the alternatives of a union, and what a valid value looks like. */
function notesOf(schema: Schema): string {
  const parts: string[] = [];
  if (typeof schema.description === 'string') parts.push(prose(schema.description));
  const alternatives = members(schema);
  if (alternatives.length > 0 && !alternatives.every(hasFields)) {
    for (const m of alternatives) {
      if (typeof m.description === 'string') parts.push(`*${typeWords(m)}*: ${prose(m.description)}`);
    }
  }
  if (typeof schema['x-hint'] === 'string') parts.push(`Looks like ${prose(schema['x-hint'])}.`);
  else if (typeof schema.pattern === 'string') parts.push(`Matches ${code(schema.pattern)}.`);
  return parts.join(' ');
}

interface Walk {
  readonly rows: FieldRow[];
  readonly later: FieldTable[];
}

const join = (prefix: string, name: string) => (prefix === '' ? name : `${prefix}.${name}`);

function walkField(schema: Schema, path: string, required: boolean, into: Walk): void {
  into.rows.push({
    path,
    type: typeWords(schema),
    required,
    defaultJson: 'default' in schema ? json(schema.default) : undefined,
    notes: notesOf(schema),
  });
  walkInside(schema, path, into);
}

/** The fields within a field: an object's properties, an array's objects, a union's variants. */
function walkInside(schema: Schema, path: string, into: Walk): void {
  if (hasFields(schema)) walkProperties(schema, path, into);
  const items = schema.type === 'array' ? obj(schema.items) : undefined;
  if (items) {
    if (hasFields(items)) walkProperties(items, `${path}[]`, into);
    else if (members(items).some(hasFields)) into.later.push(...variantTables(items, `${path}[]`));
  }
  if (members(schema).some(hasFields)) into.later.push(...variantTables(schema, path));
}

function walkProperties(schema: Schema, prefix: string, into: Walk): void {
  const required = new Set(list(schema.required) as unknown as string[]);
  for (const [name, sub] of properties(schema)) walkField(sub, join(prefix, name), required.has(name), into);
}

function variantTables(schema: Schema, path: string): FieldTable[] {
  const variants = members(schema).filter(hasFields);
  const by = discriminator(variants);
  const out: FieldTable[] = [];
  variants.forEach((variant, i) => {
    const walk: Walk = { rows: [], later: [] };
    walkProperties(variant, path, walk);
    const field = path === '' ? 'config' : code(path);
    const value = by ? constOf(obj(obj(variant.properties)?.[by])!)!.value : undefined;
    const which = by ? `${code(join(path, by))} is ${code(json(value))}` : `variant ${i + 1}`;
    const title = typeof variant.title === 'string' ? ` (${prose(variant.title)})` : '';
    const isDefault = by !== undefined && json(obj(obj(variant.properties)?.[by])?.default) === json(value);
    out.push({
      title: by ? `${field} when ${which}${title}` : `${field}, ${which}${title}`,
      intro: isDefault ? `${code(join(path, by!))} may be left out: ${code(json(value))} is the default.` : null,
      rows: walk.rows,
    });
    out.push(...walk.later);
  });
  return out;
}

/**
 * Field tables of an object schema: the main table first (unless the root itself is a union of
 * variants), then one table per variant of each union of objects, in the order met.
 */
export function fieldTables(schema: Schema): FieldTable[] {
  const walk: Walk = { rows: [], later: [] };
  walkProperties(schema, '', walk);
  const rootVariants = members(schema).some(hasFields) ? variantTables(schema, '') : [];
  const main: FieldTable[] = walk.rows.length > 0 ? [{ title: null, intro: null, rows: walk.rows }] : [];
  return [...main, ...walk.later, ...rootVariants];
}

/** A GitHub-flavoured table cell: pipes escaped (also inside code spans), one line. */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Markdown of field tables, each under a heading of the given level. */
export function renderFieldTables(tables: readonly FieldTable[], level: number): string {
  const blocks: string[] = [];
  for (const t of tables) {
    if (t.title) blocks.push(`${'#'.repeat(level)} ${t.title}`);
    if (t.intro) blocks.push(t.intro);
    if (t.rows.length === 0) {
      blocks.push('No fields.');
      continue;
    }
    blocks.push(
      renderTable(
        ['Field', 'Type', 'Required', 'Default', 'Description'],
        t.rows.map((r) => [
          code(r.path),
          r.type,
          r.required ? 'yes' : 'no',
          r.defaultJson === undefined ? '' : code(r.defaultJson),
          r.notes,
        ]),
      ),
    );
  }
  return blocks.join('\n\n');
}
