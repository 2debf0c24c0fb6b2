import { stableStringify, toJsonSchema } from '@millrace/schema';
import { FlowSchema } from './flow-schema.ts';
import { FlowTestsSchema } from './flow-tests-schema.ts';
import { PackManifestSchema } from './pack-schema.ts';
import { ProfileSchema } from './profile-schema.ts';

const BASE = 'https://millrace.dev/schemas';

/** The public JSON Schemas of the file formats, as committed under packages/flow-model/schemas. */
export function generatedFiles(): Array<{ path: string; content: string }> {
  return [
    { name: 'flow.v1', schema: FlowSchema },
    { name: 'plant-profile.v1', schema: ProfileSchema },
    { name: 'pack.v1', schema: PackManifestSchema },
    { name: 'flow-tests.v1', schema: FlowTestsSchema },
  ].map(({ name, schema }) => ({
    path: `packages/flow-model/schemas/${name}.schema.json`,
    content: stableStringify(toJsonSchema(schema, `${BASE}/${name}.schema.json`), (path) =>
      path.length === 0 ? ['$schema', '$id', 'title', 'description', 'type'] : undefined,
    ),
  }));
}
