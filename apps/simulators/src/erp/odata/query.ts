import { etagOf, toWire, type Row } from './edm.ts';
import { badRequest } from './errors.ts';
import { matches, parseFilter, type Expr } from './filter.ts';
import { setOf, type EntitySetDef, type OpCtx, type ServiceDef } from './model.ts';

/** Query options of a read, checked against the entity set. */
export interface QueryOptions {
  readonly filter?: Expr;
  readonly select?: SelectTree;
  readonly expand: ExpandTree;
  readonly orderby: ReadonlyArray<{ readonly prop: string; readonly desc: boolean }>;
  readonly top?: number;
  readonly skip: number;
  readonly skiptoken?: number;
  readonly inlinecount: boolean;
}

/** `$select=A,B,to_X/C` → { A, B, to_X: { C } }; undefined below a name means "all of it". */
export type SelectTree = Map<string, SelectTree | undefined>;
export type ExpandTree = Map<string, ExpandTree>;

const SYSTEM = new Set([
  '$filter',
  '$select',
  '$expand',
  '$orderby',
  '$top',
  '$skip',
  '$skiptoken',
  '$inlinecount',
  '$format',
  'sap-client',
  'sap-language',
  'search',
]);

export function parseQuery(q: URLSearchParams, set: EntitySetDef, service: ServiceDef): QueryOptions {
  for (const name of q.keys()) {
    if (name.startsWith('$') && !SYSTEM.has(name)) throw badRequest(`System query option '${name}' is not supported`);
  }
  const format = q.get('$format');
  if (format !== null && format !== 'json')
    throw badRequest(`$format=${format} is not supported by the simulator; use $format=json`);
  const filterText = q.get('$filter');
  const inline = q.get('$inlinecount');
  if (inline !== null && inline !== 'allpages' && inline !== 'none')
    throw badRequest(`$inlinecount must be allpages or none, not '${inline}'`);
  const skiptoken = q.get('$skiptoken');
  return {
    ...(filterText !== null && filterText.trim() !== '' ? { filter: parseFilter(filterText, set.props) } : {}),
    ...(q.get('$select') ? { select: parseSelect(q.get('$select')!, set, service) } : {}),
    expand: parseExpand(q.get('$expand') ?? '', set, service),
    orderby: parseOrderby(q.get('$orderby') ?? '', set),
    ...(q.get('$top') !== null ? { top: whole(q.get('$top')!, '$top') } : {}),
    skip: q.get('$skip') !== null ? whole(q.get('$skip')!, '$skip') : 0,
    ...(skiptoken !== null ? { skiptoken: whole(skiptoken, '$skiptoken') } : {}),
    inlinecount: inline === 'allpages',
  };
}

function whole(text: string, option: string): number {
  if (!/^\d{1,9}$/.test(text)) throw badRequest(`${option} must be a whole number ≥ 0, not '${text}'`);
  return Number(text);
}

function parseSelect(text: string, set: EntitySetDef, service: ServiceDef): SelectTree {
  const tree: SelectTree = new Map();
  for (const raw of text.split(',')) {
    const path = raw.trim();
    if (path === '*' || path === '') continue;
    let node = tree;
    let current: EntitySetDef = set;
    const parts = path.split('/');
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      if (current.props[part] && last) {
        node.set(part, undefined);
        break;
      }
      const nav = current.navs?.[part];
      if (!nav) throw badRequest(`Invalid $select: property '${part}' does not exist on ${current.entityType}`, part);
      if (last) {
        node.set(part, undefined);
        break;
      }
      let child = node.get(part);
      if (!child) {
        child = new Map();
        node.set(part, child);
      }
      node = child;
      current = setOf(service, nav.target)!;
    }
  }
  return tree;
}

function parseExpand(text: string, set: EntitySetDef, service: ServiceDef): ExpandTree {
  const tree: ExpandTree = new Map();
  for (const raw of text.split(',')) {
    const path = raw.trim();
    if (path === '') continue;
    let node = tree;
    let current = set;
    for (const part of path.split('/')) {
      const nav = current.navs?.[part];
      if (!nav)
        throw badRequest(
          `Invalid $expand: navigation property '${part}' does not exist on ${current.entityType}`,
          part,
        );
      let child = node.get(part);
      if (!child) {
        child = new Map();
        node.set(part, child);
      }
      node = child;
      current = setOf(service, nav.target)!;
    }
  }
  return tree;
}

