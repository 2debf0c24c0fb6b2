import type { Migration } from '../db.ts';

/**
 * The auth module's tables (versions 100–199 belong to auth). Secrets are never stored: a
 * password as an scrypt hash, an API token and a session cookie as the SHA-256 of their value,
 * so a copy of the database file lets nobody in. Times are epoch milliseconds.
 */
export const AUTH_MIGRATIONS: Migration[] = [
  {
    version: 100,
    name: 'auth: users, api_tokens, sessions',
    sql: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        -- NOCASE: "Admin" and "admin" are one user (usernames are ASCII, where NOCASE is exact).
        username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role          TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'approver', 'admin')),
        -- scrypt$N$r$p$salt$hash (salt and hash base64url): the parameters travel with the hash,
        -- so they can be raised later without breaking the passwords already stored.
        password_hash TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
      );

      CREATE TABLE api_tokens (
        id           TEXT PRIMARY KEY,
        user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        -- sha256 hex of the token; the token itself is shown once, at creation.
        token_hash   TEXT NOT NULL UNIQUE,
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER,
        expires_at   INTEGER,
        revoked_at   INTEGER
      );
      CREATE INDEX api_tokens_user ON api_tokens (user_id);

      CREATE TABLE sessions (
        -- sha256 hex of the cookie value: a leaked database holds no usable session.
        id           TEXT PRIMARY KEY,
        user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at   INTEGER NOT NULL,
        -- the absolute end (created + 24 h); the idle end is last_seen_at + 8 h.
        expires_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions (user_id);
      CREATE INDEX sessions_expiry ON sessions (expires_at);
    `,
  },
];
