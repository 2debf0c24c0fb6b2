import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as millrace } from '@millrace/cli';
import { freePort, ROOT } from '@millrace/cli/test-support';
import { startPlant, type Plant } from '@millrace/simulators';
import { runBlock, tutorialBlocks, type Answer, type Vars } from './doc-shell.ts';

/**
 * docs/tutorial.md, step by step, as a newcomer would follow it — but through its API blocks,
 * which this test runs word for word (doc-shell.ts), against real processes: the P100 simulators
 * and the server started the way `npm start` starts it (the demo pack imported and deployed to
 * P100). The simulators listen on free ports here, so the doc's fixed ports are rewritten and the
 * pack's P100 profile is pointed at them (and the pack sealed again).
 */
const doc = readFileSync(join(ROOT, 'docs/tutorial.md'), 'utf8');
const blocks = tutorialBlocks(doc);
const block = (name: string) => {
  const b = blocks.get(name);
  if (b === undefined) throw new Error(`docs/tutorial.md has no \`\`\`sh tutorial=${name} block`);
  return b;
};
const PASSWORD = 'tutorial-admin-password';

let plant: Plant;
let server: ChildProcess;
let output = '';
let serverUrl = '';
const dir = mkdtempSync(join(tmpdir(), 'millrace-tutorial-'));
const vars: Vars = { PASSWORD };
const jars = new Map<string, string>();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rewrite(url: string): string {
  const u = new URL(url);
  const to: Record<string, string> = {
    '3000': serverUrl,
    '4101': plant.erp.url,
    '4102': plant.qms.url,
    '4103': plant.mes.url,
  };
  const base = to[u.port];
  if (!base) throw new Error(`the tutorial calls ${url}, which no process of this test serves`);
  return new URL(`${u.pathname}${u.search}`, base).toString();
}

const run = (name: string) => runBlock(block(name), vars, rewrite, jars);
const ok = (answers: Answer[]) => {
  for (const a of answers)
    expect(a.status, `${a.call.method} ${a.call.url} → ${a.status} ${a.text.slice(0, 500)}`).toBeLessThan(300);
  return answers;
};

/** Asks until `done` holds for the answer (the run ends a little after the MES publishes). */
async function until(name: string, done: (a: Answer[]) => boolean, ms = 20_000): Promise<Answer[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const answers = await run(name);
    if (done(answers)) return answers;
    if (Date.now() > deadline) throw new Error(`${name}: still ${answers.at(-1)?.text.slice(0, 800)}`);
    await sleep(250);
  }
}

type RunRow = { id: string; status: string; version: string; businessKeys: Record<string, unknown> | null };
const runsOf = (a: Answer[]) => (a.at(-1)!.json as { runs: RunRow[] }).runs;

