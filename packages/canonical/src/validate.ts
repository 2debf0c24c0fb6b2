/** Validation against the registry, with problems in plain words and pointers into the value. */
import {
  createAjv,
  joinPointer,
  sortProblems,
  toProblems,
  type ErrorObject,
  type Problem,
  type ValidateFunction,
} from '@millrace/schema';
import { explainUnknownRef, resolveCanonicalRef, type CanonicalSchemaEntry } from './registry.ts';

const ajv = createAjv();

const compiled = new Map<string, ValidateFunction>();

export function validatorFor(entry: CanonicalSchemaEntry): ValidateFunction {
  let validate = compiled.get(entry.ref);
  if (!validate) {
    validate = ajv.compile(entry.schema);
    compiled.set(entry.ref, validate);
  }
  return validate;
}

/**
 * Runs a validator and words its errors. Two kinds of ajv error are reworded here: a failed
 * `if`/`then` says only "must match then schema" next to the error that matters (the missing
 * field), so it is dropped; a bad property name is reported at the property itself.
 */
export function problemsOf(validate: ValidateFunction, value: unknown, basePointer = ''): Problem[] {
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  const own: Problem[] = [];
  const rest: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    if ('propertyName' in e) continue; // the inner error of a propertyNames failure
    if (e.keyword === 'propertyNames') {
      const name = String((e.params as { propertyName?: unknown }).propertyName);
      const hint = ((e.parentSchema as { propertyNames?: Record<string, unknown> } | undefined)?.propertyNames ?? {})[
        'x-hint'
      ];
      own.push({
        pointer: basePointer + joinPointer(e.instancePath, name),
        message: `is not a known field here; a field name here must be ${typeof hint === 'string' ? hint : 'a valid name'}`,
      });
      continue;
    }
    rest.push(e);
  }
  return sortProblems([...own, ...toProblems(rest, value, basePointer)]);
}

/**
 * Checks `value` against the canonical schema `ref` names. Returns [] when it is valid. Throws
 * for a reference that does not resolve: that is a bug in the flow, not bad data.
 */
export function validateCanonical(ref: string, value: unknown): Problem[] {
  const entry = resolveCanonicalRef(ref);
  if (!entry) throw new Error(explainUnknownRef(ref));
  return problemsOf(validatorFor(entry), value);
}
