import { Type } from '@sinclair/typebox';
import { buildTrace, timeOfId, type DeadLetter, type Engine, type RunRecord, type Store } from '@millrace/engine';
import type { RouteDef } from './api.ts';
import type { Audit } from './audit/index.ts';
import type { Principal } from './roles.ts';
import { badRequest, conflict, notFound } from './problem.ts';
import {
  BulkReplayAnswer,
  DeadLetterDetail,
  DeadLetterList,
  DiscardAnswer,
  ReplayAnswer,
  RunList,
  RunTrace,
} from './schemas.ts';

/**
 * Operations (DESIGN §6): runs with their steps, and the dead-letter inbox — inspect, replay
 * (one or many, with a reason) and discard (with a reason). Replays go through the engine that
 * serves the flows, so the run continues here at once.
 */
export interface OpsDeps {
  readonly store: Store;
  readonly engine: Engine;
  /** Replays and discards are recorded here (who, why, which dead letter and run). */
  readonly audit?: Audit;
}

const Id = Type.String({ pattern: '^[0-9]{1,19}$', 'x-hint': 'a run or dead-letter id (digits)' });
const Reason = Type.String({ minLength: 3, maxLength: 1000, 'x-hint': 'why, as the audit trail will show it' });
const RunStatus = Type.Union(
  ['held', 'running', 'succeeded', 'dead_lettered', 'discarded'].map((s) => Type.Literal(s)),
);
const Limit = Type.String({ pattern: '^[0-9]{1,4}$', 'x-hint': 'a whole number up to 1000' });
const Time = (description: string) => Type.String({ format: 'date-time', description });

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const idOf = (text: string | undefined): number => {
  if (!text || !/^[0-9]{1,19}$/.test(text)) throw badRequest(`"${String(text)}" is not an id`);
  return Number(text);
};
/** An ISO 8601 date-time (the schema checked its form) as ms; 400 for one that is no real time. */
const timeOf = (text: string | undefined, name: string): number | undefined => {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw badRequest(`${name}: "${text}" is not a date-time such as 2026-03-04T08:00:00Z`);
  return ms;
};
const limitOf = (text: string | undefined, fallback: number) => Math.min(Number(text ?? fallback) || fallback, 1000);

export function runJson(r: RunRecord) {
  return {
    id: String(r.id),
    flow: r.flowId,
    version: r.flowVersion,
    plant: r.plant,
    status: r.status,
    acceptedAt: iso(timeOfId(r.id)),
    endedAt: iso(r.endedAt),
    businessKeys: r.businessKeysText === null ? null : (JSON.parse(r.businessKeysText) as unknown),
    duplicates: r.duplicates,
    pending: r.pending,
    parked: r.parked,
  };
}

export function deadLetterJson(d: DeadLetter, full: boolean) {
  const base = {
    id: String(d.id),
    runId: String(d.runId),
    flow: d.flowId,
    version: d.flowVersion,
    node: d.nodeId,
    resumesAt: d.resumeNodeId,
    status: d.status,
    code: d.code,
    reason: d.reason,
    attempts: d.attempts.length,
    createdAt: iso(d.createdAt),
    resolvedAt: iso(d.resolvedAt),
    resolution: d.resolution === null ? null : (JSON.parse(d.resolution) as unknown),
  };
  if (!full) return base;
  return {
    ...base,
    payload: JSON.parse(d.payloadText) as unknown,
    headers: d.headersText === null ? null : (JSON.parse(d.headersText) as unknown),
    attempts: d.attempts.map((a) => ({ ...a, errorText: undefined, error: JSON.parse(a.errorText) as unknown })),
  };
}

