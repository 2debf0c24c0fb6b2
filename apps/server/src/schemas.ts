import { Type } from '@sinclair/typebox';

/** Answer schemas shared by routes (and published in the OpenAPI document). */
export const Iso = Type.String({ format: 'date-time' });
export const NullableIso = Type.Union([Iso, Type.Null()]);
export const NullableString = Type.Union([Type.String(), Type.Null()]);
/** A run, dead-letter or audit id: an integer as a string of digits, so no client rounds it. */
export const DigitsId = Type.String({ pattern: '^[0-9]{1,19}$' });
/** A SHA-256 digest (of a flow, a pack, a signed record, an audit row) as 64 lower-case hex digits. */
export const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const Count = Type.Integer({ minimum: 0 });
/** A JSON object whose form is its own (a flow, a profile, a JSON Schema); documented elsewhere. */
export const JsonObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** A validation problem: where (a JSON pointer, in a file or node) and what. */
export const ValidationProblem = Type.Object({
  pointer: Type.String(),
  message: Type.String(),
  nodeId: Type.Optional(Type.String()),
  file: Type.Optional(Type.String()),
});

export const RunStatus = Type.Union(
  ['held', 'running', 'succeeded', 'dead_lettered', 'discarded'].map((s) => Type.Literal(s)),
);
const StepStatus = Type.Union(['held', 'ready', 'leased', 'waiting', 'done', 'parked'].map((s) => Type.Literal(s)));
const DeadLetterStatus = Type.Union([Type.Literal('open'), Type.Literal('replayed'), Type.Literal('discarded')]);

export const RunSummary = Type.Object({
  id: DigitsId,
  flow: Type.String(),
  version: Type.String(),
  plant: NullableString,
  status: RunStatus,
  acceptedAt: NullableIso,
  endedAt: NullableIso,
  businessKeys: Type.Unknown(),
  duplicates: Count,
  pending: Count,
  parked: Count,
});

export const RunList = Type.Object({
  runs: Type.Array(RunSummary),
  next: Type.Optional(Type.Union([DigitsId, Type.Null()])),
});

const Ms = Type.Integer({ description: 'milliseconds' });
const NullableMs = Type.Union([Ms, Type.Null()]);

/** A run with every step (engine RunTrace). */
export const RunTrace = Type.Object({
  runId: DigitsId,
  flow: Type.Object({ id: Type.String(), version: Type.String() }),
  plant: NullableString,
  status: RunStatus,
  acceptedAt: Iso,
  endedAt: NullableIso,
  durationMs: NullableMs,
  businessKeys: Type.Unknown(),
  duplicates: Count,
  steps: Type.Array(
    Type.Object({
      node: Type.String(),
      type: NullableString,
      key: Type.String(),
      status: StepStatus,
      attempts: Count,
      startedAt: NullableIso,
      durationMs: NullableMs,
      output: Type.Unknown({ description: 'messages per port, or the payloads of ports nothing consumed' }),
      input: Type.Unknown(),
      error: Type.Unknown(),
      failedAttempts: Type.Array(
        Type.Object({ attempt: Type.Integer({ minimum: 1 }), error: Type.Unknown(), durationMs: Ms }),
      ),
      wait: Type.Optional(Type.Object({ channel: Type.String(), key: Type.String() })),
      resume: Type.Optional(Type.Unknown()),
    }),
  ),
});

const deadLetterFields = {
  id: DigitsId,
  runId: DigitsId,
  flow: Type.String(),
  version: Type.String(),
  node: Type.String(),
  resumesAt: Type.String(),
  status: DeadLetterStatus,
  code: Type.String(),
  reason: Type.String(),
  createdAt: NullableIso,
  resolvedAt: NullableIso,
  resolution: Type.Unknown(),
};

export const DeadLetterSummary = Type.Object({ ...deadLetterFields, attempts: Count });

export const DeadLetterList = Type.Object({ deadLetters: Type.Array(DeadLetterSummary) });

/** A dead letter with the failed step's input and every attempt (attempt times are epoch ms). */
export const DeadLetterDetail = Type.Object({
  ...deadLetterFields,
  payload: Type.Unknown(),
  headers: Type.Unknown(),
  attempts: Type.Array(
    Type.Object({
      attempt: Type.Integer({ minimum: 1 }),
      startedAt: Type.Integer({ description: 'epoch ms' }),
      endedAt: Type.Integer({ description: 'epoch ms' }),
      error: Type.Unknown(),
    }),
  ),
});

export const ReplayAnswer = Type.Object({ id: DigitsId, runId: DigitsId, status: Type.Literal('replayed') });

export const BulkReplayAnswer = Type.Object({
  results: Type.Array(
    Type.Object({
      id: Type.String(),
      status: Type.Union([Type.Literal('replayed'), Type.Literal('refused')]),
      runId: Type.Optional(DigitsId),
      detail: Type.Optional(Type.String()),
    }),
  ),
});

export const DiscardAnswer = Type.Object({ id: DigitsId, status: Type.Literal('discarded') });

// -- business KPIs (kpis.ts BusinessKpis)

const Percentiles = Type.Object({ runs: Count, p50: NullableMs, p90: NullableMs });
const Awaiting = Type.Array(Type.Object({ channel: Type.String(), runs: Count, oldestAgeMs: Ms }));
const kpiFields = {
  awaiting: Awaiting,
  onHold: Type.Object({ runs: Count, lots: Type.Array(Type.String(), { maxItems: 50 }) }),
  released: Type.Object({ runs: Count, cycleTimeMs: Percentiles }),
  syncLatencyMs: Percentiles,
  exceptions: Type.Object({ open: Count, oldestAgeMs: NullableMs }),
  ended: Count,
};

export const BusinessKpisAnswer = Type.Object({
  window: Type.Object({ from: Iso, to: Iso, ms: Type.Integer({ minimum: 1 }) }),
  runsExamined: Count,
  truncated: Type.Boolean(),
  groups: Type.Array(Type.Object({ flow: Type.String(), plant: NullableString, ...kpiFields })),
  totals: Type.Object(kpiFields),
});
