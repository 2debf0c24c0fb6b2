import { ConfigError, defineTrigger, RemoteError, type TriggerContext } from '@millrace/node-sdk';
import { statusError } from '../connections/http/classify.ts';
import type { HttpClient } from '../connections/http/client.ts';
import type { SapClient } from '../connections/sap-odata-v2/client.ts';
import { definition } from './definition.ts';

interface PollConfig {
  path?: string;
  service?: string;
  entitySet?: string;
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
export async function pollOnce(ctx: TriggerContext, client: HttpClient | SapClient): Promise<number> {
  const config = ctx.config as PollConfig;
  const since =
    ((await ctx.state.get('watermark')) as string | undefined) ?? config.initialWatermark ?? new Date().toISOString();
  const odata = 'service' in client && typeof client.service === 'function';
  const field = config.watermarkField ?? (odata ? 'LastChangeDateTime' : 'updatedAt');
  const items = odata
    ? await fetchOData(config, client as SapClient, field, since, ctx.signal)
    : await fetchHttp(config, client as HttpClient, since, ctx.signal);
  let mark = since;
  for (const item of items) {
    await ctx.accept({ payloadText: JSON.stringify(item) });
    const value = (item as Record<string, unknown> | null)?.[field];
    if (typeof value === 'string' && value > mark) mark = value;
  }
  if (mark !== since) await ctx.state.put('watermark', mark);
  return items.length;
}

async function fetchHttp(
  config: PollConfig,
  client: HttpClient,
  since: string,
  signal: AbortSignal,
): Promise<unknown[]> {
  if (!config.path) throw new ConfigError('POLL_CONFIG_INCOMPLETE', 'polling an HTTP endpoint needs "path"');
  const param = config.watermarkParam ?? 'updatedSince';
  const answer = await client.request({ method: 'GET', path: config.path, query: { [param]: since }, signal });
  const failure = statusError(answer, 'GET', new Date());
  if (failure) throw failure;
  const body = JSON.parse(answer.bodyText || 'null') as unknown;
  const items = config.itemsField ? (body as Record<string, unknown> | null)?.[config.itemsField] : body;
  if (!Array.isArray(items)) {
    throw new RemoteError(
      'POLL_ANSWER_INVALID',
      `the answer of GET ${config.path} holds no array of items${config.itemsField ? ` at "${config.itemsField}"` : ''}`,
    );
  }
  return items;
}

/** OData: the entity set filtered on the change timestamp, oldest first; dates come back as RFC 3339. */
async function fetchOData(
  config: PollConfig,
  client: SapClient,
  field: string,
  since: string,
  signal: AbortSignal,
): Promise<unknown[]> {
  if (!config.service || !config.entitySet)
    throw new ConfigError('POLL_CONFIG_INCOMPLETE', 'polling OData needs "service" and "entitySet"');
  const { results } = await client.service(config.service).readCollection(config.entitySet, {
    query: { filter: [{ field, op: 'gt', value: since, type: 'datetimeoffset' }], orderby: `${field} asc` },
    signal,
  });
  return results;
}

export const trigger = defineTrigger<typeof definition.config, HttpClient | SapClient>({
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
