import { Type, type Static } from '@sinclair/typebox';
import { NodeTypeId, Semver, Slug } from './common-schemas.ts';

export const PACK_SCHEMA_VERSION = 1;

const RelativePath = Type.String({
  pattern: '^(?!/)(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9._/-]+$',
  'x-hint': 'a relative path inside the pack, such as flows/batch-release.flow.json (no "..", no leading "/")',
});

const SemverRange = Type.String({ minLength: 1, 'x-hint': 'a semver range such as ^1' });

export const PackManifestSchema = Type.Object(
  {
    schemaVersion: Type.Literal(PACK_SCHEMA_VERSION),
    name: Slug,
    version: Semver,
    description: Type.Optional(Type.String()),
    flows: Type.Array(RelativePath, { minItems: 1, uniqueItems: true }),
    profiles: Type.Optional(Type.Array(RelativePath, { uniqueItems: true })),
    /** The flows' test files (`<flow-id>.tests.json`), sealed like flows and profiles. */
    tests: Type.Optional(Type.Array(RelativePath, { uniqueItems: true })),
    requires: Type.Optional(
      Type.Object(
        {
          nodes: Type.Optional(Type.Record(NodeTypeId, SemverRange)),
          canonical: Type.Optional(SemverRange),
        },
        { additionalProperties: false },
      ),
    ),
    sha256: Type.Record(
      RelativePath,
      Type.String({ pattern: '^[0-9a-f]{64}$', 'x-hint': 'a SHA-256 digest in 64 lowercase hex digits' }),
    ),
  },
  {
    additionalProperties: false,
    title: 'Millrace flow pack manifest',
    description:
      'pack.json: the flows, plant profiles and flow tests of a pack, what they need, and a digest of every file.',
  },
);
export type PackManifest = Static<typeof PackManifestSchema>;
