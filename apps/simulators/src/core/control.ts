import type { FaultRule } from './faults.ts';
import type { SimContext } from './context.ts';
import type { Router } from './http.ts';

export interface ControlHooks {
  /** Clear the store and load the seed again. */
  reset(seed: number): void | Promise<void>;
  /** Load extra seed data (simulator-specific shape). */
  seed?(data: unknown): void | Promise<void>;
  /** The simulator's own store, for assertions ("read from the simulators' own stores"). */
  store(): unknown;
}

/**
 * The shared control plane under /__sim: reset, seed, fault rules, clock, outbox, request log,
 * store. Not protected by auth: simulators are test tools bound to 127.0.0.1.
 */
export function addControlPlane(router: Router, ctx: SimContext, hooks: ControlHooks): void {
  router.get('/__sim/health', () => ({
    status: 200,
    body: { name: ctx.name, status: 'ok', seed: ctx.seed, clock: ctx.clock.state() },
  }));
  router.post('/__sim/reset', async (req) => {
    const seed =
      typeof (req.body as { seed?: unknown } | undefined)?.seed === 'number'
        ? (req.body as { seed: number }).seed
        : ctx.seed;
    ctx.reset(seed);
    await hooks.reset(seed);
    return { status: 200, body: { reset: true, seed } };
  });
  router.post('/__sim/seed', async (req) => {
    if (!hooks.seed)
      return { status: 404, body: { error: { code: 'NO_SEED', message: `${ctx.name} takes no extra seed data` } } };
    await hooks.seed(req.body);
    return { status: 200, body: { seeded: true } };
  });
  router.get('/__sim/faults', () => ({ status: 200, body: { rules: ctx.faults.list(), history: ctx.faults.history } }));
  router.put('/__sim/faults', (req) => {
    const rules = (req.body as { rules?: unknown } | undefined)?.rules;
    if (!Array.isArray(rules))
      return { status: 400, body: { error: { code: 'BAD_RULES', message: 'send { "rules": [ … ] }' } } };
    ctx.faults.set(rules as FaultRule[]);
    return { status: 200, body: { rules: ctx.faults.list() } };
  });
  router.post('/__sim/clock', (req) => {
    const b = (req.body ?? {}) as { advanceMs?: number; freeze?: boolean; resume?: boolean; set?: string };
    if (typeof b.advanceMs === 'number') ctx.clock.advance(b.advanceMs);
    if (b.freeze) ctx.clock.freeze();
    if (b.resume) ctx.clock.resume();
    if (typeof b.set === 'string') ctx.clock.set(Date.parse(b.set));
    return { status: 200, body: ctx.clock.state() };
  });
  router.get('/__sim/outbox', () => ({ status: 200, body: { events: ctx.outbox.entries } }));
  router.get('/__sim/requests', (req) => {
    const path = req.query.get('path');
    const entries = path ? ctx.log.entries.filter((e) => e.path.includes(path)) : ctx.log.entries;
    return { status: 200, body: { requests: entries } };
  });
  router.get('/__sim/store', () => ({ status: 200, body: hooks.store() }));
}
