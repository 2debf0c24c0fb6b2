export interface Backoff {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * The wait before reconnect attempt `attempt` (0-based): doubling from minMs, capped at maxMs,
 * then jittered to between half and all of it. The jitter keeps a plant's clients from all
 * reconnecting in the same instant after a broker restart; the half floor keeps the backoff
 * meaningful.
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
