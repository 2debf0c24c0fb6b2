import { Type } from '@sinclair/typebox';
import { Version } from '../packs/schemas.ts';
import { Iso, JsonObject, Sha256Hex, ValidationProblem } from '../schemas.ts';

/** Answer schemas of drafts, validation, publishing, diffs and version status. */

const Problems = Type.Array(ValidationProblem);
const Revision = Type.Integer({ minimum: 1 });

export const DraftAnswer = Type.Object({
  flow: Type.Object(
    { id: Type.String() },
    { additionalProperties: true, description: 'the draft flow, as saved (it may not validate yet)' },
  ),
  tests: Type.Union([JsonObject("the flow's test cases, as saved"), Type.Null()]),
  revision: Revision,
  updatedAt: Iso,
  updatedBy: Type.String(),
  problems: Problems,
});

export const DraftList = Type.Object({
  drafts: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      revision: Revision,
      updatedAt: Iso,
      updatedBy: Type.String(),
    }),
  ),
});

export const DraftSaved = Type.Object({ revision: Revision, problems: Problems });

export const Validation = Type.Object({ valid: Type.Boolean(), problems: Problems });

export const Published = Type.Object({ id: Type.String(), version: Version, digest: Sha256Hex });

const ValueChange = Type.Object({
  kind: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('changed')]),
  pointer: Type.String(),
  before: Type.Optional(Type.Unknown()),
  after: Type.Optional(Type.Unknown()),
});
const EdgeRef = Type.Object({ id: Type.String(), from: Type.String(), to: Type.String() });

/** flow-model's FlowDiff. */
export const FlowDiff = Type.Object({
  meta: Type.Array(ValueChange),
  nodes: Type.Object({
    added: Type.Array(Type.String()),
    removed: Type.Array(Type.String()),
    changed: Type.Array(Type.Object({ id: Type.String(), changes: Type.Array(ValueChange) })),
  }),
  edges: Type.Object({
    added: Type.Array(EdgeRef),
    removed: Type.Array(EdgeRef),
    renamed: Type.Array(
      Type.Object({ before: Type.String(), after: Type.String(), from: Type.String(), to: Type.String() }),
    ),
  }),
  layout: Type.Object({ moved: Type.Array(Type.String()) }),
  layoutOnly: Type.Boolean(),
  empty: Type.Boolean(),
});

export const VersionStatusSet = (status: 'deprecated' | 'retired') =>
  Type.Object({ id: Type.String(), version: Version, status: Type.Literal(status) });

/** A test run: each case with what failed and its run trace (steps with input, output, error). */
export const TestRunAnswer = Type.Object({
  ok: Type.Boolean(),
  cases: Type.Array(
    Type.Object({
      name: Type.String(),
      ok: Type.Boolean(),
      failures: Type.Array(Type.String()),
      status: Type.Union([Type.String(), Type.Null()]),
      durationMs: Type.Integer({ minimum: 0 }),
      trace: Type.Optional(Type.Unknown()),
      recorded: Type.Optional(
        Type.Record(
          Type.String(),
          Type.Array(
            Type.Object({
              request: Type.Object({ method: Type.String(), path: Type.String() }),
              response: Type.Object({
                status: Type.Integer(),
                headers: Type.Optional(Type.Record(Type.String(), Type.String())),
                json: Type.Optional(Type.Unknown()),
                text: Type.Optional(Type.String()),
              }),
              times: Type.Literal(1),
            }),
          ),
          {
            description:
              'live runs only: per HTTP connection slot, what the flow exchanged with the system, as canned answers (mocks) of a test case',
          },
        ),
      ),
    }),
  ),
});
