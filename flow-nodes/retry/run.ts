import { defineNode, emitText } from '@millrace/node-sdk';
import { definition } from './definition.ts';

/**
 * Passes the message on. Its work happens in the engine: the node it feeds retries with this
 * node's policy, and when that node gives up, the message leaves here by "exhausted".
 */
export const node = defineNode({
  ...definition,
  async run(ctx) {
    return emitText('out', ctx.message.payloadText, ctx.message.headers);
  },
});
