/**
 * Failed-login limits, per username and per client address, over a sliding window.
 *
 * In memory on purpose: one server process guards one plant's logins, and a restart forgetting
 * the counters costs an attacker a restart's worth of guesses at ~0.1 s of scrypt each. Several
 * server processes behind one address would each count alone; that needs a shared store.
 */
export interface LoginLimits {
  /** Failed logins per username within the window before further attempts get 429. @default 5 */
  readonly perUsername?: number;
  /**
   * Failed logins per client address within the window. Higher than per user: a plant's
   * operators often share one NAT address, and one mistyping must not lock out the shift.
   * @default 20
   */
  readonly perAddress?: number;
  /** @default 15 minutes */
  readonly windowMs?: number;
}

/** Keys kept at most; beyond, the oldest go first (a flood of invented usernames must not eat memory). */
const MAX_KEYS = 10_000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly perUsername: number;
  private readonly perAddress: number;
  private readonly windowMs: number;

  constructor(
    limits: LoginLimits = {},
    private readonly now: () => number = Date.now,
  ) {
    this.perUsername = limits.perUsername ?? 5;
    this.perAddress = limits.perAddress ?? 20;
    this.windowMs = limits.windowMs ?? 15 * 60_000;
  }

  /**
   * Checks both limits and, when neither is reached, counts this attempt as a failure at once,
   * before the password is even verified: otherwise a burst of parallel guesses would all pass
   * the check while their scrypt runs. `succeeded` takes the count back.
   * @returns seconds to wait when a limit is reached, else undefined.
   */
  attempt(username: string, address: string): number | undefined {
    const t = this.now();
    const waits = [
      this.wait(userKey(username), this.perUsername, t),
      this.wait(addressKey(address), this.perAddress, t),
    ].filter((w): w is number => w !== undefined);
    if (waits.length > 0) return Math.max(...waits);
    this.record(userKey(username), t);
    this.record(addressKey(address), t);
    return undefined;
  }

  /**
   * A good password: that username's count starts over (the brief's rule), and this attempt is
   * taken off the address's count. The address keeps its other failures, so one valid account
   * cannot be used to wash out guesses at others from the same address.
   */
  succeeded(username: string, address: string): void {
    this.failures.delete(userKey(username));
    const list = this.failures.get(addressKey(address));
    list?.pop();
  }

  private wait(key: string, limit: number, t: number): number | undefined {
    const list = this.live(key, t);
    if (!list || list.length < limit) return undefined;
    // The attempt that frees a slot is the oldest one leaving the window.
    const freeAt = (list[list.length - limit] as number) + this.windowMs;
    return Math.max(1, Math.ceil((freeAt - t) / 1000));
  }

  private live(key: string, t: number): number[] | undefined {
    const list = this.failures.get(key);
    if (!list) return undefined;
    const kept = list.filter((at) => at > t - this.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept.length === 0 ? undefined : kept;
  }

  private record(key: string, t: number): void {
    const list = this.failures.get(key) ?? [];
    list.push(t);
    // Re-inserting moves the key to the end of the Map's order: oldest activity is evicted first.
    this.failures.delete(key);
    this.failures.set(key, list);
    if (this.failures.size > MAX_KEYS) {
      for (const k of this.failures.keys()) {
        this.failures.delete(k);
        if (this.failures.size <= MAX_KEYS) break;
      }
    }
  }
}

// Usernames are case-insensitive (ASCII), so their counters are too; the prefixes keep the two kinds apart.
const userKey = (username: string) => `u:${username.toLowerCase()}`;
const addressKey = (address: string) => `a:${address}`;
