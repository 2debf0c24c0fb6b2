import type { JsonSchema } from '@millrace/flow-model';

/**
 * Form generation: a node type's config JSON Schema plus the node's current value become a tree
 * of field descriptors the inspector renders. Pure, so every schema shape in the catalog can be
 * tested without a browser. Anything this does not understand becomes a JSON text field: the
 * inspector never refuses to show a node.
 */

export type FieldKind =
  | 'text'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'enum'
  | 'expression'
  | 'code'
  | 'upstream-node'
  | 'secret-ref'
  | 'canonical-ref'
  | 'array'
  | 'object'
  | 'union'
  | 'json';

interface FieldBase {
  /** JSON pointer of the value, relative to the root value the form was built from. */
  readonly pointer: string;
  /** Property name (or item index) in the parent. */
  readonly name: string;
  readonly label: string;
  readonly help?: string;
  /** Example of a valid value (`x-hint`), shown as a placeholder. */
  readonly hint?: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly value: unknown;
  readonly schema: JsonSchema;
  /** An immediate check of the value against its own schema (not a substitute for the server's). */
  readonly error?: string;
}

export interface ScalarField extends FieldBase {
  readonly kind:
    | 'text'
    | 'number'
    | 'integer'
    | 'boolean'
    | 'expression'
    | 'code'
    | 'upstream-node'
    | 'secret-ref'
    | 'canonical-ref'
    | 'json';
}

export interface EnumField extends FieldBase {
  readonly kind: 'enum';
  readonly options: readonly { readonly value: unknown; readonly label: string }[];
}

export interface ArrayField extends FieldBase {
  readonly kind: 'array';
  readonly items: readonly Field[];
  /** What a new row starts as. */
  readonly newItem: unknown;
  readonly minItems: number;
  readonly maxItems?: number;
}

export interface ObjectField extends FieldBase {
  readonly kind: 'object';
  readonly fields: readonly Field[];
}

export interface UnionField extends FieldBase {
  readonly kind: 'union';
  readonly branches: readonly { readonly label: string; readonly initial: unknown }[];
  readonly selected: number;
  /** The selected branch's form, at the same pointer. */
  readonly field: Field;
}

export type Field = ScalarField | EnumField | ArrayField | ObjectField | UnionField;

type S = Record<string, unknown>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function childPointer(pointer: string, key: string | number): string {
  return `${pointer}/${escapePointer(String(key))}`;
}

/** Words that read wrong in sentence case: "lotId" is "Lot ID", "qos" is "QoS". */
const ACRONYMS: Readonly<Record<string, string>> = {
  id: 'ID',
  ids: 'IDs',
  qos: 'QoS',
  uom: 'UoM',
  url: 'URL',
  uri: 'URI',
  json: 'JSON',
  http: 'HTTP',
  https: 'HTTPS',
  api: 'API',
  ttl: 'TTL',
  mqtt: 'MQTT',
  erp: 'ERP',
  mes: 'MES',
  qms: 'QMS',
};

/**
 * "maxBodyBytes" → "Max body bytes", "lotId" → "Lot ID", "timeoutMs" → "Timeout (ms)": property
 * names read as labels when there is no title.
 */
export function labelOf(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) return '';
  // A unit at the end reads as one: "Timeout (ms)".
  const unit = words.length > 1 && words[words.length - 1] === 'ms' ? ` (${words.pop()!})` : '';
  const text = words.map((w) => ACRONYMS[w] ?? w).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1) + unit;
}

function branchesOf(schema: S): S[] | undefined {
  const b = schema.anyOf ?? schema.oneOf;
  return Array.isArray(b) && b.every(isObject) ? (b as S[]) : undefined;
}

function typeOf(schema: S): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (schema.const !== undefined) return typeof schema.const === 'number' ? 'number' : typeof schema.const;
  if (isObject(schema.properties)) return 'object';
  return undefined;
}

/** The property every object branch fixes with a `const`: the union's discriminator. */
function discriminatorOf(branches: readonly S[]): string | undefined {
  if (!branches.every((b) => typeOf(b) === 'object' && isObject(b.properties))) return undefined;
  const first = branches[0]!.properties as Record<string, S>;
  for (const key of Object.keys(first)) {
    const consts = branches.map((b) => ((b.properties as Record<string, S>)[key] ?? {}).const);
    if (consts.every((c) => c !== undefined) && new Set(consts.map((c) => JSON.stringify(c))).size === consts.length)
      return key;
  }
  return undefined;
}

function branchLabel(branch: S, index: number, discriminator: string | undefined): string {
  if (typeof branch.title === 'string') return branch.title;
  if (discriminator !== undefined) return String((branch.properties as Record<string, S>)[discriminator]!.const);
  if (branch.const !== undefined) return String(branch.const);
  if (branch['x-expression']) return 'Expression';
  if (branch['x-code']) return 'Code';
  if (branch.format === 'canonical-ref') return 'Canonical schema';
  if (typeOf(branch) === 'object') return 'Inline JSON Schema';
  return typeof branch.type === 'string' ? labelOf(branch.type) : `Option ${index + 1}`;
}

