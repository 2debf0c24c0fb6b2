import { Type } from '@sinclair/typebox';

/** Answer schemas shared by routes (and published in the OpenAPI document). */
const Iso = Type.String({ format: 'date-time' });
const NullableIso = Type.Union([Iso, Type.Null()]);

export const RunSummary = Type.Object({
  id: Type.String(),
  flow: Type.String(),
  version: Type.String(),
  plant: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  acceptedAt: NullableIso,
  endedAt: NullableIso,
  businessKeys: Type.Unknown(),
  duplicates: Type.Integer({ minimum: 0 }),
  pending: Type.Integer({ minimum: 0 }),
  parked: Type.Integer({ minimum: 0 }),
});

export const RunList = Type.Object({
  runs: Type.Array(RunSummary),
  next: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});

export const DeadLetterSummary = Type.Object({
  id: Type.String(),
  runId: Type.String(),
  flow: Type.String(),
  version: Type.String(),
  node: Type.String(),
  resumesAt: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('replayed'), Type.Literal('discarded')]),
  code: Type.String(),
  reason: Type.String(),
  attempts: Type.Integer({ minimum: 0 }),
  createdAt: NullableIso,
  resolvedAt: NullableIso,
  resolution: Type.Unknown(),
});

export const DeadLetterList = Type.Object({ deadLetters: Type.Array(DeadLetterSummary) });

export const ReplayAnswer = Type.Object({ id: Type.String(), runId: Type.String(), status: Type.Literal('replayed') });

export const BulkReplayAnswer = Type.Object({
  results: Type.Array(
    Type.Object({
      id: Type.String(),
      status: Type.Union([Type.Literal('replayed'), Type.Literal('refused')]),
      runId: Type.Optional(Type.String()),
      detail: Type.Optional(Type.String()),
    }),
  ),
});

export const DiscardAnswer = Type.Object({ id: Type.String(), status: Type.Literal('discarded') });
