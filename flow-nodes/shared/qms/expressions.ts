import type { CodeRunner } from '@millrace/node-sdk';
import { evaluateAll } from '../expressions.ts';

/**
 * Evaluates every expression of a step in one sandbox call (entering the sandbox costs more
 * than evaluating a field access) and hands the values back by field name.
 *
 * `fields` maps a config field to its expression; fields without one are left out. `extra`
 * holds expressions planned elsewhere (topic parts); their values come back in `extraValues`
 * in the same order. JSON has no `undefined`: a value the sandbox could not express comes back
 * as `null`, and callers treat both as "not given".
 */
export async function evaluateFields<K extends string>(
  code: CodeRunner,
  fields: Readonly<Record<K, string | undefined>>,
  extra: readonly string[] = [],
): Promise<{ values: Record<K, unknown>; extraValues: unknown[] }> {
  const names = (Object.keys(fields) as K[]).filter((k) => fields[k] !== undefined);
  const expressions = [...names.map((k) => fields[k]!), ...extra];
  const all = await evaluateAll(code, expressions);
  const values = {} as Record<K, unknown>;
  names.forEach((name, i) => (values[name] = all[i]));
  return { values, extraValues: all.slice(names.length) };
}
