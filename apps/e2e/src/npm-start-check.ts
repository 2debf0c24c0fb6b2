/**
 * Runs `npm start` as a newcomer would and checks what they would see: /healthz within 60 s,
 * the demo pack serving, a scenario from the MES simulator turning into runs at /api/runs (after
 * logging in with the printed one-time password), and Ctrl-C stopping everything. Prints one
 * JSON line with what it measured. Run by npm-start.test.ts, inside a network namespace of its
 * own when it can (the fixed ports of the demo then cannot collide with anything).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const data = mkdtempSync(join(tmpdir(), 'millrace-npm-start-'));
const started = Date.now();
const child = spawn('npm', ['start'], {
  cwd: root,
  env: { ...process.env, MILLRACE_DATA: data, PORT: '3000', LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
let out = '';
child.stdout.on('data', (c: Buffer) => (out += c.toString()));
child.stderr.on('data', (c: Buffer) => (out += c.toString()));
const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const result: Record<string, unknown> = {};

try {
  let healthy = false;
  while (Date.now() - started < 60_000 && !healthy) {
    healthy = await fetch('http://127.0.0.1:3000/healthz').then(
      (r) => r.ok,
      () => false,
    );
    if (!healthy) await sleep(500);
  }
  result.healthzMs = healthy ? Date.now() - started : null;
  const scenario = await fetch('http://127.0.0.1:4103/__sim/scenario', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ batches: 5, plants: ['P100'], outOfSpecRate: 0.2 }),
  });
  result.scenario = scenario.status;
  const password = /one-time password (\S+)/.exec(out)?.[1];
  const login = await fetch('http://127.0.0.1:3000/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  result.login = login.status;
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  let runs: Array<{ flow: string; status: string }> = [];
  for (let i = 0; i < 60; i++) {
    const r = await fetch('http://127.0.0.1:3000/api/runs?flow=batch-release&limit=50', { headers: { cookie } });
    runs = r.ok ? ((await r.json()) as { runs: typeof runs }).runs : [];
    if (runs.length >= 5 && runs.every((x) => x.status !== 'running')) break;
    await sleep(500);
  }
  result.runs = runs.length;
  result.statuses = [...new Set(runs.map((r) => r.status))].sort();
  const deployed = await fetch('http://127.0.0.1:3000/api/plants/P100/deployments', { headers: { cookie } });
  const d = (await deployed.json()) as { running: boolean; deployments: Array<{ flowId: string; version: string }> };
  result.deployed = d.deployments.map((x) => `${x.flowId}@${x.version}`);
  result.deployedRunning = d.running;
  const kpis = await fetch('http://127.0.0.1:3000/api/metrics/business?flow=batch-release', { headers: { cookie } });
  const k = (await kpis.json()) as { totals: { released: { runs: number }; onHold: { runs: number } } };
  result.kpis = { released: k.totals.released.runs, onHold: k.totals.onHold.runs };
} finally {
  // Ctrl-C in a terminal signals the whole process group: npm, the start script, its children.
  process.kill(-child.pid!, 'SIGINT');
  await exited;
  const gone = () => {
    try {
      process.kill(-child.pid!, 0);
      return false;
    } catch {
      return true;
    }
  };
  const deadline = Date.now() + 20_000;
  while (!gone() && Date.now() < deadline) await sleep(200);
  result.allStopped = gone();
  result.serverStoppedCleanly = out.includes('[server] millrace: stopped');
  if (!gone()) process.kill(-child.pid!, 'SIGKILL');
  rmSync(data, { recursive: true, force: true });
  console.log(`NPM-START-RESULT ${JSON.stringify(result)}`);
  if (!result.runs) console.error(out.slice(-3000));
}
