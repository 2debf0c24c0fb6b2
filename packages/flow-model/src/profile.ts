import { check, getAtPointer, joinPointer, sortProblems, type Checked, type Problem } from '@millrace/schema';
import { findConnectionType, type Catalog } from './catalog.ts';
import type { Flow } from './flow-schema.ts';
import { parseJsonText } from './json-text.ts';
import { migrateDocument, type Migration } from './migrate.ts';
import { PROFILE_SCHEMA_VERSION, type PlantProfile } from './profile-schema.ts';
import { findInlinedSecrets, INLINED_SECRET_MESSAGE } from './secrets.ts';
import { compiled, compiledUserSchema, profileValidator } from './validators.ts';

export const PROFILE_MIGRATIONS: Readonly<Record<number, Migration>> = {};

/**
 * Checks a plant profile: its shape, no secret written in clear, and (with a catalog) each
 * connection binding against its connection type's schema.
 */
export function validateProfile(doc: unknown, options: { catalog?: Catalog } = {}): Problem[] {
  const secrets = findInlinedSecrets(doc);
  const secretAt = new Set(secrets.map((p) => p.pointer));
  const problems: Problem[] = [...secrets, ...check(profileValidator(), doc)];
  const connections = (doc as Partial<PlantProfile> | null)?.connections;
  if (options.catalog && connections && typeof connections === 'object') {
    for (const [slot, binding] of Object.entries(connections)) {
      if (!binding || typeof binding !== 'object' || typeof binding.type !== 'string') continue;
      const base = joinPointer('/connections', slot);
      const type = findConnectionType(options.catalog, binding.type);
      if (!type) {
        const known = options.catalog.connectionTypes.map((c) => c.type).join(', ');
        problems.push({
          pointer: base + '/type',
          message: `"${binding.type}" is not a known connection type; known types: ${known}`,
        });
        continue;
      }
      const { type: _type, ...fields } = binding;
      for (const p of check(compiled(type.schema), fields, base)) {
        // A clear-text secret is already reported in plainer words than a type mismatch.
        if (![...secretAt].some((s) => p.pointer === s || p.pointer.startsWith(s + '/'))) problems.push(p);
      }
    }
  }
  return sortProblems(problems);
}

export function loadProfile(input: string | unknown, options: { catalog?: Catalog } = {}): Checked<PlantProfile> {
  let doc: unknown = input;
  if (typeof input === 'string') {
    const parsed = parseJsonText(input);
    if (!parsed.ok) return parsed;
    doc = parsed.value;
  }
  const migrated = migrateDocument(doc, {
    kind: 'plant profile',
    current: PROFILE_SCHEMA_VERSION,
    migrations: PROFILE_MIGRATIONS,
  });
  if (!migrated.ok) return migrated;
  const problems = validateProfile(migrated.value, options);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: migrated.value as PlantProfile };
}

/**
 * What a flow needs from a plant's profile: every connection slot bound with the same type,
 * and the params the flow's params schema requires. Pointers point into the profile.
 */
export function checkProfileForFlow(flow: Flow, profile: PlantProfile): Problem[] {
  const problems: Problem[] = [];
  for (const [slot, declared] of Object.entries(flow.connections ?? {})) {
    const bound = profile.connections?.[slot];
    if (!bound) {
      problems.push({
        pointer: joinPointer('/connections', slot),
        message: `is required: flow "${flow.id}" uses connection slot "${slot}" (type ${declared.type}), and plant ${profile.plant} does not bind it`,
      });
    } else if (bound.type !== declared.type) {
      problems.push({
        pointer: joinPointer('/connections', slot, 'type'),
        message: `is "${bound.type}", but flow "${flow.id}" declares slot "${slot}" as type "${declared.type}"`,
      });
    }
  }
  if (flow.params) {
    let validate;
    try {
      validate = compiledUserSchema(flow.params);
    } catch {
      return problems; // the flow's own validation reports a broken params schema
    }
    const params = profile.params ?? {};
    for (const p of check(validate, params, '/params')) {
      const missing =
        p.message === 'is required but missing' &&
        getAtPointer(params, p.pointer.slice('/params'.length)) === undefined;
      problems.push(
        missing
          ? {
              pointer: p.pointer,
              message: `is required: flow "${flow.id}" needs this param from plant ${profile.plant}`,
            }
          : p,
      );
    }
  }
  return problems;
}

export { INLINED_SECRET_MESSAGE };
