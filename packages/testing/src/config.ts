import { isCanonicalRef } from '@millrace/canonical';
import { ValidationError, type NodeSpec } from '@millrace/node-sdk';
import { check, createAjv, type Ajv, type ValidateFunction } from '@millrace/schema';

let ajv: Ajv | undefined;
const validators = new WeakMap<object, ValidateFunction>();

/**
 * Checks a node config against the node's own config schema, as publishing a flow would, so a
 * test cannot pass with a config no flow could hold. Throws a ValidationError whose message
 * names every failing pointer; `details.problems` has them as data.
 */
export function checkConfig(def: NodeSpec, config: unknown): void {
  let validate = validators.get(def.config);
  if (!validate) {
    ajv ??= createAjv({ formats: { 'canonical-ref': isCanonicalRef } });
    // Plain JSON of the TypeBox schema: its symbol keys mean nothing to ajv.
    validate = ajv.compile(JSON.parse(JSON.stringify(def.config)) as object);
    validators.set(def.config, validate);
  }
  const problems = check(validate, config);
  if (problems.length === 0) return;
  const list = problems.map((p) => `${p.pointer === '' ? '(the config)' : p.pointer} ${p.message}`).join('; ');
  throw new ValidationError('CONFIG_INVALID', `the config of ${def.type}@${def.version} is invalid: ${list}`, {
    details: { problems },
  });
}
