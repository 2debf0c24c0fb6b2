/**
 * Wrong signature passwords per user over a sliding window (Part 11 §11.300(d): safeguards
 * against the unauthorized use of a signature). Per user only: the caller is already
 * authenticated, so the guesser holds that user's token or session.
 *
 * In memory, as the login limiter is: a restart forgets the counts, which costs an attacker a
 * restart per five guesses at ~0.1 s of scrypt each.
 */
export interface SignatureLimits {
  /** Wrong passwords within the window before further signing attempts get 429. @default 5 */
  readonly maxFailures?: number;
  /** @default 15 minutes */
  readonly windowMs?: number;
}

export class SignatureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly max: number;
  private readonly windowMs: number;

  constructor(
    limits: SignatureLimits = {},
    private readonly now: () => number = Date.now,
  ) {
    this.max = limits.maxFailures ?? 5;
    this.windowMs = limits.windowMs ?? 15 * 60_000;
  }

  /**
   * Counts this attempt as a failure at once, before the password is verified, so parallel
   * guesses cannot all slip past while their scrypt runs; `succeeded` forgets the user's count.
   * @returns seconds to wait when the limit is reached (nothing counted), else undefined.
   */
  attempt(userId: string): number | undefined {
    const t = this.now();
    const live = (this.failures.get(userId) ?? []).filter((at) => at > t - this.windowMs);
    if (live.length >= this.max) {
      this.failures.set(userId, live);
      const freeAt = live[live.length - this.max]! + this.windowMs;
      return Math.max(1, Math.ceil((freeAt - t) / 1000));
    }
    live.push(t);
    this.failures.set(userId, live);
    return undefined;
  }

  succeeded(userId: string): void {
    this.failures.delete(userId);
  }
}
