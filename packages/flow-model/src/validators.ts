import { isCanonicalRef } from '@millrace/canonical';
import { createAjv, type Ajv, type ValidateFunction } from '@millrace/schema';
import { FlowSchema } from './flow-schema.ts';
import { PackManifestSchema } from './pack-schema.ts';
import { ProfileSchema } from './profile-schema.ts';

let shared: Ajv | undefined;

/** One ajv for all of flow-model: compiled validators are cached per schema object. */
export function ajv(): Ajv {
  shared ??= createAjv({ formats: { 'canonical-ref': (v) => isCanonicalRef(v) } });
  return shared;
}

const cache = new WeakMap<object, ValidateFunction>();

/** Compiles a schema once; later calls with the same object reuse the compiled function. */
export function compiled(schema: object): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv().compile(JSON.parse(JSON.stringify(schema)) as object);
    cache.set(schema, fn);
  }
  return fn;
}

let lenient: Ajv | undefined;
const userCache = new WeakMap<object, ValidateFunction>();

/**
 * Compiles a schema a user wrote (a flow's params): legal JSON Schema is enough, without the
 * strict mode Millrace applies to its own schemas.
 */
export function compiledUserSchema(schema: object): ValidateFunction {
  let fn = userCache.get(schema);
  if (!fn) {
    lenient ??= createAjv({ strict: false, formats: { 'canonical-ref': (v) => isCanonicalRef(v) } });
    fn = lenient.compile(JSON.parse(JSON.stringify(schema)) as object);
    userCache.set(schema, fn);
  }
  return fn;
}

export const flowValidator = (): ValidateFunction => compiled(FlowSchema);
export const profileValidator = (): ValidateFunction => compiled(ProfileSchema);
export const packValidator = (): ValidateFunction => compiled(PackManifestSchema);
