import { DataError, defineNode, emitText } from '@millrace/node-sdk';
import { definition } from './definition.ts';

export const node = defineNode({
  ...definition,
  async run(ctx) {
    const config = ctx.config as { items?: string; maxItems?: number };
    const items =
      config.items === undefined
        ? ctx.message.payload
        : (JSON.parse(await ctx.code.evaluate([config.items])) as unknown[])[0];
    if (!Array.isArray(items))
      throw new DataError(
        'SPLIT_NOT_ARRAY',
        `the value to split is ${items === null ? 'null' : typeof items}, not an array`,
      );
    const max = config.maxItems ?? 10000;
    if (items.length > max)
      throw new DataError('SPLIT_TOO_MANY', `${items.length} items is more than maxItems (${max})`);
    if (items.length === 0) return emitText('empty', ctx.message.payloadText, ctx.message.headers);
    const count = String(items.length);
    return {
      kind: 'emit',
      outputs: [
        {
          port: 'out',
          messages: items.map((item, i) => ({
            payload: item,
            headers: { ...ctx.message.headers, 'split-index': String(i), 'split-count': count },
          })),
        },
      ],
    };
  },
});
