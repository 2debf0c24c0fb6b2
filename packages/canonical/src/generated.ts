/**
 * The JSON files this package publishes for tools that do not run TypeScript (the designer's
 * editor, other languages, reviewers reading a diff). They are derived, never edited by hand;
 * a test fails when a committed copy differs from what the code would write.
 */
import { stableStringify } from '@millrace/schema';
import { CANONICAL_EVENT_TYPES } from './events/event-types.ts';
import { CANONICAL_SCHEMAS } from './registry.ts';

export const SCHEMAS_DIR = 'packages/canonical/schemas';

export function schemaFileName(name: string, major: number): string {
  return `${name}.v${major}.schema.json`;
}

/** Every generated file, with its path relative to the repository root. */
export function generatedFiles(): Array<{ path: string; content: string }> {
  const files = CANONICAL_SCHEMAS.map((e) => ({
    path: `${SCHEMAS_DIR}/${schemaFileName(e.name, e.major)}`,
    content: stableStringify(e.schema),
  }));
  const index = {
    schemas: CANONICAL_SCHEMAS.map((e) => ({
      ref: e.ref,
      name: e.name,
      major: e.major,
      kind: e.kind,
      title: e.title,
      $id: e.schema.$id,
      file: schemaFileName(e.name, e.major),
    })),
    events: CANONICAL_EVENT_TYPES.map((e) => ({ type: e.type, dataRef: e.dataRef })),
  };
  const indexContent = stableStringify(index, (path) =>
    path.length === 0 ? ['schemas', 'events'] : path.at(-1) === '[]' ? ['ref', 'type'] : undefined,
  );
  return [...files, { path: `${SCHEMAS_DIR}/index.json`, content: indexContent }];
}