function matches(branch: S, value: unknown, discriminator: string | undefined): boolean {
  if (branch.const !== undefined) return JSON.stringify(branch.const) === JSON.stringify(value);
  const t = typeOf(branch);
  if (t === 'object') {
    if (!isObject(value)) return false;
    if (discriminator === undefined) return true;
    const d = (branch.properties as Record<string, S>)[discriminator]!;
    const required = Array.isArray(branch.required) && branch.required.includes(discriminator);
    return value[discriminator] === undefined
      ? !required
      : JSON.stringify(d.const) === JSON.stringify(value[discriminator]);
  }
  if (t === 'array') return Array.isArray(value);
  if (t === 'integer') return Number.isInteger(value);
  if (t === 'number' || t === 'string' || t === 'boolean') return typeof value === t;
  return false;
}

/** The value a field starts with when added or switched to: its default, else an empty value. */
export function initialValue(schema: JsonSchema): unknown {
  const s = schema as S;
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const branches = branchesOf(s);
  if (branches) return initialValue(branches[0]!);
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = isObject(s.properties) ? (s.properties as Record<string, S>) : {};
      const required = Array.isArray(s.required) ? (s.required as string[]) : [];
      for (const key of required) if (props[key]) out[key] = initialValue(props[key]);
      return out;
    }
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    default:
      return '';
  }
}

function checkValue(s: S, value: unknown, required: boolean): string | undefined {
  if (value === undefined || value === '') {
    return required && s.default === undefined ? 'is required' : undefined;
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength)
      return s.minLength === 1 ? 'must not be empty' : `must have at least ${s.minLength} characters`;
    if (typeof s.maxLength === 'number' && value.length > s.maxLength)
      return `must have at most ${s.maxLength} characters`;
    if (typeof s.pattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(s.pattern, 'u');
      } catch {
        re = undefined; // A pattern JavaScript cannot compile is left to the server.
      }
      if (re && !re.test(value))
        return typeof s['x-hint'] === 'string' ? `must be ${s['x-hint']}` : `must match ${s.pattern}`;
    }
  }
  if (typeof value === 'number') {
    if (s.type === 'integer' && !Number.isInteger(value)) return 'must be a whole number';
    if (typeof s.minimum === 'number' && value < s.minimum) return `must be at least ${s.minimum}`;
    if (typeof s.maximum === 'number' && value > s.maximum) return `must be at most ${s.maximum}`;
  }
  if (Array.isArray(value) && typeof s.minItems === 'number' && value.length < s.minItems)
    return s.minItems === 1 ? 'needs at least one row' : `needs at least ${s.minItems} rows`;
  return undefined;
}

interface Context {
  readonly pointer: string;
  readonly name: string;
  readonly required: boolean;
  /** Properties of an object not to render (the discriminator a union's select already shows). */
  readonly hide?: string;
}

/** Builds the form of `value` against `schema`. */
export function buildForm(schema: JsonSchema, value: unknown, pointer = '', name = ''): Field {
  return build(schema as S, value, { pointer, name, required: true });
}

function build(s: S, value: unknown, c: Context): Field {
  const base = {
    pointer: c.pointer,
    name: c.name,
    label: typeof s.title === 'string' && c.name !== '' ? s.title : c.name === '' ? '' : labelOf(c.name),
    ...(typeof s.description === 'string' ? { help: s.description } : {}),
    ...(typeof s['x-hint'] === 'string' ? { hint: s['x-hint'] } : {}),
    required: c.required,
    ...(s.default !== undefined ? { default: s.default } : {}),
    value,
    schema: s,
  };
  const error = checkValue(s, value, c.required);
  const withError = error ? { ...base, error } : base;

  if (s['x-secret']) return { ...withError, kind: 'secret-ref' };
  if (Array.isArray(s.enum)) {
    return { ...withError, kind: 'enum', options: s.enum.map((v) => ({ value: v, label: String(v) })) };
  }
  const branches = branchesOf(s);
  if (branches) return union(s, branches, value, withError, c);
  if (s.type === 'string') {
    if (s['x-expression']) return { ...withError, kind: 'expression' };
    if (s['x-code']) return { ...withError, kind: 'code' };
    if (s['x-widget'] === 'upstream-node') return { ...withError, kind: 'upstream-node' };
    if (s.format === 'canonical-ref') return { ...withError, kind: 'canonical-ref' };
    if (s.const !== undefined)
      return { ...withError, kind: 'enum', options: [{ value: s.const, label: String(s.const) }] };
    return { ...withError, kind: 'text' };
  }
  if (s.type === 'integer' || s.type === 'number' || s.type === 'boolean') return { ...withError, kind: s.type };
  if (s.type === 'array' && isObject(s.items) && (value === undefined || Array.isArray(value))) {
    const itemSchema = s.items as S;
    const rows = (value as unknown[] | undefined) ?? [];
    return {
      ...withError,
      kind: 'array',
      items: rows.map((v, i) =>
        build(itemSchema, v, { pointer: childPointer(c.pointer, i), name: String(i), required: true }),
      ),
      newItem: initialValue(itemSchema),
      minItems: typeof s.minItems === 'number' ? s.minItems : 0,
      ...(typeof s.maxItems === 'number' ? { maxItems: s.maxItems } : {}),
    };
  }
  // Objects with named properties get a sub-form; maps (patternProperties, free-form objects)
  // and values of the wrong shape are edited as JSON.
  if (typeOf(s) === 'object' && isObject(s.properties) && Object.keys(s.properties).length > 0) {
    if (value !== undefined && !isObject(value)) return { ...withError, kind: 'json' };
    const obj = value ?? {};
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const props = s.properties as Record<string, unknown>;
    // The catalog's keys are sorted alphabetically: required fields first reads better.
    const keys = [
      ...Object.keys(props).filter((k) => required.has(k)),
      ...Object.keys(props).filter((k) => !required.has(k)),
    ];
    const fields = keys
      .filter((key) => key !== c.hide && isObject(props[key]))
      .map((key) =>
        build(props[key] as S, obj[key], {
          pointer: childPointer(c.pointer, key),
          name: key,
          required: required.has(key),
        }),
      );
    return { ...withError, kind: 'object', fields };
  }
  return { ...withError, kind: 'json' };
}

