import { ODataError, parseFilter, type PropertyType, type Row } from './test-server-query.ts';

/**
 * Test support: the entity sets of the SAP test server. Rows are kept in V2 wire form (dates as
 * "/Date(ms)/", decimals as strings), so what the server sends is what real SAP sends, and what
 * a client writes is checked against the same form.
 */

export interface EntitySetSpec {
  readonly keys: readonly string[];
  /**
   * Property types. Needed for V2's string forms (datetime, decimal) and for a set seeded empty;
   * the type of any other property follows its seeded values.
   */
  readonly types?: Readonly<Record<string, PropertyType>>;
  /** Navigation properties: a row holds their data; without $expand they are sent __deferred. */
  readonly navigations?: readonly string[];
  readonly rows?: readonly Row[];
  /**
   * Runs on a POSTed row after its properties are checked and before it is stored: fills in the
   * keys the server assigns (a material document number) and applies business rules (a goods
   * movement moves stock). It may throw an ODataError; then nothing is stored.
   */
  readonly onInsert?: (row: Row) => Row;
  /** Key fields whose initial value is "" (Supplier of own stock, say): empty is not missing there. */
  readonly emptyKeys?: readonly string[];
}

export interface Stored {
  row: Row;
  /** Bumped by every change; the ETag is made from it. */
  version: number;
}

const V2_DATE = /^\/Date\(-?\d+([+-]\d{4})?\)\/$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

export class EntitySet {
  readonly #rows = new Map<string, Stored>();
  readonly #types = new Map<string, PropertyType>();

  constructor(
    readonly service: string,
    readonly name: string,
    readonly spec: EntitySetSpec,
  ) {
    for (const [field, type] of Object.entries(spec.types ?? {})) this.#types.set(field, type);
    for (const row of spec.rows ?? []) {
      for (const [field, value] of Object.entries(row)) {
        if (!this.#types.has(field) && !spec.navigations?.includes(field) && value !== null)
          this.#types.set(
            field,
            typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string',
          );
      }
      this.#check(row);
      this.#rows.set(this.keyText(row), { row: { ...row }, version: 1 });
    }
  }

  typeOf(field: string): PropertyType | undefined {
    return this.#types.get(field);
  }

  keyText(row: Row): string {
    return JSON.stringify(this.spec.keys.map((k) => row[k]));
  }

  get(key: Row): Stored | undefined {
    return this.#rows.get(this.keyText(key));
  }

  /** The stored row for a key, or the 404 SAP gives. */
  find(key: Row): Stored {
    const stored = this.get(key);
    if (!stored) throw new ODataError(404, '/IWBEP/CM_MGW_RT/020', `Resource not found for segment '${this.name}'.`);
    return stored;
  }

  all(): Stored[] {
    return [...this.#rows.values()];
  }

  insert(posted: Row): Stored {
    this.#check(posted);
    const row = this.spec.onInsert ? this.spec.onInsert(posted) : posted;
    if (row !== posted) this.#check(row);
    for (const k of this.spec.keys) {
      if (row[k] === undefined || row[k] === null || (row[k] === '' && !this.spec.emptyKeys?.includes(k)))
        throw new ODataError(400, 'SIM/001', `Key field ${k} is missing.`);
    }
    if (this.get(row)) throw new ODataError(400, 'SIM/002', `${this.name} ${this.keyText(row)} already exists.`);
    const stored = { row: { ...row }, version: 1 };
    this.#rows.set(this.keyText(row), stored);
    return stored;
  }

  update(stored: Stored, changes: Row): void {
    this.#check(changes);
    for (const k of this.spec.keys) {
      if (k in changes && changes[k] !== stored.row[k])
        throw new ODataError(400, 'SIM/003', `Key field ${k} cannot be changed.`);
    }
    Object.assign(stored.row, changes);
    stored.version++;
  }

  delete(stored: Stored): void {
    this.#rows.delete(this.keyText(stored.row));
  }

  /** Wire form of typed properties, and no unknown properties (Gateway refuses those too). */
  #check(row: Row): void {
    for (const [field, value] of Object.entries(row)) {
      if (field === '__metadata' || this.spec.navigations?.includes(field)) continue;
      const type = this.#types.get(field);
      if (!type) throw new ODataError(400, '/IWBEP/CM_MGW_RT/021', `Property '${field}' is invalid.`);
      if (value === null) continue;
      const wrong =
        (type === 'datetime' && !(typeof value === 'string' && V2_DATE.test(value))) ||
        (type === 'decimal' && !(typeof value === 'string' && DECIMAL.test(value))) ||
        (type === 'string' && typeof value !== 'string') ||
        (type === 'number' && typeof value !== 'number') ||
        (type === 'boolean' && typeof value !== 'boolean');
      if (wrong)
        throw new ODataError(
          400,
          '/IWBEP/CM_MGW_RT/022',
          `Invalid value ${JSON.stringify(value)} for property '${field}'.`,
        );
    }
  }
}

