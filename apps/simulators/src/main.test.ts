import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MAIN = join(ROOT, 'apps/simulators/src/main.ts');

/** `npm run simulators -- <args>` as a child process: what it printed and how it ended. */
function simulators(args: string[], onReady?: (out: string) => Promise<void>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (onReady && out.includes('simulators: ready')) {
      const ready = onReady;
      onReady = undefined;
      void ready(out).finally(() => child.kill('SIGTERM'));
    }
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out, err })),
  );
}

describe('npm run simulators', () => {
  it('starts a plant on the ports it is given, answers there, and stops cleanly on SIGTERM', async () => {
    let answered = 0;
    const result = await simulators(
      ['P200', '--erp-port', '0', '--qms-port', '0', '--mes-port', '0', '--mqtt-port', '0', '--seed', '4'],
      async (out) => {
        const erp = /ERP {2}(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
        const qms = /QMS {2}(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
        for (const url of [erp, qms]) {
          expect(url).not.toMatch(/:42\d\d$/);
          const res = await fetch(`${url}/__sim/store`);
          if (res.ok) answered++;
        }
      },
    );
    expect(answered).toBe(2);
    expect(result.code).toBe(0);
  }, 30_000);

  it('refuses a bad flag with a one-line reason and exit code 1', async () => {
    const result = await simulators(['P100', '--erp-port', 'ninety']);
    expect(result.code).toBe(1);
    expect(result.err.trim()).toBe('simulators: --erp-port must be a TCP port (0 = any free one)');
    const unknown = await simulators(['P900']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/unknown argument "P900"/);
  }, 30_000);
});