export function opsRoutes(deps: OpsDeps): RouteDef[] {
  const { store, engine, audit } = deps;
  // The engine's file and the server's differ: the audit row follows the change it records.
  const record = (
    principal: Principal,
    action: 'dead_letter.replay' | 'dead_letter.discard',
    d: DeadLetter,
    reason: string,
    details: Record<string, unknown>,
  ) =>
    audit?.append({
      actor: principal,
      action,
      target: { kind: 'dead_letter', id: String(d.id) },
      reason,
      before: { status: d.status },
      after: { status: action === 'dead_letter.replay' ? 'replayed' : 'discarded', ...details },
      details: { flow: d.flowId, runId: String(d.runId), ...details },
    });
  const letter = async (text: string | undefined) => {
    const d = await store.getDeadLetter(idOf(text));
    if (!d) throw notFound(`dead letter ${String(text)} does not exist`);
    return d;
  };
  const resolve = async (id: number, action: () => Promise<unknown>) => {
    try {
      return await action();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (/does not exist/.test(message)) throw notFound(message);
      if (/already|not open/.test(message)) throw conflict(`dead letter ${id}: ${message}`);
      if (/not deployed|does not exist in/.test(message)) throw conflict(message);
      throw e;
    }
  };
  return [
    {
      method: 'get',
      path: '/api/runs',
      response: RunList,
      access: 'viewer',
      tag: 'runs',
      summary: 'Runs, newest first, by flow, status, plant, business key and accept time; paged with `before`',
      query: Type.Object(
        {
          flow: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          status: Type.Optional(RunStatus),
          plant: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          key: Type.Optional(
            Type.String({ minLength: 1, maxLength: 256, description: 'A business key value, e.g. a lot: B123' }),
          ),
          keyName: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 100,
              description: 'Match `key` under this key name only, e.g. lot',
            }),
          ),
          since: Type.Optional(Time('Accepted at or after')),
          until: Type.Optional(Time('Accepted before')),
          before: Type.Optional(
            Type.String({ pattern: '^[0-9]{1,19}$', description: "Runs older than this run id: a page's `next`" }),
          ),
          limit: Type.Optional(Limit),
        },
        { additionalProperties: false },
      ),
      responses: { 400: 'a malformed filter (time, id, status) or keyName without key' },
      async handler({ query }) {
        if (query.keyName !== undefined && query.key === undefined)
          throw badRequest('keyName names the key that `key` must match: give key too');
        const since = timeOf(query.since, 'since');
        const until = timeOf(query.until, 'until');
        if (since !== undefined && until !== undefined && since > until)
          throw badRequest(`since (${query.since}) is after until (${query.until})`);
        const limit = limitOf(query.limit, 100);
        const runs = await store.listRuns({
          ...(query.flow ? { flowId: query.flow } : {}),
          ...(query.status ? { status: query.status as RunRecord['status'] } : {}),
          ...(query.plant ? { plant: query.plant } : {}),
          ...(query.key
            ? { businessKey: { value: query.key, ...(query.keyName ? { name: query.keyName } : {}) } }
            : {}),
          ...(since !== undefined ? { since } : {}),
          ...(until !== undefined ? { until } : {}),
          ...(query.before ? { before: idOf(query.before) } : {}),
          limit,
        });
        // A full page may have more behind it; a short one is the last.
        const next = runs.length === limit && limit > 0 ? String(runs[runs.length - 1]!.id) : null;
        return { body: { runs: runs.map(runJson), next } };
      },
    },
    {
      method: 'get',
      path: '/api/runs/:id',
      response: RunTrace,
      access: 'viewer',
      tag: 'runs',
      summary: 'A run with every step: input, output, error, attempts, timings',
      responses: { 404: 'no such run' },
      async handler({ params }) {
        const id = idOf(params.id);
        const run = await store.getRun(id);
        const trace = run && (await buildTrace(store, id, engine.plan(run.flowId, run.flowVersion)));
        if (!trace) throw notFound(`run ${params.id} does not exist`);
        return { body: trace };
      },
    },
    {
      method: 'get',
      path: '/api/dead-letters',
      response: DeadLetterList,
      access: 'viewer',
      tag: 'dead letters',
      summary: 'The dead-letter inbox, newest first',
      query: Type.Object(
        {
          status: Type.Optional(
            Type.Union([Type.Literal('open'), Type.Literal('replayed'), Type.Literal('discarded')]),
          ),
          flow: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          limit: Type.Optional(Limit),
        },
        { additionalProperties: false },
      ),
      async handler({ query }) {
        const list = await store.listDeadLetters({
          ...(query.status ? { status: query.status as DeadLetter['status'] } : {}),
          ...(query.flow ? { flowId: query.flow } : {}),
          limit: limitOf(query.limit, 100),
        });
        return { body: { deadLetters: list.map((d) => deadLetterJson(d, false)) } };
      },
    },
    {
      method: 'get',
      path: '/api/dead-letters/:id',
      response: DeadLetterDetail,
      access: 'viewer',
      tag: 'dead letters',
      summary: "A dead letter with the failed step's input and every attempt",
      responses: { 404: 'no such dead letter' },
      async handler({ params }) {
        return { body: deadLetterJson(await letter(params.id), true) };
      },
    },
    {
      method: 'post',
      path: '/api/dead-letters/:id/replay',
      response: ReplayAnswer,
      access: 'analyst',
      tag: 'dead letters',
      summary: 'Replays a dead letter from where it stopped, on the active (or a given) version',
      body: Type.Object(
        { reason: Reason, version: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
        { additionalProperties: false },
      ),
      responses: { 404: 'no such dead letter', 409: 'already replayed or discarded' },
      async handler({ params, body, principal }) {
        const d = await letter(params.id);
        const b = body as { reason: string; version?: string };
        const { runId } = (await resolve(d.id, () =>
          engine.replay(d.id, {
            reason: b.reason,
            by: principal!.username,
            ...(b.version ? { version: b.version } : {}),
          }),
        )) as { runId: number };
        record(principal!, 'dead_letter.replay', d, b.reason, { runId: String(runId), version: b.version ?? null });
        return { status: 202, body: { id: String(d.id), runId: String(runId), status: 'replayed' } };
      },
    },
    {
      method: 'post',
      path: '/api/dead-letters/replay',
      response: BulkReplayAnswer,
      access: 'analyst',
      tag: 'dead letters',
      summary: 'Replays many dead letters with one reason; answers per dead letter',
      body: Type.Object(
        { ids: Type.Array(Id, { minItems: 1, maxItems: 500, uniqueItems: true }), reason: Reason },
        { additionalProperties: false },
      ),
      async handler({ body, principal }) {
        const b = body as { ids: string[]; reason: string };
        const results = [];
        for (const text of b.ids) {
          try {
            const d = await letter(text);
            const { runId } = (await resolve(d.id, () =>
              engine.replay(d.id, { reason: b.reason, by: principal!.username }),
            )) as { runId: number };
            record(principal!, 'dead_letter.replay', d, b.reason, { runId: String(runId), bulk: true });
            results.push({ id: text, status: 'replayed', runId: String(runId) });
          } catch (e) {
            results.push({ id: text, status: 'refused', detail: e instanceof Error ? e.message : String(e) });
          }
        }
        return { status: 200, body: { results } };
      },
    },
    {
      method: 'post',
      path: '/api/dead-letters/:id/discard',
      response: DiscardAnswer,
      access: 'analyst',
      tag: 'dead letters',
      summary: 'Discards a dead letter (the run ends discarded) with a reason',
      body: Type.Object({ reason: Reason }, { additionalProperties: false }),
      responses: { 404: 'no such dead letter', 409: 'already replayed or discarded' },
      async handler({ params, body, principal }) {
        const d = await letter(params.id);
        const reason = (body as { reason: string }).reason;
        await resolve(d.id, () => engine.discard(d.id, { reason, by: principal!.username }));
        record(principal!, 'dead_letter.discard', d, reason, {});
        return { status: 200, body: { id: String(d.id), status: 'discarded' } };
      },
    },
  ];
}
