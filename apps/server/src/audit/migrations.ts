import type { Migration } from '../db.ts';

/**
 * The audit module's table (versions 200–299 belong to audit): one row per change, each carrying
 * the hash of the row before it (see chain.ts for exactly what is hashed). Times are epoch ms.
 *
 * The two triggers make the table append-only for the application: an UPDATE or DELETE, by a bug
 * or by hand, fails. They guard against accidents only; someone with the file can drop them, which
 * is what the hash chain is for (`Audit.verify`).
 */
export const AUDIT_MIGRATIONS: Migration[] = [
  {
    version: 200,
    name: 'audit: audit_log (append-only, hash-chained)',
    sql: `
      CREATE TABLE audit_log (
        -- 1, 2, 3, … without gaps: a gap is a deleted row.
        seq           INTEGER PRIMARY KEY,
        at            INTEGER NOT NULL,
        -- a username, or 'system' (with actor_role 'system') for what the server does on its own
        actor         TEXT NOT NULL,
        actor_role    TEXT NOT NULL,
        -- <thing>.<verb>: user.create, token.revoke, dead_letter.replay, pack.import, flow.publish, …
        action        TEXT NOT NULL,
        target_kind   TEXT NOT NULL,
        target_id     TEXT NOT NULL,
        reason        TEXT,
        -- sha256 hex of the canonical JSON of the target's state before / after the change
        before_digest TEXT,
        after_digest  TEXT,
        -- canonical JSON of an object, never a secret (Audit.append refuses them)
        details       TEXT,
        -- the previous row's hash; 64 zeros for seq 1
        prev_hash     TEXT NOT NULL,
        hash          TEXT NOT NULL
      );
      CREATE INDEX audit_log_action ON audit_log (action, seq);
      CREATE INDEX audit_log_actor ON audit_log (actor COLLATE NOCASE, seq);
      CREATE INDEX audit_log_target ON audit_log (target_kind, target_id, seq);
      CREATE INDEX audit_log_at ON audit_log (at);

      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
];
