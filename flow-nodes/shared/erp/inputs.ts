import { InternalError, type CodeRunner } from '@millrace/node-sdk';
import { decimalString } from '../../connections/sap-odata-v2/convert.ts';
import { isQuantity, isZero } from './decimal.ts';
import { inputError } from './errors.ts';

/**
 * The expressions of a business node's config, evaluated in one sandbox call, and read back as
 * the typed values the node needs. A value that cannot be used fails the step with a DataError
 * (ERP_INPUT_INVALID) naming the config field and its expression, before anything is sent to
 * the ERP: a missing batch is bad data on the error port, never a crash or a half-done posting.
 */
export class Inputs<F extends string> {
  private constructor(
    private readonly expressions: Readonly<Partial<Record<F, string>>>,
    private readonly values: ReadonlyMap<F, unknown>,
  ) {}

  static async evaluate<F extends string>(
    code: CodeRunner,
    expressions: Readonly<Partial<Record<F, string | undefined>>>,
  ): Promise<Inputs<F>> {
    const fields = (Object.keys(expressions) as F[]).filter((f) => expressions[f] !== undefined);
    const given = Object.fromEntries(fields.map((f) => [f, expressions[f]])) as Partial<Record<F, string>>;
    if (fields.length === 0) return new Inputs(given, new Map());
    const text = await code.evaluate(fields.map((f) => given[f]!));
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch {
      values = undefined;
    }
    if (!Array.isArray(values) || values.length !== fields.length)
      throw new InternalError(
        'SANDBOX_BAD_RESULT',
        `The sandbox answered ${fields.length} expressions with something other than ${fields.length} values.`,
      );
    return new Inputs(given, new Map(fields.map((f, i) => [f, (values as unknown[])[i]])));
  }

  /** The raw value; undefined when the field has no expression or it gave null. */
  raw(field: F): unknown {
    const value = this.values.get(field);
    return value === null ? undefined : value;
  }

  /** A non-empty string (a number is taken as its text), trimmed; checked against `pattern`. */
  text(field: F, rule: { pattern?: RegExp; hint?: string } = {}): string {
    const value = this.optionalText(field, rule);
    if (value === undefined) throw this.fail(field, `${this.says(field)}; it needs a value`);
    return value;
  }

  optionalText(field: F, rule: { pattern?: RegExp; hint?: string } = {}): string | undefined {
    const value = this.raw(field);
    if (value === undefined) return undefined;
    const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
    if (typeof text !== 'string') throw this.fail(field, `${this.says(field)}; it needs a string`);
    const trimmed = text.trim();
    if (trimmed === '') return undefined;
    if (rule.pattern && !rule.pattern.test(trimmed))
      throw this.fail(field, `is "${trimmed}", which is not ${rule.hint ?? `of the form ${String(rule.pattern)}`}`);
    return trimmed;
  }

  /** A quantity greater than zero, as a decimal string: "480.000", 480 or { value: "480.000" }. */
  optionalQuantity(field: F): string | undefined {
    let value = this.raw(field);
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'value' in value)
      value = (value as { value: unknown }).value;
    if (value === undefined || value === null) return undefined;
    const text = typeof value === 'number' && Number.isFinite(value) && value >= 0 ? decimalString(value) : value;
    if (!isQuantity(text) || isZero(text))
      throw this.fail(field, `${this.says(field)}; it needs a quantity greater than zero, such as "480.000"`);
    return text;
  }

  /** The uom of a quantity given as { value, uom }, when the config has no uom of its own. */
  uomOf(field: F): string | undefined {
    const value = this.raw(field);
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'uom' in value) {
      const uom = (value as { uom: unknown }).uom;
      return typeof uom === 'string' && uom !== '' ? uom : undefined;
    }
    return undefined;
  }

  fail(field: F, problem: string) {
    return inputError(field, this.expressions[field], problem);
  }

  private says(field: F): string {
    const value = this.values.get(field);
    // The sandbox answers in JSON, where undefined becomes null: both mean the value is not there.
    if (value === undefined || value === null) return 'is missing';
    if (value === '') return 'is an empty string';
    if (typeof value === 'string') return `is "${value}"`;
    if (typeof value === 'number' || typeof value === 'boolean') return `is ${String(value)}`;
    return Array.isArray(value) ? 'is an array' : 'is an object';
  }
}
