import { DataError, defineNode, emitText } from '@millrace/node-sdk';
import { definition } from './definition.ts';

export const node = defineNode({
  ...definition,
  async run(ctx) {
    const config = ctx.config as { key: string; windowMs: number };
    const [key] = JSON.parse(await ctx.code.evaluate([config.key])) as unknown[];
    if (key === null || key === undefined || key === '')
      throw new DataError('DEDUPE_KEY_MISSING', `the key expression ${config.key} gave nothing`);
    // The claim holds this step's idempotency key: the same step running again (after a crash,
    // a retry or a replay) finds its own claim and still goes out as the first.
    const held = await ctx.state.claim(typeof key === 'string' ? key : JSON.stringify(key), ctx.idempotencyKey, {
      ttlMs: config.windowMs,
    });
    if (held.claimed || held.value === ctx.idempotencyKey)
      return emitText('out', ctx.message.payloadText, ctx.message.headers);
    return emitText('duplicate', ctx.message.payloadText, {
      ...ctx.message.headers,
      'first-seen-by': String(held.value),
    });
  },
});
