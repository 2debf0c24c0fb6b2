import { defineNode } from '@millrace/node-sdk';
import { definition } from './definition.ts';

export const node = defineNode({
  ...definition,
  async run(ctx) {
    const config = ctx.config as { reason: string; code?: string; details?: string; replayFrom?: string };
    const details =
      config.details === undefined
        ? undefined
        : (JSON.parse(await ctx.code.evaluate([config.details])) as unknown[])[0];
    return {
      kind: 'park',
      reason: config.reason,
      code: config.code ?? 'PARKED',
      ...(details === undefined ? {} : { details }),
      ...(config.replayFrom === undefined ? {} : { resumeAt: config.replayFrom }),
    };
  },
});
