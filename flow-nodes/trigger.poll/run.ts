import { defineTrigger, RemoteError, type TriggerContext } from '@millrace/node-sdk';
import { statusError } from '../connections/http/classify.ts';
import type { HttpClient } from '../connections/http/client.ts';
import { definition } from './definition.ts';

interface PollConfig {
  path: string;
  watermarkParam?: string;
  watermarkField?: string;
  itemsField?: string;
  initialWatermark?: string;
  intervalMs?: number;
}

/**
 * One poll: fetch what changed since the watermark, hand every item to the engine (durable
 * before the next), then move the watermark to the greatest value seen. Returns the number of
 * items. A failure leaves the watermark where it was: the next poll asks again.
 */
export async function pollOnce(ctx: TriggerContext, client: HttpClient): Promise<number> {
  const config = ctx.config as PollConfig;
  const param = config.watermarkParam ?? 'updatedSince';
  const field = config.watermarkField ?? 'updatedAt';
  const since =
    ((await ctx.state.get('watermark')) as string | undefined) ?? config.initialWatermark ?? new Date().toISOString();
  const answer = await client.request({
    method: 'GET',
    path: config.path,
    query: { [param]: since },
    signal: ctx.signal,
  });
  const failure = statusError(answer, 'GET', new Date());
  if (failure) throw failure;
  const body = JSON.parse(answer.bodyText || 'null') as unknown;
  const items = config.itemsField ? (body as Record<string, unknown> | null)?.[config.itemsField] : body;
  if (!Array.isArray(items))
    throw new RemoteError(
      'POLL_ANSWER_INVALID',
      `the answer of GET ${config.path} holds no array of items${config.itemsField ? ` at "${config.itemsField}"` : ''}`,
    );
  let mark = since;
  for (const item of items) {
    await ctx.accept({ payloadText: JSON.stringify(item) });
    const value = (item as Record<string, unknown> | null)?.[field];
    if (typeof value === 'string' && value > mark) mark = value;
  }
  if (mark !== since) await ctx.state.put('watermark', mark);
  return items.length;
}

export const trigger = defineTrigger<typeof definition.config, HttpClient>({
  ...definition,
  async start(ctx) {
    const interval = (ctx.config as PollConfig).intervalMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let current: Promise<unknown> = Promise.resolve();
    const tick = () => {
      current = pollOnce(ctx, ctx.connection)
        .catch((e: unknown) => ctx.log.warn('a poll failed; the next one asks again', { error: String(e) }))
        .finally(() => {
          if (!stopped) timer = setTimeout(tick, interval);
        });
    };
    tick();
    return async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    };
  },
});