/** A weak ETag in the form S/4 uses for entities with a change timestamp. */
export function etagOf(stored: Stored): string {
  const at = new Date(Date.UTC(2024, 0, 1) + stored.version * 1000).toISOString().replace(/\.000Z$/, 'Z');
  return `W/"datetimeoffset'${at.replaceAll(':', '%3A')}'"`;
}

/** `A_ProductionOrder_2('1000123')`, as in __metadata.uri. */
export function keyPath(set: EntitySet, row: Row): string {
  const lit = (v: unknown) => (typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v));
  const keys = set.spec.keys;
  const inner = keys.length === 1 ? lit(row[keys[0]!]) : keys.map((k) => `${k}=${lit(row[k])}`).join(',');
  return `${set.name}(${encodeURIComponent(inner)})`;
}

/** One entity as V2 JSON: __metadata, $select applied, navigations deferred unless expanded. */
export function entityJson(
  set: EntitySet,
  stored: Stored,
  serviceUrl: string,
  options: { select?: readonly string[]; expand?: readonly string[] } = {},
): Row {
  const uri = `${serviceUrl}/${keyPath(set, stored.row)}`;
  const out: Row = {
    __metadata: { id: uri, uri, type: `${set.service}.${set.name}Type`, etag: etagOf(stored) },
  };
  const selected = options.select?.length && !options.select.includes('*') ? new Set(options.select) : undefined;
  for (const [field, value] of Object.entries(stored.row)) {
    if (selected && !selected.has(field) && !set.spec.keys.includes(field)) continue;
    if (set.spec.navigations?.includes(field)) {
      out[field] = options.expand?.includes(field) ? value : { __deferred: { uri: `${uri}/${field}` } };
    } else out[field] = value;
  }
  return out;
}

/** $filter, $orderby, $skip and $top over a set; paging is the caller's. */
export function queryRows(set: EntitySet, params: URLSearchParams): Stored[] {
  let rows = set.all();
  const filter = params.get('$filter');
  if (filter) {
    const matches = parseFilter(filter, (f) => set.typeOf(f));
    rows = rows.filter((s) => matches(s.row));
  }
  const orderby = params.get('$orderby');
  if (orderby) {
    const keys = orderby.split(',').map((part) => {
      const [field = '', dir = 'asc'] = part.trim().split(/\s+/);
      if (!set.typeOf(field)) throw new ODataError(400, '/IWBEP/CM_MGW_RT/006', `Property ${field} not found.`);
      return { field, sign: dir === 'desc' ? -1 : 1, numeric: set.typeOf(field) === 'decimal' };
    });
    rows = [...rows].sort((a, b) => {
      for (const { field, sign, numeric } of keys) {
        const x = numeric ? Number(a.row[field]) : (a.row[field] as string | number);
        const y = numeric ? Number(b.row[field]) : (b.row[field] as string | number);
        if (x !== y) return (x < y ? -1 : 1) * sign;
      }
      return 0;
    });
  }
  const skip = wholeNumber(params.get('$skip'), '$skip') ?? 0;
  const top = wholeNumber(params.get('$top'), '$top');
  return rows.slice(skip, top === undefined ? undefined : skip + top);
}

function wholeNumber(text: string | null, option: string): number | undefined {
  if (text === null) return undefined;
  if (!/^\d+$/.test(text)) throw new ODataError(400, '/IWBEP/CM_MGW_RT/006', `Invalid ${option} "${text}".`);
  return Number(text);
}
