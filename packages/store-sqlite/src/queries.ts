import type { Database, Statement } from 'better-sqlite3';
import {
  idAt,
  type DeadLetterCount,
  type EndedRun,
  type EndedRunFilter,
  type RunFilter,
  type RunRecord,
  type RunStatus,
  type WaitingCount,
} from '@millrace/engine';

/**
 * The read side of the store for operators and KPIs: run search and counts. Kept apart from the
 * journal (sqlite-store.ts), which is the hot path; nothing here writes.
 */

export interface RunRow {
  id: number;
  flow_id: string;
  flow_version: string;
  plant: string | null;
  status: RunStatus;
  trigger_node: string;
  payload: string;
  headers: string | null;
  idem_key: string | null;
  order_key: string | null;
  business_keys: string | null;
  pending: number;
  parked: number;
  duplicates: number;
  created_at: number;
  ended_at: number | null;
}

export function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    flowId: r.flow_id,
    flowVersion: r.flow_version,
    plant: r.plant,
    status: r.status,
    triggerNodeId: r.trigger_node,
    payloadText: r.payload,
    headersText: r.headers,
    idempotencyKey: r.idem_key,
    orderKey: r.order_key,
    businessKeysText: r.business_keys,
    createdAt: r.created_at,
    endedAt: r.ended_at,
    duplicates: r.duplicates,
    pending: r.pending,
    parked: r.parked,
  };
}

/** An accept time in ms as the first run id of that millisecond (a bound rounded up: ids are whole ms). */
const idBound = (ms: number, field: string): number => {
  if (!Number.isFinite(ms)) throw new Error(`RunFilter.${field} must be a time in milliseconds`);
  return idAt(Math.ceil(ms));
};

const limitOf = (limit: number | undefined, fallback: number) =>
  limit === undefined ? fallback : Math.max(0, Math.floor(limit));

export class RunQueries {
  /**
   * One prepared statement per shape of filter. `(@x IS NULL OR col = @x)` would need a single
   * statement, but SQLite plans it once for every value and can then use no index on col: a
   * search for one lot or one rare flow would scan every run.
   */
  private readonly shapes = new Map<string, Statement>();
  private readonly waiting: Statement;
  private readonly openDeadLetters: Statement;
  private readonly ended: Statement;
  private readonly nodesDone: Statement;

  constructor(private readonly db: Database) {
    this.waiting = db.prepare(
      `SELECT r.flow_id, r.plant, s.wait_channel AS channel, count(DISTINCT s.run_id) AS runs, min(s.ended_at) AS oldest
       FROM steps s JOIN runs r ON r.id = s.run_id
       WHERE s.status = 'waiting' AND (@flow IS NULL OR r.flow_id = @flow) AND (@plant IS NULL OR r.plant = @plant)
       GROUP BY r.flow_id, r.plant, s.wait_channel ORDER BY r.flow_id, r.plant, s.wait_channel`,
    );
    this.openDeadLetters = db.prepare(
      `SELECT d.flow_id, r.plant, count(*) AS open, min(d.created_at) AS oldest
       FROM dead_letters d LEFT JOIN runs r ON r.id = d.run_id
       WHERE d.status = 'open' AND (@flow IS NULL OR d.flow_id = @flow) AND (@plant IS NULL OR r.plant = @plant)
       GROUP BY d.flow_id, r.plant ORDER BY d.flow_id, r.plant`,
    );
    // The runs_ended index drives this one; flow and plant only filter what the window holds.
    this.ended = db.prepare(
      `SELECT * FROM runs WHERE ended_at >= @since AND ended_at < @until
         AND (@flow IS NULL OR flow_id = @flow) AND (@plant IS NULL OR plant = @plant)
       ORDER BY ended_at DESC LIMIT @limit`,
    );
    // A step whose error was routed is done too, but what it was to do did not happen.
    this.nodesDone = db.prepare(
      "SELECT DISTINCT node_id FROM steps WHERE run_id = ? AND status = 'done' AND error IS NULL",
    );
  }

  listRuns(f: RunFilter): RunRecord[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: limitOf(f.limit, 100) };
    const add = (sql: string, name: string, value: string | number) => {
      where.push(sql);
      params[name] = value;
    };
    if (f.flowId !== undefined) add('r.flow_id = @flow', 'flow', f.flowId);
    if (f.status !== undefined) add('r.status = @status', 'status', f.status);
    if (f.plant !== undefined) add('r.plant = @plant', 'plant', f.plant);
    if (f.since !== undefined) add('r.id >= @since', 'since', idBound(f.since, 'since'));
    if (f.until !== undefined) add('r.id < @until', 'until', idBound(f.until, 'until'));
    if (f.before !== undefined) add('r.id < @before', 'before', f.before);
    if (f.businessKey !== undefined) {
      // IN, not a join: a value under two key names of one run must list the run once.
      const named = f.businessKey.name !== undefined;
      add(
        `r.id IN (SELECT run_id FROM run_keys WHERE value = @keyValue${named ? ' AND name = @keyName' : ''})`,
        'keyValue',
        f.businessKey.value,
      );
      if (named) params.keyName = f.businessKey.name!;
    }
    const sql = `SELECT r.* FROM runs r${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC LIMIT @limit`;
    let statement = this.shapes.get(sql);
    if (!statement) this.shapes.set(sql, (statement = this.db.prepare(sql)));
    return (statement.all(params) as RunRow[]).map(toRun);
  }

  countWaiting(filter: { flowId?: string; plant?: string }): WaitingCount[] {
    const rows = this.waiting.all({ flow: filter.flowId ?? null, plant: filter.plant ?? null }) as Array<{
      flow_id: string;
      plant: string | null;
      channel: string;
      runs: number;
      oldest: number;
    }>;
    return rows.map((r) => ({
      flowId: r.flow_id,
      plant: r.plant,
      channel: r.channel,
      runs: r.runs,
      oldestSince: r.oldest,
    }));
  }

  countOpenDeadLetters(filter: { flowId?: string; plant?: string }): DeadLetterCount[] {
    const rows = this.openDeadLetters.all({ flow: filter.flowId ?? null, plant: filter.plant ?? null }) as Array<{
      flow_id: string;
      plant: string | null;
      open: number;
      oldest: number;
    }>;
    return rows.map((r) => ({ flowId: r.flow_id, plant: r.plant, open: r.open, oldestAt: r.oldest }));
  }

  listEndedRuns(f: EndedRunFilter): EndedRun[] {
    const rows = this.ended.all({
      since: f.endedSince,
      until: f.endedUntil ?? Number.MAX_SAFE_INTEGER,
      flow: f.flowId ?? null,
      plant: f.plant ?? null,
      limit: limitOf(f.limit, 1000),
    }) as RunRow[];
    return rows.map((r) => ({
      run: toRun(r),
      nodesDone: (this.nodesDone.all(r.id) as Array<{ node_id: string }>).map((s) => s.node_id),
    }));
  }
}
