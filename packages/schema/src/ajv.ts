import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { toProblems, type ProblemOptions } from './ajv-problems.ts';
import { sortProblems, type Problem } from './problem.ts';

export type { ErrorObject, ValidateFunction };
export type Ajv = InstanceType<typeof Ajv2020>;

/**
 * Annotation keywords Millrace puts into its schemas. They change no validation result; the
 * designer and the error messages read them.
 * - `x-hint`: what a valid value looks like, in plain words ("a slug such as batch-release").
 * - `x-secret`: the field holds a secret reference `{ "secret": "NAME" }`, never a value.
 * - `x-expression`: the string is a JavaScript expression run in the sandbox.
 * - `x-code`: the string is code in the named language, edited in Monaco.
 * - `x-widget`: a hint for the designer's form ("textarea", "cron", …).
 */
export const ANNOTATION_KEYWORDS = ['x-hint', 'x-secret', 'x-expression', 'x-code', 'x-widget'] as const;

export interface CreateAjvOptions {
  /**
   * Strict mode refuses schemas with unknown keywords or `required` fields not in `properties`.
   * Right for Millrace's own schemas; wrong for schemas users write (flow params, inline
   * payload schemas), which are legal JSON Schema even when loose. @default true
   */
  readonly strict?: boolean;
  /** Extra string formats, e.g. `canonical-ref`, checked by the given function. */
  readonly formats?: Readonly<Record<string, (value: string) => boolean>>;
}

/** An ajv instance for JSON Schema 2020-12 with every error reported, formats and our annotations. */
export function createAjv(options: CreateAjvOptions = {}): Ajv {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: options.strict ?? true,
    strictTypes: false,
    allowUnionTypes: true,
  });
  addFormats(ajv);
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword });
  for (const [name, check] of Object.entries(options.formats ?? {})) {
    ajv.addFormat(name, { type: 'string', validate: check });
  }
  return ajv;
}

/** Validates and returns problems in plain words, ordered by place, pointers prefixed with `basePointer`. */
export function check(
  validate: ValidateFunction,
  value: unknown,
  basePointer = '',
  options: ProblemOptions = {},
): Problem[] {
  if (validate(value)) return [];
  return sortProblems(toProblems(validate.errors ?? [], value, basePointer, options));
}
