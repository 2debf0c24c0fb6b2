import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTrace, TERMINAL_RUN_STATUSES, type RunStatus } from '@millrace/engine';
import { parseJsonText } from '@millrace/flow-model';
import { LoadError, readFlows, readProfile, startRuntime } from '@millrace/runtime';
import { parseArgs, UsageError } from './args.ts';
import { sandboxLimitsFrom } from './serve.ts';
import type { Io } from './io.ts';

export const RUN_USAGE =
  'millrace run <flow.json> --profile <p.json> --input <event.json> [--data DIR] [--timeout SECONDS]';

/**
 * `millrace run`: runs one event through one flow on a real SQLite file (a temporary one unless
 * --data is given) and prints the run trace as JSON. Exit 0 when the run succeeded, 1 when it
 * was parked in dead letters or did not finish in time, 2 on bad usage or input.
 */
export async function runCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, { values: ['profile', 'input', 'data', 'timeout'], flags: [] });
  const [flowPath] = args.positionals;
  if (args.positionals.length !== 1 || flowPath === undefined)
    throw new UsageError(`expected one flow file: ${RUN_USAGE}`);
  const profilePath = args.options.profile as string | undefined;
  const inputPath = args.options.input as string | undefined;
  if (!profilePath) throw new UsageError(`--profile is required: ${RUN_USAGE}`);
  if (!inputPath) throw new UsageError(`--input is required: ${RUN_USAGE}`);
  if (!existsSync(inputPath)) throw new UsageError(`${inputPath}: no such file`);
  const timeoutMs = Number(args.options.timeout ?? 60) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout must be a number of seconds');
  const inputText = readFileSync(inputPath, 'utf8');
  const parsed = parseJsonText(inputText);
  if (!parsed.ok) throw new UsageError(`${inputPath}: ${parsed.problems[0]!.message}`);

  let profile, flows;
  try {
    profile = readProfile(profilePath);
    flows = readFlows(flowPath, profile, profilePath);
  } catch (e) {
    if (e instanceof LoadError) {
      for (const line of e.message.split('\n')) io.err(line);
      return 2;
    }
    throw e;
  }
  const flow = flows[0]!;
  const temp = args.options.data === undefined ? mkdtempSync(join(tmpdir(), 'millrace-run-')) : undefined;
  const runtime = await startRuntime({
    dataDir: (args.options.data as string | undefined) ?? temp!,
    flows,
    profile,
    sandboxLimits: sandboxLimitsFrom(process.env),
    engine: { pollMs: 20 },
  });
  try {
    let settle: (s: RunStatus | 'timeout') => void = () => {};
    const ended = new Promise<RunStatus | 'timeout'>((r) => (settle = r));
    let runId = -1;
    const off = runtime.engine.onTransition((t) => {
      if (t.kind === 'run' && t.runId === runId && (TERMINAL_RUN_STATUSES as readonly string[]).includes(t.status))
        settle(t.status as RunStatus);
    });
    const timer = setTimeout(() => settle('timeout'), timeoutMs);
    // Compact JSON text of the input: what a webhook would have received.
    const accepted = await runtime.engine.accept(flow.id, { payloadText: JSON.stringify(parsed.value) });
    runId = accepted.runId;
    const early = await runtime.store.getRun(runId);
    if (early && (TERMINAL_RUN_STATUSES as readonly string[]).includes(early.status)) settle(early.status);
    const status = await ended;
    clearTimeout(timer);
    off();
    const trace = await buildTrace(runtime.store, runId, runtime.engine.plan(flow.id));
    io.out(JSON.stringify(trace, null, 2));
    if (status === 'timeout') io.err(`millrace: run ${runId} did not finish within ${timeoutMs / 1000} s`);
    return status === 'succeeded' ? 0 : 1;
  } finally {
    await runtime.close({ drainMs: 1000 });
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}
