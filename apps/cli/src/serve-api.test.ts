import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, freePort, ROOT } from '../test-support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'millrace-serve-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('millrace serve (with the API)', () => {
  it("serves the API, health and a pack's webhooks on one port, prints the first login, and stops on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '--no-node-snapshot',
        BIN,
        'serve',
        // The QMS-decisions flow alone: its webhook needs no broker or simulator to start.
        '--flows',
        'examples/batch-release/flows/qms-decisions.flow.json',
        '--profile',
        'examples/batch-release/profiles/P100.json',
        '--port',
        String(port),
        '--data',
        join(dir, 'data'),
      ],
      // The profile's secrets come from the environment here; no simulator needs to run.
      {
        cwd: ROOT,
        env: {
          ...process.env,
          LOG_LEVEL: 'warn',
          ERP_P100_PASSWORD: 'x',
          QMS_P100_CLIENT_SECRET: 'x',
          MES_P100_API_KEY: 'x',
          MES_P100_MQTT_PASSWORD: 'x',
          QMS_WEBHOOK_SECRET: 'x',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    for (let i = 0; i < 300 && !out.includes('millrace: server at'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain(`millrace: server at http://127.0.0.1:${port}`);
    expect(out).toMatch(/created user "admin" with the one-time password \S{16,}/);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/api/runs`)).status).toBe(401);
    // The pack's QMS webhook is served: an unsigned call is refused by the trigger, not a 404.
    const hook = await fetch(`${base}/hooks/qms-decisions/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(hook.status).toBe(401);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('millrace: stopped');
  }, 60_000);
});
