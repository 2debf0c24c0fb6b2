import { randomUUID } from 'node:crypto';
import type { ServerDb } from '../db.ts';
import type { Role } from '../roles.ts';

/**
 * The SQL of users, API tokens and sessions, and nothing else: no hashing, no rules. Rows come
 * back without their hashes unless a caller asks for the one it must verify.
 */
export interface UserRow {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly createdAt: number;
}

export interface TokenRow {
  readonly id: string;
  readonly userId: string;
  readonly username: string;
  readonly name: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

/** What a credential resolves to: the user, plus the hash and times the caller must check. */
export interface CredentialRow {
  readonly id: string;
  readonly hash: string;
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly lastUsed: number | null;
  readonly expiresAt: number | null;
  readonly revokedAt?: number | null;
  readonly createdAt: number;
}

const USER_COLUMNS = 'id, username, role, disabled = 1 AS disabled, created_at AS createdAt';
const TOKEN_COLUMNS = `t.id, t.user_id AS userId, u.username, t.name, t.created_at AS createdAt,
  t.last_used_at AS lastUsedAt, t.expires_at AS expiresAt, t.revoked_at AS revokedAt`;

// SQLite has no booleans: `disabled` is 0/1 in a row and true/false once out of here.
type Raw<T> = Omit<T, 'disabled'> & { disabled: number };
const user = <T extends { disabled: boolean }>(row: Raw<T> | undefined): T | undefined =>
  row && ({ ...row, disabled: row.disabled === 1 } as unknown as T);

export class AuthStore {
  constructor(readonly db: ServerDb) {}

  // -- users

  countUsers(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  listUsers(): UserRow[] {
    const rows = this.db.prepare(`SELECT ${USER_COLUMNS} FROM users ORDER BY username`).all() as Raw<UserRow>[];
    return rows.map((r) => user<UserRow>(r)!);
  }

  userById(id: string): UserRow | undefined {
    return user<UserRow>(this.db.prepare(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`).get(id) as Raw<UserRow>);
  }

  /** The user and their password hash, for a login; the username matches case-insensitively. */
  userForLogin(username: string): (UserRow & { passwordHash: string }) | undefined {
    const row = this.db
      .prepare(`SELECT ${USER_COLUMNS}, password_hash AS passwordHash FROM users WHERE username = ?`)
      .get(username) as Raw<UserRow & { passwordHash: string }> | undefined;
    return user(row);
  }

  /** @returns undefined when the username is taken (case-insensitively). */
  insertUser(username: string, role: Role, passwordHash: string, now: number): UserRow | undefined {
    const id = randomUUID();
    const info = this.db
      .prepare(
        'INSERT INTO users (id, username, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(id, username, role, passwordHash, now);
    return info.changes === 1 ? this.userById(id) : undefined;
  }

  updateUser(id: string, change: { role?: Role; disabled?: boolean; passwordHash?: string }): void {
    if (change.role !== undefined) this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(change.role, id);
    if (change.disabled !== undefined)
      this.db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(change.disabled ? 1 : 0, id);
    if (change.passwordHash !== undefined)
      this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(change.passwordHash, id);
  }

  countActiveAdmins(): number {
    return (
      this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").get() as { n: number }
    ).n;
  }

  // -- API tokens

  insertToken(userId: string, name: string, tokenHash: string, now: number, expiresAt: number | null): string {
    const id = randomUUID();
    this.db
      .prepare(
        'INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, userId, name, tokenHash, now, expiresAt);
    return id;
  }

  tokenByHash(tokenHash: string): CredentialRow | undefined {
    const row = this.db
      .prepare(
        `SELECT t.id, t.token_hash AS hash, t.user_id AS userId, u.username, u.role, u.disabled,
           t.last_used_at AS lastUsed, t.expires_at AS expiresAt, t.revoked_at AS revokedAt, t.created_at AS createdAt
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`,
      )
      .get(tokenHash) as Raw<CredentialRow> | undefined;
    return user(row);
  }

  touchToken(id: string, now: number): void {
    this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(now, id);
  }

  /** Tokens of one user, or of everyone (`userId` undefined), newest first; never the hash. */
  listTokens(userId: string | undefined): TokenRow[] {
    const where = userId === undefined ? '' : 'WHERE t.user_id = ?';
    return this.db
      .prepare(
        `SELECT ${TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id ${where} ORDER BY t.created_at DESC, t.id`,
      )
      .all(...(userId === undefined ? [] : [userId])) as TokenRow[];
  }

  tokenById(id: string): TokenRow | undefined {
    return this.db
      .prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`)
      .get(id) as TokenRow | undefined;
  }

  /** Revokes once: a second revocation keeps the first time. */
  revokeToken(id: string, now: number): void {
    this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id);
  }

  // -- sessions

  insertSession(idHash: string, userId: string, now: number, expiresAt: number): void {
    this.db
      .prepare('INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)')
      .run(idHash, userId, now, expiresAt, now);
  }

  sessionById(idHash: string): CredentialRow | undefined {
    const row = this.db
      .prepare(
        `SELECT s.id, s.id AS hash, s.user_id AS userId, u.username, u.role, u.disabled,
           s.last_seen_at AS lastUsed, s.expires_at AS expiresAt, s.created_at AS createdAt
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`,
      )
      .get(idHash) as Raw<CredentialRow> | undefined;
    return user(row);
  }

  touchSession(idHash: string, now: number): void {
    this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?').run(now, idHash);
  }

  deleteSession(idHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(idHash);
  }

  /** Ends a user's sessions, but for `keep` (the caller's own, when they change their own password). */
  deleteSessionsOf(userId: string, keep?: string): void {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?').run(userId, keep ?? null);
  }

  /** Drops sessions past their absolute or idle end, so the table holds only live ones. */
  purgeSessions(now: number, idleMs: number): void {
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(now, now - idleMs);
  }
}
