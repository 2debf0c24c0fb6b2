import type { Database, Statement } from 'better-sqlite3';

/**
 * Group commit: every write issued during one turn of the event loop runs at once inside one
 * open transaction, and a single COMMIT at the end of the turn (setImmediate) makes them all
 * durable together. Each write still resolves only after that COMMIT returned, so a caller that
 * acknowledges after `await` acknowledges durable data. Measured on this machine: per-write
 * autocommit costs ~45 % of throughput, a 1 ms timer is latency-bound at low concurrency.
 *
 * Each write runs in its own SAVEPOINT, so one failing write rolls back alone and rejects only
 * its own caller; the rest of the batch commits.
 */
export class GroupCommit {
  private open = false;
  private waiting: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;
  private readonly savepoint: Statement;
  private readonly release: Statement;
  private readonly rollbackTo: Statement;
  /** Transactions committed and writes they carried, for the benchmark and metrics. */
  readonly stats = { commits: 0, writes: 0 };

  constructor(private readonly db: Database) {
    this.begin = db.prepare('BEGIN');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT w');
    this.release = db.prepare('RELEASE w');
    this.rollbackTo = db.prepare('ROLLBACK TO w');
  }

  /** Runs `fn` now, inside the open transaction; resolves with its result once committed. */
  write<T>(fn: () => T): Promise<T> {
    if (!this.open) {
      this.begin.run();
      this.open = true;
      setImmediate(() => this.flush());
    }
    this.savepoint.run();
    let result: T;
    try {
      result = fn();
      this.release.run();
    } catch (e) {
      this.rollbackTo.run();
      this.release.run();
      return Promise.reject(e);
    }
    this.stats.writes++;
    return new Promise<T>((resolve, reject) => this.waiting.push({ resolve: () => resolve(result), reject }));
  }

  /** Commits now (used before close, and by tests that need a commit point). */
  flush(): void {
    if (!this.open) return;
    const waiting = this.waiting;
    this.waiting = [];
    this.open = false;
    try {
      this.commit.run();
      this.stats.commits++;
    } catch (e) {
      try {
        this.rollback.run();
      } catch {
        // The transaction may already be gone; the callers learn of the failure below.
      }
      for (const w of waiting) w.reject(e);
      return;
    }
    for (const w of waiting) w.resolve();
  }
}
