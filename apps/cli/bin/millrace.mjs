#!/usr/bin/env node
// The millrace CLI. Sources are TypeScript, loaded through tsx so no build step is needed.
// isolated-vm needs Node started with --no-node-snapshot on Node 20+: re-run ourselves with it
// when it is missing, forwarding signals so `serve` still stops cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const flagged =
  process.execArgv.includes('--no-node-snapshot') || (process.env.NODE_OPTIONS ?? '').includes('--no-node-snapshot');
if (!flagged) {
  const child = spawn(
    process.execPath,
    ['--no-node-snapshot', ...process.execArgv, process.argv[1], ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(signal ? 128 + (constants.signals[signal] ?? 1) : (code ?? 1)));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main, processIo } = await import('../src/index.ts');
  process.exitCode = await main(process.argv.slice(2), processIo);
}
