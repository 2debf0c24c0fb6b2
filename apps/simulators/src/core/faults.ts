import type { Rng } from './rng.ts';

/**
 * Fault injection. A rule matches requests (method, path) or events (topic or type), fires by
 * probability or on every nth match, at most `count` times, and has one effect. Faults are
 * recorded, so a test can assert "retried three times, then succeeded".
 */
export type FaultEffect =
  /** Answer with this status instead (503, 429, 500, 502 …), with Retry-After seconds if given. */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly retryAfterSec?: number;
      readonly html?: boolean;
      readonly body?: unknown;
    }
  /** Answer late. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Do the work (commit), then never answer: a blind retry would do it twice. */
  | { readonly kind: 'timeout-after-commit' }
  /** Close the connection without an answer (nothing done), or lose an event. */
  | { readonly kind: 'drop' }
  /** Events: deliver twice (the second after `afterMs`). */
  | { readonly kind: 'duplicate'; readonly afterMs?: number }
  /** Events: hold back, deliver after `delayMs` (so later events overtake it). */
  | { readonly kind: 'out-of-order'; readonly delayMs?: number }
  /** Answers or events: rename, drop or retype fields (drift between API versions). */
  | {
      readonly kind: 'schema-drift';
      readonly rename?: Readonly<Record<string, string>>;
      readonly remove?: readonly string[];
      readonly numbersAsStrings?: boolean;
    };

export interface FaultRule {
  readonly id: string;
  readonly match: { readonly method?: string; readonly path?: string; readonly topic?: string };
  /** Fire with this probability per match (0–1). */
  readonly probability?: number;
  /** Or fire on every nth match (1 = every one). */
  readonly nth?: number;
  /** Fire at most this many times. */
  readonly count?: number;
  readonly effect: FaultEffect;
}

export interface FaultRecord {
  readonly rule: string;
  readonly effect: FaultEffect['kind'];
  readonly at: string;
  readonly method?: string;
  readonly path?: string;
  readonly topic?: string;
}

/** Named effects for the `X-Sim-Fault` header, which forces one fault on one call. */
export const NAMED_FAULTS: Readonly<Record<string, FaultEffect>> = {
  '503': { kind: 'status', status: 503, retryAfterSec: 1 },
  '429': { kind: 'status', status: 429, retryAfterSec: 1 },
  '500': { kind: 'status', status: 500 },
  timeout: { kind: 'timeout-after-commit' },
  'timeout-after-commit': { kind: 'timeout-after-commit' },
  drop: { kind: 'drop' },
  slow: { kind: 'delay', ms: 2000 },
};

function globToRegExp(pattern: string): RegExp {
  // "re:" prefixes a regular expression; otherwise * matches within a segment and ** across.
  if (pattern.startsWith('re:')) return new RegExp(pattern.slice(3));
  const escaped = pattern
    .split('**')
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}

export class FaultEngine {
  private rules: Array<FaultRule & { matched: number; fired: number; re?: RegExp; topicRe?: RegExp }> = [];
  readonly history: FaultRecord[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly now: () => string,
  ) {}

  set(rules: readonly FaultRule[]): void {
    this.rules = rules.map((r) => ({
      ...r,
      matched: 0,
      fired: 0,
      ...(r.match.path ? { re: globToRegExp(r.match.path) } : {}),
      ...(r.match.topic ? { topicRe: globToRegExp(r.match.topic) } : {}),
    }));
  }

  list(): Array<FaultRule & { matched: number; fired: number }> {
    return this.rules.map(({ re: _re, topicRe: _t, ...r }) => r);
  }

  clear(): void {
    this.rules = [];
    this.history.length = 0;
  }

  /** The effect for a request, if a rule fires (or the header forces one). */
  forRequest(method: string, path: string, forced?: string): FaultEffect | undefined {
    if (forced) {
      const effect = NAMED_FAULTS[forced];
      if (effect) this.history.push({ rule: `header:${forced}`, effect: effect.kind, at: this.now(), method, path });
      return effect;
    }
    for (const rule of this.rules) {
      if (rule.match.topic !== undefined) continue;
      if (rule.match.method && rule.match.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.re && !rule.re.test(path)) continue;
      if (this.fires(rule)) {
        this.history.push({ rule: rule.id, effect: rule.effect.kind, at: this.now(), method, path });
        return rule.effect;
      }
    }
    return undefined;
  }

  /** The effect for an event on a topic (MQTT topic or CloudEvent type), if a rule fires. */
  forEvent(topic: string): FaultEffect | undefined {
    for (const rule of this.rules) {
      if (!rule.topicRe || !rule.topicRe.test(topic)) continue;
      if (this.fires(rule)) {
        this.history.push({ rule: rule.id, effect: rule.effect.kind, at: this.now(), topic });
        return rule.effect;
      }
    }
    return undefined;
  }

  private fires(rule: FaultRule & { matched: number; fired: number }): boolean {
    rule.matched++;
    if (rule.count !== undefined && rule.fired >= rule.count) return false;
    const hit = rule.nth !== undefined ? rule.matched % rule.nth === 0 : this.rng.chance(rule.probability ?? 1);
    if (hit) rule.fired++;
    return hit;
  }
}

/** Applies a schema-drift effect to a JSON value (top-level and nested objects). */
export function drift(value: unknown, effect: Extract<FaultEffect, { kind: 'schema-drift' }>): unknown {
  if (Array.isArray(value)) return value.map((v) => drift(v, effect));
  if (value === null || typeof value !== 'object')
    return effect.numbersAsStrings && typeof value === 'number' ? String(value) : value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (effect.remove?.includes(k)) continue;
    out[effect.rename?.[k] ?? k] = drift(v, effect);
  }
  return out;
}
