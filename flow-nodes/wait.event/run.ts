import { DataError, defineNode, emitText } from '@millrace/node-sdk';
import { definition } from './definition.ts';

export const node = defineNode({
  ...definition,
  async run(ctx) {
    const config = ctx.config as { channel: string; key: string; timeoutMs?: number };
    const resume = ctx.resume;
    if (resume?.kind === 'signal')
      return emitText('out', `{"input":${ctx.message.payloadText},"event":${resume.payloadText}}`, ctx.message.headers);
    if (resume?.kind === 'timeout') return emitText('timeout', ctx.message.payloadText, ctx.message.headers);
    const [key] = JSON.parse(await ctx.code.evaluate([config.key])) as unknown[];
    if (key === null || key === undefined || key === '') {
      throw new DataError('WAIT_KEY_MISSING', `the key expression ${config.key} gave nothing to wait for`);
    }
    return {
      kind: 'wait',
      channel: config.channel,
      key: typeof key === 'string' ? key : JSON.stringify(key),
      ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
    };
  },
});
