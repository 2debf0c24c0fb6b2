import type Database from 'better-sqlite3';
import type { ServerDb } from '../db.ts';
import type { Principal, Role } from '../roles.ts';
import {
  assertNoSecrets,
  auditDigest,
  AuditRefused,
  canonicalJson,
  GENESIS_HASH,
  isDigest,
  rowHash,
  type AuditRow,
} from './chain.ts';

/** Who made a change: a user (a Principal will do as is) or the server itself. */
export type AuditActor = { readonly username: string; readonly role: Role } | 'system';

/** The actor for a route's caller; 'system' when there is none (a public route). */
export const actorOf = (principal: Principal | undefined): AuditActor =>
  principal ? { username: principal.username, role: principal.role } : 'system';

export interface AuditEntry {
  readonly actor: AuditActor;
  /** `<thing>.<verb>` in lower case: user.create, token.revoke, dead_letter.replay, pack.import, flow.publish. */
  readonly action: string;
  /** What was changed: kind (user, token, dead_letter, flow, pack, plant, secret, …) and its id. */
  readonly target: { readonly kind: string; readonly id: string };
  /** Why, in the caller's words (required by the routes that change operations, optional here). */
  readonly reason?: string;
  /**
   * The target's state before and after; only their digests (auditDigest) are stored. undefined
   * or null means "none" (before a create, after a delete). Give `beforeDigest` / `afterDigest`
   * instead when you already hold one.
   */
  readonly before?: unknown;
  readonly after?: unknown;
  readonly beforeDigest?: string;
  readonly afterDigest?: string;
  /**
   * Anything that helps a reader (names, counts, from/to of a field), stored as canonical JSON.
   * Never secrets: a string under a key such as password, token, secret or apiKey, or a value
   * that looks like an API token or a password hash, makes append throw AuditRefused.
   */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditRecord {
  readonly seq: number;
  /** Epoch ms. Rows are ordered by seq; a clock set back does not reorder them. */
  readonly at: number;
  readonly actor: string;
  readonly actorRole: string;
  readonly action: string;
  readonly target: { readonly kind: string; readonly id: string };
  readonly reason: string | null;
  readonly beforeDigest: string | null;
  readonly afterDigest: string | null;
  /** The details object; the raw text if a row was edited into something that is not JSON. */
  readonly details: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditFilter {
  /** An exact action, or a family: 'user.*'. */
  readonly action?: string;
  /** A username (case-insensitive) or 'system'. */
  readonly actor?: string;
  readonly targetKind?: string;
  readonly targetId?: string;
  /** Epoch ms, inclusive. */
  readonly since?: number;
  /** Epoch ms, exclusive. */
  readonly until?: number;
  /** Only rows with a smaller seq: the cursor for the next page (newest first). */
  readonly beforeSeq?: number;
  /** @default 100, at most 1000 */
  readonly limit?: number;
}

export type AuditVerdict =
  | {
      readonly ok: true;
      readonly rows: number;
      /** The last row: a monitor that keeps it can tell when the tail is cut off or the chain rewritten. */
      readonly head: { readonly seq: number; readonly hash: string } | null;
    }
  | {
      readonly ok: false;
      readonly rows: number;
      /** The first row that fails: edited, re-linked, or the first one after missing rows. */
      readonly brokenAt: number;
      readonly why: string;
    };

export interface AuditOptions {
  /** The server's database, opened with AUDIT_MIGRATIONS. */
  readonly db: ServerDb;
  /** The clock, in epoch ms. @default Date.now */
  readonly now?: () => number;
}

export const MAX_LIST = 1000;
const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const KIND = /^[a-z][a-z0-9_]*$/;

type Prepared = Omit<AuditRow, 'seq' | 'at' | 'prev_hash' | 'hash'>;

/**
 * The append-only, hash-chained audit log (DESIGN §6): who changed what, when, why, with digests
 * of the state before and after. Each row carries the hash of the one before, so editing,
 * deleting or inserting a row breaks the chain at that row, which `verify` names.
 */
export class Audit {
  readonly db: ServerDb;
  readonly now: () => number;
  private readonly insert: Database.Transaction<(p: Prepared) => AuditRecord>;

  constructor(options: AuditOptions) {
    this.db = options.db;
    this.now = options.now ?? Date.now;
    const head = this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    const put = this.db.prepare(
      `INSERT INTO audit_log (seq, at, actor, actor_role, action, target_kind, target_id, reason,
         before_digest, after_digest, details, prev_hash, hash)
       VALUES (@seq, @at, @actor, @actor_role, @action, @target_kind, @target_id, @reason,
         @before_digest, @after_digest, @details, @prev_hash, @hash)`,
    );
    this.insert = this.db.transaction((p: Prepared) => {
      const last = head.get() as { seq: number; hash: string } | undefined;
      const unhashed = { ...p, seq: (last?.seq ?? 0) + 1, at: this.now(), prev_hash: last?.hash ?? GENESIS_HASH };
      const row: AuditRow = { ...unhashed, hash: rowHash(unhashed) };
      put.run(row);
      return recordOf(row);
    });
  }

  /**
   * Appends one record and returns it. Synchronous, in a BEGIN IMMEDIATE transaction: the head is
   * read and the row written under SQLite's write lock, so two appends (from any connection or
   * process on the same file) never chain onto the same row. Called inside a caller's own
   * transaction it joins it (a savepoint), so the change and its record commit together; make
   * that outer transaction `.immediate()` too, or another writer can make it fail with SQLITE_BUSY.
   * @throws AuditRefused for a malformed entry or details that would store a secret.
   */
  append(entry: AuditEntry): AuditRecord {
    return this.insert.immediate(prepare(entry));
  }

  /** Records matching every given filter, newest first. */
  list(filter: AuditFilter = {}): AuditRecord[] {
    const where: string[] = [];
    const args: Record<string, string | number> = {};
    if (filter.action !== undefined) {
      if (filter.action.endsWith('.*')) {
        // A family: 'user.*' is every action starting 'user.' (no LIKE, so '_' stays literal).
        where.push('substr(action, 1, length(@actionPrefix)) = @actionPrefix');
        args.actionPrefix = filter.action.slice(0, -1);
      } else {
        where.push('action = @action');
        args.action = filter.action;
      }
    }
    if (filter.actor !== undefined) {
      where.push('actor = @actor COLLATE NOCASE');
      args.actor = filter.actor;
    }
    if (filter.targetKind !== undefined) {
      where.push('target_kind = @targetKind');
      args.targetKind = filter.targetKind;
    }
    if (filter.targetId !== undefined) {
      where.push('target_id = @targetId');
      args.targetId = filter.targetId;
    }
    if (filter.since !== undefined) {
      where.push('at >= @since');
      args.since = filter.since;
    }
    if (filter.until !== undefined) {
      where.push('at < @until');
      args.until = filter.until;
    }
    if (filter.beforeSeq !== undefined) {
      where.push('seq < @beforeSeq');
      args.beforeSeq = filter.beforeSeq;
    }
    args.limit = Math.max(1, Math.min(Math.floor(filter.limit ?? 100), MAX_LIST));
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`,
      )
      .all(args) as AuditRow[];
    return rows.map(recordOf);
  }

  /**
   * Walks the whole chain from seq 1 and stops at the first row that fails: a seq missing before
   * it (deleted rows), contents that do not give its hash (an edited row), or a prev_hash that is
   * not the previous row's hash (the previous row was edited and its hash recomputed). A chain
   * rewritten from some row to the end, or cut off at the end, still verifies: compare `head`
   * with one kept elsewhere to catch that.
   */
  verify(): AuditVerdict {
    // One read transaction: the walk and the count see the same rows while appends go on.
    return this.db.transaction((): AuditVerdict => {
      const total = (this.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
      const broken = (brokenAt: number, why: string): AuditVerdict => ({ ok: false, rows: total, brokenAt, why });
      let expected = 1;
      let prev = GENESIS_HASH;
      for (const row of this.db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as Iterable<AuditRow>) {
        if (row.seq !== expected) {
          if (row.seq < expected) return broken(row.seq, `row ${row.seq} is out of sequence (expected ${expected})`);
          const missing = row.seq - 1 === expected ? `row ${expected} is` : `rows ${expected}–${row.seq - 1} are`;
          return broken(
            row.seq,
            `${missing} missing: deleted from the log (row ${row.seq} follows row ${expected - 1})`,
          );
        }
        if (rowHash(row) !== row.hash)
          return broken(row.seq, `row ${row.seq} does not match its hash: it was edited after it was written`);
        if (row.prev_hash !== prev)
          return broken(
            row.seq,
            row.seq === 1
              ? 'row 1 does not start the chain (its prev_hash is not 64 zeros)'
              : `row ${row.seq} does not link to row ${row.seq - 1} (its prev_hash is not that row's hash): row ${row.seq - 1} was replaced or edited and its hash recomputed`,
          );
        prev = row.hash;
        expected += 1;
      }
      return { ok: true, rows: total, head: expected === 1 ? null : { seq: expected - 1, hash: prev } };
    })();
  }
}

