import Database from 'better-sqlite3';

export type ServerDb = Database.Database;

/**
 * One schema change of the server's own database (users, tokens, sessions, audit, …): applied
 * once, in order, each in a transaction. Modules add theirs to MIGRATIONS below; never edit one
 * that has shipped, add the next.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: Migration[] = [];

/**
 * Opens (creating it if need be) the server's SQLite file next to the engine's store and brings
 * its schema up to date. Separate from the engine's file so either can move to PostgreSQL alone.
 */
export function openServerDb(file: string, migrations: readonly Migration[] = MIGRATIONS): ServerDb {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    const done = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
    );
    const sorted = [...migrations].sort((a, b) => a.version - b.version);
    for (const m of sorted) {
      if (done.has(m.version)) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          Date.now(),
        );
      })();
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
