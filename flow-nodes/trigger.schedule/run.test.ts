import { describe, expect, it } from 'vitest';
import { ConfigError, type TriggerContext, type TriggerEvent } from '@millrace/node-sdk';
import { silentLogger } from '../shared/test-context.ts';
import { compile, firesBetween, trigger } from './run.ts';

type Ctx = Parameters<typeof trigger.start>[0];

function fakeContext(config: Record<string, unknown>, state = new Map<string, unknown>()) {
  const events: Array<Record<string, unknown>> = [];
  const ctx = {
    config,
    connection: undefined,
    params: {},
    signal: new AbortController().signal,
    log: silentLogger,
    state: {
      get: async (k) => state.get(k),
      put: async (k, v) => void state.set(k, v),
      claim: async (k, v) => ({ claimed: !state.has(k), value: state.get(k) ?? v }),
      delete: async (k) => void state.delete(k),
    },
    async accept(event: TriggerEvent) {
      events.push(JSON.parse(event.payloadText) as Record<string, unknown>);
      return { runId: String(events.length), duplicate: false };
    },
    async reject() {},
  } as TriggerContext as Ctx;
  return { ctx, events, state };
}

describe('trigger.schedule', () => {
  it('lists the fires of a pattern in a time zone', () => {
    const cron = compile({ cron: '0 6 * * *', timezone: 'Europe/Berlin' });
    const fires = firesBetween(cron, new Date('2026-03-28T00:00:00Z'), new Date('2026-03-31T00:00:00Z'), 10).map((d) =>
      d.toISOString(),
    );
    // 06:00 Berlin is 05:00 UTC in winter and 04:00 UTC after the switch to summer time.
    expect(fires).toEqual(['2026-03-28T05:00:00.000Z', '2026-03-29T04:00:00.000Z', '2026-03-30T04:00:00.000Z']);
  });

  it('starts a run on every fire, and remembers the last one', async () => {
    const { ctx, events, state } = fakeContext({ cron: '* * * * * *', payload: { plant: 'P100' } });
    const stop = await trigger.start(ctx);
    for (let i = 0; i < 300 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await stop();
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]).toMatchObject({ plant: 'P100', missed: 0 });
    expect(state.get('lastFire')).toBe(Date.parse(events.at(-1)!.scheduledAt as string));
  });

  it('runs once for the fires missed while down, by default, and not at all with "skip"', async () => {
    const before = Date.now() - 10_500;
    const once = fakeContext({ cron: '* * * * * *' }, new Map([['lastFire', before]]));
    const stopOnce = await trigger.start(once.ctx);
    await stopOnce();
    expect(once.events[0]!.missed).toBeGreaterThanOrEqual(9);
    const skip = fakeContext({ cron: '* * * * * *', missed: 'skip' }, new Map([['lastFire', before]]));
    const stopSkip = await trigger.start(skip.ctx);
    await stopSkip();
    expect(skip.events.filter((e) => (e.missed as number) > 0)).toEqual([]);
  });

  it('refuses a pattern that is not cron with a config error', async () => {
    await expect(trigger.start(fakeContext({ cron: 'every monday' }).ctx)).rejects.toBeInstanceOf(ConfigError);
  });
});
