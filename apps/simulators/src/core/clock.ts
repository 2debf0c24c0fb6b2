/**
 * The simulators' clock: real time by default, or frozen, or shifted, so scenarios that span
 * days (a decision due tomorrow, a CAPA due in 30 days) run in seconds.
 */
export class VirtualClock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(ms: number): void {
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  freeze(at?: number): void {
    this.frozenAt = at ?? this.now();
  }

  resume(): void {
    if (this.frozenAt !== undefined) this.offsetMs = this.frozenAt - Date.now();
    this.frozenAt = undefined;
  }

  set(at: number): void {
    if (this.frozenAt !== undefined) this.frozenAt = at;
    else this.offsetMs = at - Date.now();
  }

  state(): { now: string; frozen: boolean; offsetMs: number } {
    return { now: this.iso(), frozen: this.frozenAt !== undefined, offsetMs: this.offsetMs };
  }
}
