import { createInProcessSandbox, createIsolatedVmSandbox, type Sandbox, type SandboxLimits } from '@millrace/sandbox';

/**
 * Which sandbox runs user code in a test. `isolated-vm` is what production runs and the default;
 * `in-process` (node:vm) is faster to start but no security boundary; a Sandbox instance is used
 * as given and left open, so a suite can share one across many calls.
 */
export type SandboxChoice = 'isolated-vm' | 'in-process' | Sandbox;

export interface OpenedSandbox {
  readonly sandbox: Sandbox;
  /** Closes the sandbox if this harness created it. */
  release(): Promise<void>;
}

export function openSandbox(choice: SandboxChoice = 'isolated-vm', limits?: Partial<SandboxLimits>): OpenedSandbox {
  if (typeof choice === 'object') return { sandbox: choice, release: () => Promise.resolve() };
  const options = limits ? { limits } : {};
  const sandbox = choice === 'in-process' ? createInProcessSandbox(options) : createIsolatedVmSandbox(options);
  return { sandbox, release: () => sandbox.close() };
}
