import type { CodeRunner } from '@millrace/node-sdk';
import type { Sandbox, SandboxLimits } from './types.ts';

/** The `ctx.code` a node sees: the sandbox bound to one step's scope and limits. */
export function bindCodeRunner(sandbox: Sandbox, scopeJson: string, limits?: Partial<SandboxLimits>): CodeRunner {
  return {
    run: (source) => sandbox.runFunction(source, scopeJson, limits),
    evaluate: (expressions) => sandbox.evaluate(expressions, scopeJson, limits),
  };
}
