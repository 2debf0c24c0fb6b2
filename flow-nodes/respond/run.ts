import { defineNode, emitText } from '@millrace/node-sdk';
import { definition } from './definition.ts';

export const node = defineNode({
  ...definition,
  async run(ctx) {
    const config = ctx.config as { status?: number; headers?: Record<string, string>; body?: string };
    const body = config.body ?? 'payload';
    let bodyText: string | undefined;
    if (body === 'payload') bodyText = ctx.message.payloadText;
    else if (body !== 'none')
      bodyText = JSON.stringify((JSON.parse(await ctx.code.evaluate([body])) as unknown[])[0] ?? null);
    // Nobody may be waiting (async webhook, replay): the flow goes on either way.
    ctx.reply({
      status: config.status ?? 200,
      ...(config.headers ? { headers: config.headers } : {}),
      ...(bodyText === undefined ? {} : { bodyText }),
    });
    return emitText('out', ctx.message.payloadText, ctx.message.headers);
  },
});