beforeAll(async () => {
  const port = await freePort();
  serverUrl = `http://127.0.0.1:${port}`;
  plant = await startPlant({ plant: 'P100', ports: 'any', seed: 7, millraceUrl: serverUrl, qaRobotDelayMs: 100 });
  // The demo pack, its P100 profile pointed at these simulators, sealed again.
  const pack = join(dir, 'batch-release');
  cpSync(join(ROOT, 'examples/batch-release'), pack, { recursive: true });
  const profilePath = join(pack, 'profiles/P100.json');
  writeFileSync(profilePath, JSON.stringify(plant.profile(JSON.parse(readFileSync(profilePath, 'utf8'))), null, 2));
  const sealed = await millrace(['pack', 'seal', pack], {
    cwd: ROOT,
    out: () => undefined,
    err: (l) => console.error(l),
  });
  expect(sealed).toBe(0);
  // What `npm start` runs (scripts/start.ts), with this test's port, data folder and password.
  server = spawn(
    process.execPath,
    ['--no-node-snapshot', '--import', 'tsx', 'apps/server/src/main.ts', '--pack', pack, '--plant', 'P100'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...plant.secrets,
        PORT: String(port),
        MILLRACE_DATA: join(dir, 'data'),
        MILLRACE_ADMIN_PASSWORD: PASSWORD,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  server.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  for (let i = 0; i < 600 && !output.includes('millrace: server at'); i++) {
    if (server.exitCode !== null) throw new Error(`the server exited:\n${output}`);
    await sleep(100);
  }
  if (!output.includes('millrace: server at')) throw new Error(`the server did not start:\n${output}`);
}, 90_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  await plant?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('docs/tutorial.md, followed through the API', () => {
  it('logs in, builds, test-runs, publishes and deploys the flow, runs a batch, dead-letters it under an ERP fault and replays it', async () => {
    // Every API block of the doc is run below, in the doc's order: a new block needs a step here.
    expect([...blocks.keys()]).toEqual([
      'login',
      'draft',
      'test-run',
      'publish',
      'deploy',
      'batch',
      'watch',
      'fault',
      'dead-letter',
      'replay',
    ]);
    const t0 = Date.now();
    const timings: Record<string, number> = {};
    const lap = (step: string) => (timings[step] = Date.now() - t0);

    // 1–2. Started (beforeAll) and logged in: a token for the rest.
    ok(await run('login'));
    expect(vars.TOKEN).toMatch(/^mr_/);
    lap('login');

    // 3. The draft saves and validates for P100.
    const draft = ok(await run('draft'));
    expect(draft[0]!.json).toMatchObject({ problems: [] });
    expect(draft[1]!.json).toEqual({ valid: true, problems: [] });
    lap('draft');

    // 4. The test run passes its case.
    const test = ok(await run('test-run'));
    expect(test[0]!.json).toMatchObject({ ok: true, cases: [{ ok: true }] });
    lap('test-run');

    // 5–6. Published as 1.1.0 and deployed to the running plant at once.
    expect(ok(await run('publish'))[0]!.json).toMatchObject({ id: 'batch-release', version: '1.1.0' });
    const deploy = ok(await run('deploy'));
    expect(deploy[0]!.json).toMatchObject({ plant: 'P100', version: '1.1.0', running: true });
    expect(deploy[1]!.json).toMatchObject({
      deployments: expect.arrayContaining([expect.objectContaining({ flowId: 'batch-release', version: '1.1.0' })]),
    });
    lap('publish-deploy');

    // 7. A batch from the MES becomes a run of 1.1.0 that succeeds, with an inspection in the QMS.
    ok(await run('batch'));
    const firstLot = vars.LOT!;
    expect(firstLot).toMatch(/^LOT-P100-/);
    expect(doc).toContain(firstLot); // the doc's example lot is what a fresh start produces
    const watched = await until('watch', (a) => runsOf(a)[0]?.status === 'succeeded');
    expect(runsOf(watched)).toHaveLength(1);
    expect(runsOf(watched)[0]).toMatchObject({ version: '1.1.0', businessKeys: { lot: firstLot } });
    const qms = (await (await fetch(`${plant.qms.url}/__sim/store`)).json()) as { inspections?: unknown[] };
    expect(JSON.stringify(qms)).toContain(firstLot);
    lap('first-batch');

    // 8. With the ERP answering 503, the next batch is retried and then dead-lettered.
    ok(await run('fault'));
    ok(await run('batch'));
    expect(vars.LOT).not.toBe(firstLot);
    const parked = await until('watch', (a) => runsOf(a)[0]?.status === 'dead_lettered');
    const parkedRun = runsOf(parked)[0]!;
    const letter = ok(await run('dead-letter'));
    expect(vars.DEAD_LETTER).toMatch(/^\d+$/);
    expect(letter[0]!.json).toMatchObject({ deadLetters: [{ id: vars.DEAD_LETTER, runId: parkedRun.id }] });
    // The detail: the failed step, the ERP's 503 on each of the flow's three attempts.
    const detail = letter[1]!.json as { node: string; status: string; code: string; attempts: unknown[] };
    expect(detail).toMatchObject({ runId: parkedRun.id, node: 'order', status: 'open', code: 'ERP_TRANSIENT' });
    expect(detail.attempts).toHaveLength(3);
    const faults = (await (await fetch(`${plant.erp.url}/__sim/faults`)).json()) as { history: unknown[] };
    expect(faults.history.length).toBeGreaterThanOrEqual(3);
    lap('dead-letter');

    // 9. Fault removed, replayed: the same run resumes and succeeds.
    const replay = ok(await run('replay'));
    expect(replay[1]!.json).toMatchObject({ id: vars.DEAD_LETTER, status: 'replayed' });
    await until('watch', (a) => runsOf(a)[0]?.status === 'succeeded');
    expect(JSON.stringify(await (await fetch(`${plant.qms.url}/__sim/store`)).json())).toContain(vars.LOT);
    lap('replayed');
    console.log(`tutorial steps (ms since the server was up): ${JSON.stringify(timings)}`);
  }, 60_000);
});
