/**
 * Time-ordered integer ids for runs and dead letters: milliseconds since the epoch × 1024 plus a
 * counter. They stay below 2^53 until the year 2248, sort by creation time (so pruning by age
 * is a primary-key range), and never repeat after a database is reset, which matters because
 * step idempotency keys sent to remote systems derive from them.
 */
export class IdGenerator {
  private lastMs = 0;
  private counter: number;

  constructor(private readonly now: () => number = Date.now) {
    // A random start makes two workers sharing a database unlikely to collide in the same ms;
    // the store's primary key catches the rest and the caller retries.
    this.counter = Math.floor(Math.random() * 512);
  }

  next(): number {
    const ms = this.now();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.counter = Math.floor(Math.random() * 512);
    } else if (++this.counter >= 1024) {
      // More than ~500 ids in one millisecond: borrow the next millisecond.
      this.lastMs++;
      this.counter = 0;
    }
    return this.lastMs * 1024 + this.counter;
  }
}

/** The first id a run created at `ms` could have: prune everything below it. */
export function idAt(ms: number): number {
  return ms * 1024;
}

export function timeOfId(id: number): number {
  return Math.floor(id / 1024);
}
