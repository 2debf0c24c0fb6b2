import { DataError, InternalError, type CodeRunner } from '@millrace/node-sdk';
import { describeValue } from '../shared/expressions.ts';
import {
  keyPredicate,
  renderFilter,
  type Condition,
  type FilterOp,
  type LiteralType,
  type TypedValue,
} from '../connections/sap-odata-v2/query.ts';

/**
 * Collects every expression of a step's config into one list, so the sandbox is entered once per
 * step, and turns the values back into keys, filters, parameters, bodies and ETags, failing
 * with a DataError that names the expression when a value cannot be used.
 */

/** A config value: an expression, or an expression with its OData type. */
export type ValueConfig = string | { readonly value: string; readonly type: LiteralType };

interface Slot {
  readonly index: number;
  readonly expression: string;
  readonly type?: LiteralType;
}

export class ExpressionPlan {
  readonly expressions: string[] = [];

  slot(config: ValueConfig): Slot {
    const expression = typeof config === 'string' ? config : config.value;
    const index = this.expressions.push(expression) - 1;
    return typeof config === 'string' ? { index, expression } : { index, expression, type: config.type };
  }

  /** Evaluates every expression in one sandbox call. */
  async evaluate(code: CodeRunner): Promise<Values> {
    if (this.expressions.length === 0) return new Values([]);
    const text = await code.evaluate(this.expressions);
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch {
      values = undefined;
    }
    if (!Array.isArray(values) || values.length !== this.expressions.length) {
      throw new InternalError(
        'SANDBOX_BAD_RESULT',
        `The sandbox answered ${this.expressions.length} expressions with something other than ${this.expressions.length} values.`,
      );
    }
    return new Values(values as unknown[]);
  }
}

export class Values {
  constructor(private readonly values: readonly unknown[]) {}

  get(slot: Slot): unknown {
    return this.values[slot.index];
  }

  /** The value, wrapped with its type when the config gave one. */
  typed(slot: Slot): unknown {
    const value = this.get(slot);
    return slot.type === undefined ? value : ({ value, type: slot.type } satisfies TypedValue);
  }
}

export type KeyPlan =
  | { readonly kind: 'single'; readonly slot: Slot }
  | { readonly kind: 'fields'; readonly fields: ReadonlyArray<readonly [string, Slot]> };

export function planKey(plan: ExpressionPlan, key: string | Readonly<Record<string, ValueConfig>>): KeyPlan {
  if (typeof key === 'string') return { kind: 'single', slot: plan.slot(key) };
  return { kind: 'fields', fields: Object.entries(key).map(([field, v]) => [field, plan.slot(v)] as const) };
}

/** The key for the client, checked here so the error names the expression that gave it. */
export function resolveKey(key: KeyPlan, values: Values, entitySet: string): unknown {
  const resolved =
    key.kind === 'single'
      ? values.get(key.slot)
      : Object.fromEntries(key.fields.map(([field, slot]) => [field, values.typed(slot)]));
  const predicate = keyPredicate(resolved);
  if (!predicate.ok) {
    const expression =
      key.kind === 'single' ? key.slot.expression : key.fields.map(([f, s]) => `${f}: ${s.expression}`).join(', ');
    throw new DataError('SAP_KEY_VALUE', `The key of ${entitySet} (${expression}) ${predicate.problem}.`, {
      details: { entitySet, expression },
    });
  }
  return resolved;
}

export interface ConditionConfig {
  readonly field: string;
  readonly op?: string;
  readonly value: string;
  readonly type?: LiteralType;
}

export type FilterPlan = ReadonlyArray<{ readonly condition: ConditionConfig; readonly slot: Slot }>;

export function planFilter(plan: ExpressionPlan, conditions: readonly ConditionConfig[]): FilterPlan {
  return conditions.map((condition) => ({ condition, slot: plan.slot(condition.value) }));
}

/** $filter text with every value an escaped literal. */
export function resolveFilter(filter: FilterPlan, values: Values): string {
  const conditions: Condition[] = filter.map(({ condition, slot }) => ({
    field: condition.field,
    op: (condition.op ?? 'eq') as FilterOp,
    value: values.get(slot),
    ...(condition.type ? { type: condition.type } : {}),
  }));
  const rendered = renderFilter(conditions);
  if (rendered.ok) return rendered.text;
  const { condition, slot } = filter[rendered.index]!;
  throw new DataError(
    'SAP_FILTER_VALUE',
    `The filter value for ${condition.field} (${slot.expression}) ${rendered.problem}.`,
    { details: { field: condition.field, expression: slot.expression, index: rendered.index } },
  );
}

/** A create or patch body: a JSON object, or a DataError saying what it was instead. */
export function checkBody(body: unknown, source: string): Record<string, unknown> {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  throw new DataError('SAP_BODY_VALUE', `The body (${source}) is ${describeValue(body)}; it needs an object.`, {
    details: { source },
  });
}

export function checkEtag(value: unknown, expression: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new DataError(
    'SAP_ETAG_VALUE',
    `The etag (${expression}) is ${describeValue(value)}; leave etag out to let SAP's 428 decide, or give the ETag read earlier.`,
    { details: { expression } },
  );
}
