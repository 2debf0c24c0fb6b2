import { ConfigError, defineNode, emitText } from '@millrace/node-sdk';
import { statusError } from '../connections/http/classify.ts';
import type { HttpClient } from '../connections/http/client.ts';
import { definition } from './definition.ts';

interface NotifyConfig {
  path?: string;
  severity?: 'info' | 'warning' | 'critical';
  title: string;
  text?: string;
}

export const node = defineNode<typeof definition.config, typeof definition.input, HttpClient>({
  ...definition,
  async run(ctx) {
    const client = ctx.connection;
    if (!client || typeof client.request !== 'function')
      throw new ConfigError('HTTP_NO_CONNECTION', 'notify needs an "http" connection, and none is bound.');
    const config = ctx.config as NotifyConfig;
    const [title, text] = JSON.parse(
      await ctx.code.evaluate(config.text === undefined ? [config.title] : [config.title, config.text]),
    ) as unknown[];
    const body = {
      title: String(title ?? ''),
      text: text === undefined || text === null ? '' : String(text),
      severity: config.severity ?? 'info',
      flow: ctx.run.flowId,
      run: ctx.run.id,
      ...(ctx.run.plant ? { plant: ctx.run.plant } : {}),
    };
    const answer = await client.request({
      method: 'POST',
      path: config.path ?? '/',
      headers: { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey },
      bodyText: JSON.stringify(body),
      signal: ctx.signal,
    });
    const failure = statusError(answer, 'POST', ctx.now());
    if (failure) throw failure;
    return emitText('out', ctx.message.payloadText, ctx.message.headers);
  },
});
