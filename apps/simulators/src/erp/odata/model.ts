import type { PropDef, Row } from './edm.ts';
import type { Normalizers } from './filter.ts';

/**
 * How a service is described to the generic OData engine: entity sets over the store, with
 * their properties (for serialization, $filter, $metadata and body checks), navigations and
 * write handlers, plus function imports. Handlers throw ODataError for business refusals.
 */

/** Who is calling and when: the virtual clock, the authenticated user, the request headers. */
export interface OpCtx {
  readonly now: number;
  readonly user: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface NavDef {
  /** The target entity set, in the same service. */
  readonly target: string;
  readonly many: boolean;
  get(row: Row, op: OpCtx): Row[] | Row | undefined;
}

export interface EntitySetDef {
  readonly name: string;
  /** The EntityType name, e.g. A_ProductionOrder_2Type. */
  readonly entityType: string;
  readonly keys: readonly string[];
  readonly props: Readonly<Record<string, PropDef>>;
  readonly navs?: Readonly<Record<string, NavDef>>;
  /** A property (or hidden `_field`) with the change time in ms; the ETag is derived from it. */
  readonly etagProp?: string;
  /** Conversion exits: how a key or filter value is brought into the stored form (leading zeros). */
  readonly normalize?: Normalizers;
  list(op: OpCtx): Row[];
  /** Rewrites a row just before it is sent (the leading-zero mismatch mode). */
  present?(row: Row): Row;
  /** POST: the body (checked against props; navigations raw) → the created row. */
  create?(body: Row, op: OpCtx): Row;
  /** PATCH/MERGE/PUT: apply the (checked) changes to the row. */
  update?(row: Row, changes: Row, op: OpCtx): void;
  remove?(row: Row, op: OpCtx): void;
}

export interface ParamDef extends PropDef {
  readonly optional?: boolean;
}

export interface FunctionDef {
  readonly name: string;
  readonly httpMethod: 'GET' | 'POST';
  readonly params: Readonly<Record<string, ParamDef>>;
  /** The entity set of the result. */
  readonly returns?: { readonly set: string; readonly many?: boolean };
  run(params: Row, op: OpCtx): Row | Row[] | undefined;
}

export interface ServiceDef {
  /** API_PRODUCTION_ORDER_2_SRV */
  readonly name: string;
  readonly sets: readonly EntitySetDef[];
  readonly functions: readonly FunctionDef[];
}

export function setOf(service: ServiceDef, name: string): EntitySetDef | undefined {
  return service.sets.find((s) => s.name === name);
}