function prepare(e: AuditEntry): Prepared {
  const actor = e.actor === 'system' ? { username: 'system', role: 'system' } : e.actor;
  if (typeof actor?.username !== 'string' || actor.username === '' || typeof actor.role !== 'string')
    throw new AuditRefused('audit: the actor must be { username, role } or "system"');
  if (typeof e.action !== 'string' || !ACTION.test(e.action))
    throw new AuditRefused(`audit: action "${String(e.action)}" is not <thing>.<verb> in lower case`);
  if (typeof e.target?.kind !== 'string' || !KIND.test(e.target.kind))
    throw new AuditRefused(`audit: target kind "${String(e.target?.kind)}" is not a lower-case word`);
  if (typeof e.target.id !== 'string' || e.target.id === '')
    throw new AuditRefused('audit: the target needs an id (a non-empty string)');
  if (e.reason !== undefined && typeof e.reason !== 'string')
    throw new AuditRefused('audit: the reason must be a string');
  if (e.details !== undefined && (e.details === null || typeof e.details !== 'object' || Array.isArray(e.details)))
    throw new AuditRefused('audit: details must be an object');
  if (e.details !== undefined) assertNoSecrets(e.details);
  return {
    actor: actor.username,
    actor_role: actor.role,
    action: e.action,
    target_kind: e.target.kind,
    target_id: e.target.id,
    reason: e.reason ?? null,
    before_digest: digestOf(e.before, e.beforeDigest, 'before'),
    after_digest: digestOf(e.after, e.afterDigest, 'after'),
    details: e.details === undefined ? null : canonicalJson(e.details),
  };
}

function digestOf(state: unknown, given: string | undefined, which: string): string | null {
  const hasState = state !== undefined && state !== null;
  if (given !== undefined) {
    if (hasState) throw new AuditRefused(`audit: give ${which} or ${which}Digest, not both`);
    if (!isDigest(given)) throw new AuditRefused(`audit: ${which}Digest must be 64 lower-case hex digits`);
    return given;
  }
  return hasState ? auditDigest(state) : null;
}

function recordOf(r: AuditRow): AuditRecord {
  let details: unknown = null;
  if (r.details !== null) {
    try {
      details = JSON.parse(r.details) as unknown;
    } catch {
      details = r.details;
    }
  }
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    actorRole: r.actor_role,
    action: r.action,
    target: { kind: r.target_kind, id: r.target_id },
    reason: r.reason,
    beforeDigest: r.before_digest,
    afterDigest: r.after_digest,
    details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
