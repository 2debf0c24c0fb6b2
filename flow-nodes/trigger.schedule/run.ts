import { Cron } from 'croner';
import { ConfigError, defineTrigger, type TriggerContext } from '@millrace/node-sdk';
import { definition } from './definition.ts';

interface ScheduleConfig {
  cron: string;
  timezone?: string;
  missed?: 'skip' | 'run-once' | 'run-all';
  payload?: Record<string, unknown>;
}

const MAX_CATCH_UP = 100;

/** Fires strictly after `from` and at or before `to`, at most `limit`. */
export function firesBetween(cron: Cron, from: Date, to: Date, limit: number): Date[] {
  const out: Date[] = [];
  let next = cron.nextRun(from);
  while (next && next <= to && out.length < limit) {
    out.push(next);
    next = cron.nextRun(next);
  }
  return out;
}

export function compile(config: ScheduleConfig): Cron {
  try {
    return new Cron(config.cron, { paused: true, timezone: config.timezone ?? 'UTC' });
  } catch (e) {
    throw new ConfigError('SCHEDULE_INVALID', `the schedule "${config.cron}" is not valid: ${(e as Error).message}`);
  }
}

async function fire(ctx: TriggerContext, config: ScheduleConfig, scheduledAt: Date, missed: number): Promise<void> {
  const event = {
    ...config.payload,
    scheduledAt: scheduledAt.toISOString(),
    firedAt: new Date().toISOString(),
    missed,
  };
  // Durable first, then remembered: a crash in between fires this time again, so flows that must
  // run once per fire set their idempotencyKey to msg.payload.scheduledAt.
  await ctx.accept({ payloadText: JSON.stringify(event), sourceKey: event.scheduledAt });
  await ctx.state.put('lastFire', scheduledAt.getTime());
}

export const trigger = defineTrigger({
  ...definition,
  async start(ctx) {
    const config = ctx.config as ScheduleConfig;
    const cron = compile(config);
    const last = (await ctx.state.get('lastFire')) as number | undefined;
    if (last !== undefined) {
      const missed = firesBetween(cron, new Date(last), new Date(), MAX_CATCH_UP);
      if (missed.length > 0 && config.missed !== 'skip') {
        if (config.missed === 'run-all') for (const at of missed) await fire(ctx, config, at, 0);
        else await fire(ctx, config, missed[missed.length - 1]!, missed.length);
      }
      if (missed.length > 0)
        ctx.log.info('schedule fires missed while down', { count: missed.length, policy: config.missed ?? 'run-once' });
    }
    let inFlight = Promise.resolve();
    const job = new Cron(config.cron, { timezone: config.timezone ?? 'UTC', protect: true }, (self: Cron) => {
      const at = self.currentRun() ?? new Date();
      inFlight = inFlight.then(() =>
        fire(ctx, config, at, 0).catch((e: unknown) =>
          ctx.log.error('a scheduled fire could not be stored', { error: String(e) }),
        ),
      );
    });
    return async () => {
      job.stop();
      await inFlight;
    };
  },
});
