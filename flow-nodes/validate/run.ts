import { defineNode, emit, emitText } from '@millrace/node-sdk';
import { checkSchemaChoice as checkPayload } from '@millrace/canonical';
import { definition } from './definition.ts';

export const node = defineNode({
  ...definition,
  async run(ctx) {
    const schema = (ctx.config as { schema: string | Record<string, unknown> }).schema;
    const problems = checkPayload(schema, ctx.message.payload);
    if (problems.length === 0) return emitText('valid', ctx.message.payloadText, ctx.message.headers);
    // Nothing is lost: the invalid message goes on with every problem attached.
    return emit('invalid', { input: ctx.message.payload, problems }, ctx.message.headers);
  },
});
