import { Type } from '@sinclair/typebox';
import { SEMVER_PATTERN } from '@millrace/flow-model';
import { Count, Iso, JsonObject, Sha256Hex } from '../schemas.ts';

/** Answer schemas of packs, plants, published flows and deployments. */

export const FlowStatus = Type.Union([Type.Literal('published'), Type.Literal('deprecated'), Type.Literal('retired')]);
export const Version = Type.String({ pattern: SEMVER_PATTERN, description: 'a semantic version' });
const PlantCode = Type.String({ description: 'a plant code such as P100' });

/** A flow as published: its full form is the flow JSON Schema of @millrace/flow-model. */
export const FlowDocument = Type.Object(
  { id: Type.String(), version: Version, nodes: Type.Array(Type.Unknown()), edges: Type.Array(Type.Unknown()) },
  { additionalProperties: true, description: 'a flow document, as published' },
);

const sameOrNew = (change: 'new' | 'unchanged') =>
  Type.Object({ flow: Type.String(), version: Version, change: Type.Literal(change) });
const FlowChange = Type.Union([
  sameOrNew('new'),
  sameOrNew('unchanged'),
  Type.Object({
    flow: Type.String(),
    version: Version,
    change: Type.Literal('new-version'),
    from: Version,
    diff: Type.Object({
      nodesAdded: Type.Array(Type.String()),
      nodesRemoved: Type.Array(Type.String()),
      nodesChanged: Type.Array(Type.String()),
      edgesAdded: Count,
      edgesRemoved: Count,
      settings: Type.Array(Type.String()),
    }),
  }),
]);

export const ImportAnswer = Type.Object({
  dryRun: Type.Boolean(),
  pack: Type.Object({ name: Type.String(), version: Version }),
  flows: Type.Array(FlowChange),
  plants: Type.Array(
    Type.Object({
      plant: PlantCode,
      change: Type.Union([Type.Literal('new'), Type.Literal('changed'), Type.Literal('unchanged')]),
      fields: Type.Optional(Type.Array(Type.String(), { description: 'top-level fields and connections/<slot>' })),
    }),
  ),
});

export const PackList = Type.Object({
  packs: Type.Array(
    Type.Object({
      name: Type.String(),
      version: Version,
      digest: Sha256Hex,
      importedAt: Iso,
      importedBy: Type.String(),
    }),
  ),
});

export const PackExport = Type.Object({
  files: Type.Record(Type.String(), Type.String(), { description: 'path → text, as imported' }),
});

export const PlantList = Type.Object({
  plants: Type.Array(
    Type.Object({
      code: PlantCode,
      name: Type.String(),
      profile: JsonObject('the plant profile: connections name secrets, never hold them'),
      updatedAt: Iso,
      updatedBy: Type.String(),
    }),
  ),
});

export const FlowList = Type.Object({
  flows: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String({ description: 'the name of the newest version' }),
      versions: Type.Array(
        Type.Object({
          version: Version,
          digest: Sha256Hex,
          pack: Type.Union([Type.String({ description: 'name@version of the pack' }), Type.Null()]),
          publishedAt: Iso,
          publishedBy: Type.String(),
          status: FlowStatus,
        }),
      ),
      deployments: Type.Array(Type.Object({ plant: Type.String(), version: Version }), {
        description: 'the plants this flow runs in, and the version each runs',
      }),
    }),
  ),
});

export const PlantSet = Type.Object({ plant: PlantCode, restartNeeded: Type.Boolean() });

export const DeploymentList = Type.Object({
  plant: PlantCode,
  running: Type.Boolean({ description: 'whether this server runs that plant' }),
  deployments: Type.Array(
    Type.Object({
      plant: PlantCode,
      flowId: Type.String(),
      version: Version,
      deployedAt: Iso,
      deployedBy: Type.String(),
    }),
  ),
});

export const Deployed = Type.Object({
  plant: PlantCode,
  flow: Type.String(),
  version: Version,
  running: Type.Boolean({ description: 'the plant runs here, and runs this version from now on' }),
});