function union(s: S, branches: S[], value: unknown, base: FieldBase, c: Context): Field {
  if (branches.every((b) => b.const !== undefined)) {
    return {
      ...base,
      kind: 'enum',
      options: branches.map((b) => ({
        value: b.const,
        label: typeof b.title === 'string' ? b.title : String(b.const),
      })),
    };
  }
  const discriminator = discriminatorOf(branches);
  const found = value === undefined ? -1 : branches.findIndex((b) => matches(b, value, discriminator));
  const selected = found >= 0 ? found : value === undefined ? 0 : -1;
  const labels = branches.map((b, i) => branchLabel(b, i, discriminator));
  const initials = branches.map((b) => {
    const v = initialValue(b);
    if (discriminator && isObject(v)) {
      return { ...v, [discriminator]: (b.properties as Record<string, S>)[discriminator]!.const };
    }
    return v;
  });
  // A value no branch accepts is shown as JSON, so the user can see and repair it.
  if (selected < 0) {
    return {
      ...base,
      kind: 'union',
      branches: labels.map((label, i) => ({ label, initial: initials[i] })),
      selected: -1,
      field: { ...base, kind: 'json', error: base.error ?? 'matches none of the options' },
    };
  }
  const branch = branches[selected]!;
  // The branch inherits the union's description (the branches' own are about the branch).
  const merged: S = { ...branch, ...(s.description !== undefined ? { description: s.description } : {}) };
  const field = build(merged, value, {
    ...c,
    ...(discriminator ? { hide: discriminator } : {}),
  });
  return {
    ...base,
    kind: 'union',
    branches: labels.map((label, i) => ({ label, initial: initials[i] })),
    selected,
    field,
  };
}

/** Every field of a form, depth first, the root included. */
export function allFields(field: Field): Field[] {
  const out: Field[] = [field];
  if (field.kind === 'object') for (const f of field.fields) out.push(...allFields(f));
  if (field.kind === 'array') for (const f of field.items) out.push(...allFields(f));
  if (field.kind === 'union') out.push(...allFields(field.field).slice(1));
  return out;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * A copy of `doc` with the value at `pointer` replaced; `undefined` removes an object property.
 * Missing objects on the way are created.
 */
export function setAtPointer(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  const put = (cur: unknown, i: number): unknown => {
    if (i === tokens.length) return value;
    const key = tokens[i]!;
    if (Array.isArray(cur)) {
      const copy = [...cur];
      copy[Number(key)] = put(cur[Number(key)], i + 1);
      return copy;
    }
    const obj = isObject(cur) ? { ...cur } : {};
    const next = put(obj[key], i + 1);
    if (next === undefined) delete obj[key];
    else obj[key] = next;
    return obj;
  };
  return put(doc, 0);
}

/**
 * Gives each problem to the deepest field whose pointer is a prefix of the problem's pointer, so
 * a problem about `/routes/0/when` shows next to that expression and one about `/routes` next to
 * the list. Problems matching no field are returned apart.
 */
export function assignProblems(
  fieldPointers: readonly string[],
  problems: readonly { pointer: string; message: string }[],
): { byField: Map<string, string[]>; rest: string[] } {
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  for (const p of problems) {
    let best: string | undefined;
    for (const f of fieldPointers) {
      if ((p.pointer === f || p.pointer.startsWith(f + '/')) && (best === undefined || f.length > best.length))
        best = f;
    }
    if (best === undefined) rest.push(p.message);
    else byField.set(best, [...(byField.get(best) ?? []), p.message]);
  }
  return { byField, rest };
}
