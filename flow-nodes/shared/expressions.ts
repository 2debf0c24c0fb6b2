import { InternalError, type CodeRunner } from '@millrace/node-sdk';

/**
 * Evaluates a step's expressions in one sandbox call and checks the answer has one value per
 * expression. One module for every node that fills templates or fields from expressions, so
 * that they all refuse a malformed sandbox answer the same way.
 */
export async function evaluateAll(code: CodeRunner, expressions: readonly string[]): Promise<unknown[]> {
  if (expressions.length === 0) return [];
  const text = await code.evaluate(expressions);
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    values = undefined;
  }
  if (!Array.isArray(values) || values.length !== expressions.length) {
    throw new InternalError(
      'SANDBOX_BAD_RESULT',
      `The sandbox answered ${expressions.length} expressions with something other than ${expressions.length} values.`,
    );
  }
  return values;
}

/**
 * A value as an error message names it: short strings quoted, long ones cut, numbers and
 * booleans as they are, anything else by its kind ("an object", "an array", "null").
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (value === '') return 'an empty string';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The text a template part ({{expression}} in a path or topic) becomes: strings as they are,
 * numbers and booleans as written; undefined for anything else, which the caller refuses.
 */
export function partText(value: unknown): string | undefined {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;
}