function parseOrderby(text: string, set: EntitySetDef): QueryOptions['orderby'] {
  const out: Array<{ prop: string; desc: boolean }> = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?$/.exec(item);
    if (!m) throw badRequest(`Invalid $orderby item '${item}': expected "Property [asc|desc]"`);
    if (!set.props[m[1]!]) throw badRequest(`Invalid $orderby: property '${m[1]}' does not exist`, m[1]);
    out.push({ prop: m[1]!, desc: m[2] === 'desc' });
  }
  return out;
}

export interface Page {
  readonly rows: Row[];
  readonly count: number;
  /** The $skiptoken of the next page, when the server page size cut the result. */
  readonly nextToken?: number;
}

/** Filter, sort, count and page a collection. `pageSize` is the server's limit per answer. */
export function runQuery(rows: readonly Row[], set: EntitySetDef, q: QueryOptions, pageSize: number): Page {
  let out = q.filter ? rows.filter((r) => matches(q.filter!, r, set.normalize)) : [...rows];
  if (q.orderby.length > 0) {
    out.sort((a, b) => {
      for (const { prop, desc } of q.orderby) {
        const c = compareValues(a[prop], b[prop], set.props[prop]!.type);
        if (c !== 0) return desc ? -c : c;
      }
      return 0;
    });
  }
  const count = out.length;
  const end = q.top === undefined ? count : Math.min(count, q.skip + q.top);
  const start = q.skiptoken ?? q.skip;
  const stop = Math.min(end, start + pageSize);
  out = out.slice(start, stop);
  return { rows: out, count, ...(stop < end ? { nextToken: stop } : {}) };
}

function compareValues(a: unknown, b: unknown, type: string): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (type === 'Edm.Decimal' || type === 'Edm.Double') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** `('1000123')` or `(Material='M',Plant='P100')`, as in __metadata.uri. */
export function keyText(set: EntitySetDef, row: Row): string {
  const lit = (k: string) => {
    const v = row[k];
    const t = set.props[k]?.type;
    if (t === 'Edm.DateTime') return `datetime'${new Date(Number(v)).toISOString().slice(0, 19)}'`;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return `'${encodeURIComponent(String(v ?? '')).replaceAll("'", "''")}'`;
  };
  if (set.keys.length === 1) return `(${lit(set.keys[0]!)})`;
  return `(${set.keys.map((k) => `${k}=${lit(k)}`).join(',')})`;
}

export function etagFor(set: EntitySetDef, row: Row): string | undefined {
  if (!set.etagProp) return undefined;
  const ms = row[set.etagProp];
  return typeof ms === 'number' ? etagOf(ms) : undefined;
}

export interface SerializeCtx {
  readonly service: ServiceDef;
  /** The service root URL with a trailing slash. */
  readonly root: string;
  readonly op: OpCtx;
}

/** One row in V2 JSON: __metadata, the selected properties, expanded or deferred navigations. */
export function serialize(
  row: Row,
  set: EntitySetDef,
  sx: SerializeCtx,
  select: SelectTree | undefined,
  expand: ExpandTree,
): Row {
  const shown = set.present ? set.present(row) : row;
  const uri = `${sx.root}${set.name}${keyText(set, shown)}`;
  const etag = etagFor(set, row);
  const out: Row = {
    __metadata: { id: uri, uri, type: `${sx.service.name}.${set.entityType}`, ...(etag ? { etag } : {}) },
  };
  for (const [name, def] of Object.entries(set.props)) {
    if (select && !select.has(name)) continue;
    out[name] = toWire(shown[name], def.type);
  }
  for (const [name, nav] of Object.entries(set.navs ?? {})) {
    const sub = expand.get(name);
    if (!sub) {
      if (!select || select.has(name)) out[name] = { __deferred: { uri: `${uri}/${name}` } };
      continue;
    }
    const target = setOf(sx.service, nav.target)!;
    const subSelect = select?.get(name);
    const value = nav.get(row, sx.op);
    if (nav.many) {
      const list = Array.isArray(value) ? value : [];
      out[name] = { results: list.map((r) => serialize(r, target, sx, subSelect, sub)) };
    } else {
      const one = Array.isArray(value) ? value[0] : value;
      out[name] = one ? serialize(one, target, sx, subSelect, sub) : null;
    }
  }
  return out;
}
