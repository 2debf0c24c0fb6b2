import { defineNode, type NodeResult } from '@millrace/node-sdk';
import { definition } from './definition.ts';

interface RouteConfig {
  mode?: 'first' | 'all';
  routes: Array<{ port: string; when: string }>;
}

const expressionLists = new WeakMap<object, string[]>();

/** The conditions, one list per config: the same array for run and for the engine's lookahead. */
function conditionsOf(config: RouteConfig): string[] {
  let exprs = expressionLists.get(config);
  if (!exprs) expressionLists.set(config, (exprs = config.routes.map((r) => r.when)));
  return exprs;
}

export const node = defineNode({
  ...definition,
  inputExpressions: (config) => conditionsOf(config as RouteConfig),
  async run(ctx): Promise<NodeResult> {
    const config = ctx.config as RouteConfig;
    // All conditions in one sandbox call; the message itself goes on as the text it came as.
    const values = JSON.parse(await ctx.code.evaluate(conditionsOf(config))) as unknown[];
    const ports: string[] = [];
    for (let i = 0; i < values.length; i++) {
      if (!values[i]) continue;
      ports.push(config.routes[i]!.port);
      if ((config.mode ?? 'first') === 'first') break;
    }
    if (ports.length === 0) ports.push('default');
    const message = { payloadText: ctx.message.payloadText, headers: ctx.message.headers };
    return { kind: 'emit', outputs: ports.map((port) => ({ port, messages: [message] })) };
  },
});
