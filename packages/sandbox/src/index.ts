export { createIsolatedVmSandbox, DEFAULT_SYNC_BUDGET_MS } from './isolated-vm-sandbox.ts';
export type { IsolatedVmSandboxOptions } from './isolated-vm-sandbox.ts';
export { createInProcessSandbox } from './in-process-sandbox.ts';
export type { InProcessSandboxOptions } from './in-process-sandbox.ts';
export { bindCodeRunner } from './code-runner.ts';
export { DEFAULT_LIMITS, scopeJson } from './types.ts';
export type { Sandbox, SandboxLimits, SandboxStats, ThenEvaluate } from './types.ts';
