import type { Migration, ServerDb } from '../db.ts';

/**
 * Drafts: the flow an analyst is editing, saved as often as the designer likes (autosave), even
 * when it does not validate yet. A revision number guards against two editors overwriting each
 * other: a save names the revision it started from.
 */
export const DRAFT_MIGRATIONS: Migration[] = [
  {
    version: 450,
    name: 'drafts',
    sql: `CREATE TABLE drafts (
        flow_id TEXT PRIMARY KEY,
        flow TEXT NOT NULL,
        tests TEXT,
        revision INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      ALTER TABLE flow_versions ADD COLUMN status_reason TEXT;`,
  },
];

export interface Draft {
  readonly flowId: string;
  readonly flow: unknown;
  readonly tests: unknown;
  readonly revision: number;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

export class DraftStore {
  constructor(private readonly db: ServerDb) {}

  get(flowId: string): Draft | undefined {
    const r = this.db.prepare('SELECT * FROM drafts WHERE flow_id = ?').get(flowId) as
      Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      flowId,
      flow: JSON.parse(String(r.flow)) as unknown,
      tests: r.tests === null ? null : (JSON.parse(String(r.tests)) as unknown),
      revision: Number(r.revision),
      updatedAt: Number(r.updated_at),
      updatedBy: String(r.updated_by),
    };
  }

  /** Every draft, newest change first, without its content (for the designer's flow list). */
  list(): Array<Omit<Draft, 'flow' | 'tests'> & { readonly name: string | null }> {
    const rows = this.db
      .prepare(
        "SELECT flow_id, json_extract(flow, '$.name') AS name, revision, updated_at, updated_by FROM drafts ORDER BY updated_at DESC, flow_id",
      )
      .all() as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      flowId: String(r.flow_id),
      name: typeof r.name === 'string' ? r.name : null,
      revision: Number(r.revision),
      updatedAt: Number(r.updated_at),
      updatedBy: String(r.updated_by),
    }));
  }

  /**
   * Saves a draft; `expected` is the revision the editor started from (undefined: create or
   * overwrite blindly). Answers the new revision, or 'conflict' with the current one.
   */
  save(
    flowId: string,
    flow: unknown,
    tests: unknown,
    by: string,
    at: number,
    expected: number | undefined,
    also: (revision: number, before: number) => void = () => undefined,
  ): { revision: number } | { conflict: number } {
    return this.db.transaction(() => {
      const current = this.db.prepare('SELECT revision FROM drafts WHERE flow_id = ?').get(flowId) as
        { revision: number } | undefined;
      if (expected !== undefined && (current?.revision ?? 0) !== expected) return { conflict: current?.revision ?? 0 };
      const revision = (current?.revision ?? 0) + 1;
      this.db
        .prepare(
          `INSERT INTO drafts (flow_id, flow, tests, revision, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (flow_id) DO UPDATE SET flow = excluded.flow, tests = excluded.tests, revision = excluded.revision,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        )
        .run(
          flowId,
          JSON.stringify(flow),
          tests === undefined || tests === null ? null : JSON.stringify(tests),
          revision,
          at,
          by,
        );
      also(revision, current?.revision ?? 0);
      return { revision };
    })();
  }

  delete(flowId: string): boolean {
    return this.db.prepare('DELETE FROM drafts WHERE flow_id = ?').run(flowId).changes > 0;
  }

  /** Sets a published version's status (deprecated, retired) with the reason. */
  setVersionStatus(flowId: string, version: string, status: string, reason: string): void {
    this.db
      .prepare('UPDATE flow_versions SET status = ?, status_reason = ? WHERE flow_id = ? AND version = ?')
      .run(status, reason, flowId, version);
  }

  publish(
    x: { flowId: string; version: string; digest: string; text: string; changeNote: string; by: string; at: number },
    also: () => void,
  ): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO flow_versions (flow_id, version, digest, flow, change_note, pack, published_at, published_by)
           VALUES (?, ?, ?, ?, ?, NULL, ?, ?)`,
        )
        .run(x.flowId, x.version, x.digest, x.text, x.changeNote, x.at, x.by);
      also();
    })();
  }
}
