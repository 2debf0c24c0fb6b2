import { defineNode, emitText } from '@millrace/node-sdk';
import { definition } from './definition.ts';

/**
 * Never runs as a step of its own: the engine sends a failed step's error to this node's
 * successors. Present so the node has a run-time side like every other.
 */
export const node = defineNode({
  ...definition,
  async run(ctx) {
    return emitText('out', ctx.message.payloadText, ctx.message.headers);
  },
});
