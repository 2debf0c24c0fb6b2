import { DataError, defineNode, emitText } from '@millrace/node-sdk';
import { definition } from './definition.ts';

export const node = defineNode({
  ...definition,
  async run(ctx) {
    const config = ctx.config as { channel: string; key: string; payload?: string };
    const body = config.payload ?? 'payload';
    const values = JSON.parse(
      await ctx.code.evaluate(body === 'payload' ? [config.key] : [config.key, body]),
    ) as unknown[];
    const key = values[0];
    if (key === null || key === undefined || key === '')
      throw new DataError('SIGNAL_KEY_MISSING', `the key expression ${config.key} gave nothing`);
    const payloadText = body === 'payload' ? ctx.message.payloadText : JSON.stringify(values[1] ?? null);
    const woken = await ctx.sendSignal(
      config.channel,
      typeof key === 'string' ? key : JSON.stringify(key),
      payloadText,
    );
    return emitText('out', ctx.message.payloadText, { ...ctx.message.headers, woken: String(woken) });
  },
});
