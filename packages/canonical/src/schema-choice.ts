import { check, createAjv, type Problem, type ValidateFunction } from '@millrace/schema';
import { isCanonicalRef } from './registry.ts';
import { validateCanonical } from './validate.ts';

/**
 * Checks a value against a schema choice as nodes and triggers configure it: a canonical
 * reference (`canonical:BatchCompletion@1`) or an inline JSON Schema. Inline schemas are compiled
 * once per schema object (configs are immutable per deployed flow version), so repeated checks
 * only validate.
 */
const compiled = new WeakMap<object, ValidateFunction>();
let ajv: ReturnType<typeof createAjv> | undefined;

export function checkSchemaChoice(schema: string | Readonly<Record<string, unknown>>, value: unknown): Problem[] {
  if (typeof schema === 'string') {
    return isCanonicalRef(schema)
      ? validateCanonical(schema, value)
      : [{ pointer: '', message: `the schema ${schema} is not known here` }];
  }
  let fn = compiled.get(schema);
  if (!fn) {
    // Users write these schemas: legal JSON Schema is enough, Millrace's own strictness is not asked.
    ajv ??= createAjv({ strict: false, formats: { 'canonical-ref': isCanonicalRef } });
    fn = ajv.compile(schema as Record<string, unknown>);
    compiled.set(schema, fn);
  }
  return check(fn, value);
}
