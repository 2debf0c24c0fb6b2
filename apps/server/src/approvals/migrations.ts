import type { Migration } from '../db.ts';

/**
 * The approvals module's table (versions 500–599 belong to approvals): one electronic signature
 * per approval node of a run (21 CFR Part 11 §11.50/§11.70: printed name, time, meaning, linked to
 * the record signed). Times are epoch ms.
 *
 * No foreign key to users: a signature outlives the account that made it, so the user's id,
 * username and printed name are copied in. The triggers keep a signature as signed — only
 * `delivered_at` may be set, once — guarding against accidents, not against someone with the file
 * (the audit chain holds a digest of each signature for that).
 */
export const APPROVAL_MIGRATIONS: Migration[] = [
  {
    version: 500,
    name: 'approvals: signatures',
    sql: `
      CREATE TABLE signatures (
        id            TEXT PRIMARY KEY,
        run_id        INTEGER NOT NULL,
        node_id       TEXT NOT NULL,
        flow_id       TEXT NOT NULL,
        flow_version  TEXT NOT NULL,
        plant         TEXT,
        user_id       TEXT NOT NULL,
        username      TEXT NOT NULL,
        -- the auth store has no display name yet: the username
        printed_name  TEXT NOT NULL,
        -- the signer's role when signing
        role          TEXT NOT NULL,
        -- from the approval node's config, confirmed by the signer
        meaning       TEXT NOT NULL,
        decision      TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
        reason        TEXT NOT NULL,
        signed_at     INTEGER NOT NULL,
        -- sha256 hex of the canonical JSON of the waiting step's input: what was signed
        record_digest TEXT NOT NULL,
        -- when the decision reached the waiting run; NULL until then (a crash before the signal)
        delivered_at  INTEGER,
        UNIQUE (run_id, node_id)
      );
      CREATE INDEX signatures_user ON signatures (user_id, signed_at);

      CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
      BEGIN SELECT RAISE(ABORT, 'signatures are permanent'); END;

      CREATE TRIGGER signatures_no_edit BEFORE UPDATE OF id, run_id, node_id, flow_id, flow_version, plant,
        user_id, username, printed_name, role, meaning, decision, reason, signed_at, record_digest ON signatures
      BEGIN SELECT RAISE(ABORT, 'a signature cannot be changed'); END;

      CREATE TRIGGER signatures_delivered_once BEFORE UPDATE OF delivered_at ON signatures
      WHEN OLD.delivered_at IS NOT NULL
      BEGIN SELECT RAISE(ABORT, 'a signature is delivered once'); END;
    `,
  },
];
