import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import type { Flow } from '@millrace/flow-model';
import { readPackFiles, startServer, type MillraceServer } from '@millrace/server';

/**
 * The designer in a real browser against the real server (issue 7, first increment): log in
 * (a wrong password first: the server's problem+json detail is shown), the published flows,
 * batch-release 1.0.0 read-only on the canvas, the runs list; then a parked run of a small
 * "parking" flow drawn over its canvas with its steps' data, and the dead-letter inbox (replay,
 * bulk replay, discard as analyst or admin; no Replay or Discard for a viewer); the approvals page
 * (an approver signs a "batch release" after a wrong password, the run succeeds; a viewer sees the
 * pending approvals but no signing form); no console errors;
 * a screenshot of each page under test-results/. Needs Debian's Chromium at /usr/bin/chromium; without it the
 * test is skipped with a banner, never failed.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DESIGNER = join(ROOT, 'apps/designer');
const DIST = join(DESIGNER, 'dist');
const SHOTS = join(ROOT, 'test-results');
const CHROMIUM = process.env.MILLRACE_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PASSWORD = 'designer admin password';
// The secrets the example profiles name: an import refuses a pack whose secrets are not set.
const SECRETS = {
  ERP_P100_PASSWORD: 'a',
  ERP_P200_CLIENT_SECRET: 'b',
  QMS_P100_CLIENT_SECRET: 'c',
  QMS_P200_CLIENT_SECRET: 'd',
  MES_P100_API_KEY: 'e',
  MES_P200_API_KEY: 'f',
  MES_P100_MQTT_PASSWORD: 'g',
  MES_P200_MQTT_PASSWORD: 'h',
  QMS_WEBHOOK_SECRET: 'i',
};

// A flow that parks every event whose `ok` is not true (as in the server's API tests): the
// server runs it, and a small pack publishes it so the designer can draw the run over it.
const PARKING = {
  schemaVersion: 1,
  id: 'parking',
  name: 'Parking',
  version: '1.0.0',
  settings: { businessKeys: { lot: 'msg.payload.lot' } },
  nodes: [
    { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'in' } },
    { id: 'ok', type: 'route', version: 1, config: { routes: [{ port: 'yes', when: 'msg.payload.ok === true' }] } },
    { id: 'park', type: 'dead-letter', version: 1, config: { reason: 'not ok yet', code: 'NOT_OK' } },
    { id: 'done', type: 'map', version: 1, config: { source: 'return { done: msg.payload.lot };' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'ok', port: 'in' } },
    { id: 'e2', from: { node: 'ok', port: 'yes' }, to: { node: 'done', port: 'in' } },
    { id: 'e3', from: { node: 'ok', port: 'default' }, to: { node: 'park', port: 'in' } },
  ],
};

// A flow whose runs wait for a signed "batch release" (as in the server's signing test): the
// webhook starts a run, the approval node waits, and an approved signature lets it succeed.
const RELEASE = {
  schemaVersion: 1,
  id: 'release',
  name: 'Batch release',
  version: '1.0.0',
  settings: { businessKeys: { lot: 'msg.payload.lot' } },
  nodes: [
    { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'batch' } },
    {
      id: 'qa',
      type: 'approval',
      version: 1,
      config: { meaning: 'batch release', instructions: 'Check the CoA before release.' },
    },
    { id: 'released', type: 'map', version: 1, config: { source: 'return { released: msg.payload.input.lot };' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'qa', port: 'in' } },
    { id: 'e2', from: { node: 'qa', port: 'approved' }, to: { node: 'released', port: 'in' } },
  ],
};

function parkingPack(): Record<string, string> {
  const flow = JSON.stringify(PARKING, null, 2);
  const sha = createHash('sha256').update(flow).digest('hex');
  const manifest = {
    schemaVersion: 1,
    name: 'parking',
    version: '1.0.0',
    flows: ['flows/parking.flow.json'],
    sha256: { 'flows/parking.flow.json': sha },
  };
  return { 'pack.json': JSON.stringify(manifest, null, 2), 'flows/parking.flow.json': flow };
}

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(
    [
      '',
      '*'.repeat(78),
      `* SKIPPED: the designer browser test needs Chromium at ${CHROMIUM}, which is missing.`,
      '* Install it with `apt-get install -y chromium` (never `npx playwright install`),',
      '* or point MILLRACE_CHROMIUM at a Chromium binary.',
      '*'.repeat(78),
      '',
    ].join('\n'),
  );

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds the designer unless dist/index.html is newer than every source of it. */
async function buildDesigner(): Promise<void> {
  const index = join(DIST, 'index.html');
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(DESIGNER, p));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  // In its own process: vitest sets NODE_ENV=test, which would give React's development build.
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: DESIGNER,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
}

describe.skipIf(!hasChromium)('designer in Chromium against the real server', () => {
  let dir: string;
  let server: MillraceServer;
  let browser: Browser;
  let cookie: string;

  const asAdmin = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    await buildDesigner();
    dir = mkdtempSync(join(tmpdir(), 'millrace-designer-'));
    server = await startServer({
      dataDir: dir,
      port: 0,
      env: { MILLRACE_ADMIN_PASSWORD: PASSWORD, ...SECRETS },
      log: pino({ level: 'silent' }),
      flows: [PARKING as unknown as Flow, RELEASE as unknown as Flow],
      profile: { schemaVersion: 1, plant: 'P100', name: 'Test plant' },
    });
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const imported = await fetch(`${server.url}/api/packs/import`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ files: readPackFiles(join(ROOT, 'examples/batch-release')) }),
    });
    expect(imported.status, await imported.clone().text()).toBe(201);
    const parking = await asAdmin('POST', '/api/packs/import', { files: parkingPack() });
    expect(parking.status, await parking.clone().text()).toBe(201);
    for (const [username, role] of [
      ['ana', 'analyst'],
      ['vic', 'viewer'],
      ['quinn', 'approver'],
    ] as const) {
      const made = await asAdmin('POST', '/api/users', { username, role, password: `${username} password 1234` });
      expect(made.status, await made.clone().text()).toBe(201);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the app at / with a fallback for its routes, and keeps the API and missing files as 404s', async () => {
    const root = await fetch(`${server.url}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<div id="root"></div>');
    const deep = await fetch(`${server.url}/flows/batch-release`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toMatch(/text\/html/);
    const api = await fetch(`${server.url}/api/no-such-thing`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await fetch(`${server.url}/assets/no-such-file.js`)).status).toBe(404);
  });

  it('logs in, lists the flows, shows batch-release 1.0.0 on the canvas and lists the runs', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    // The two 401s this script provokes on purpose (no session yet, a wrong password) are logged
    // by Chromium as failed loads; any other console error fails the test.
    const expected401 = (m: ConsoleMessage) =>
      /status of 401/.test(m.text()) && /\/api\/auth\/(me|login)$/.test(m.location().url ?? '');
    page.on('console', (m) => {
      if (m.type() === 'error' && !expected401(m)) problems.push(`console: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

    await page.goto(server.url);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('wrong username or password');
    await page.screenshot({ path: join(SHOTS, 'designer-login.png') });

    // Keyboard only: the labelled password field, then Enter submits the form.
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    const open = page.getByRole('button', { name: 'Open batch-release 1.0.0' });
    await open.waitFor();
    expect(await page.getByRole('button', { name: /^Open qms-decisions / }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'designer-flows.png') });

    await open.click();
    const canvas = page.getByTestId('flow-canvas');
    await canvas.getByText('MES batch completed', { exact: true }).waitFor();
    const flow = JSON.parse(readFileSync(join(ROOT, 'examples/batch-release/flows/batch-release.flow.json'), 'utf8'));
    await expect.poll(() => canvas.locator('.react-flow__node').count()).toBe(flow.nodes.length);
    await expect.poll(() => canvas.locator('.react-flow__edge').count()).toBe(flow.edges.length);
    await expect.poll(() => canvas.locator('.react-flow__minimap-node').count()).toBe(flow.nodes.length);
    expect(await canvas.getByText('trigger.mqtt', { exact: true }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'designer-canvas.png') });
    // Nodes are reachable from the keyboard and named for assistive technology.
    const first = canvas.getByRole('group', { name: 'MES batch completed (trigger.mqtt)' });
    await first.focus();
    expect(await first.evaluate((el) => el.matches(':focus'))).toBe(true);

    await page.getByRole('button', { name: 'Runs' }).click();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await page.getByText('No runs yet.').waitFor();
    await page.screenshot({ path: join(SHOTS, 'designer-runs.png') });

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  /**
   * A page that records console errors (but the 401 of GET /api/auth/me before logging in, and
   * the 401s of the routes `allowed401` matches, provoked on purpose).
   */
  async function loggedIn(
    username: string,
    password: string,
    allowed401?: RegExp,
  ): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    const expected401 = (m: ConsoleMessage) =>
      /status of 401/.test(m.text()) &&
      (/\/api\/auth\/me$/.test(m.location().url ?? '') || (allowed401?.test(m.location().url ?? '') ?? false));
    page.on('console', (m) => {
      if (m.type() === 'error' && !expected401(m)) problems.push(`console: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(server.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
    return { page, problems };
  }

  async function parkOne(lot: string): Promise<{ runId: string; id: string }> {
    const { runId } = await server.runtime.engine.accept('parking', {
      payloadText: JSON.stringify({ lot, ok: false }),
      headersText: null,
    });
    for (let i = 0; i < 200; i++) {
      const list = (await (await asAdmin('GET', '/api/dead-letters?status=open')).json()) as {
        deadLetters: Array<{ id: string; runId: string }>;
      };
      const found = list.deadLetters.find((d) => d.runId === String(runId));
      if (found) return { runId: found.runId, id: found.id };
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`the run of lot ${lot} was not parked`);
  }

  it('shows a parked run over its flow, and an analyst replays its dead letter from the inbox', async () => {
    const parked = await parkOne('L-77');
    const { page, problems } = await loggedIn('ana', 'ana password 1234');

    await page.getByRole('button', { name: 'Runs' }).click();
    await page.getByRole('button', { name: `Open run ${parked.runId}` }).click();
    await page.getByRole('heading', { name: `Run ${parked.runId}` }).waitFor();
    const canvas = page.getByTestId('flow-canvas');
    const badge = canvas.getByTestId('badge-park');
    await badge.waitFor();
    // What the server reports for the parked step (a dead-letter node parks without an attempt).
    expect(await badge.textContent()).toMatch(/^⚠ parked · \d+ attempts? · \d+ ms$/);
    expect(await badge.evaluate((el) => el.classList.contains('failed'))).toBe(true);
    expect(await canvas.locator('.react-flow__node.failed').count()).toBe(1);
    // The trace has steps for ok and park; the trigger (no step of its own) and done are off the path.
    expect(await canvas.locator('.react-flow__node.on-path').count()).toBe(2);
    expect(await canvas.locator('.react-flow__node.off-path').count()).toBe(2);
    await canvas.getByTestId('badge-ok').waitFor();
    // The parked step is chosen first; its input, output and error are labelled read-only JSON.
    const parkStep = page.getByRole('button', { name: /^Step park \(dead-letter\): parked$/ });
    expect(await parkStep.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByLabel('Input of park').textContent()).toContain('"L-77"');
    await page.getByRole('button', { name: /^Step ok \(route\)/ }).press('Enter');
    expect(await page.getByLabel('Input of ok').textContent()).toContain('"L-77"');
    // The route's output: messages per port (it sent one to `default`, which leads to park).
    expect(await page.getByLabel('Output of ok').textContent()).toContain('"default"');
    await page.getByLabel('Error of ok').waitFor();
    await page.screenshot({ path: join(SHOTS, 'designer-run-detail.png') });

    // Keyboard: the nav buttons are reachable and Enter opens the page.
    const nav = page.getByRole('button', { name: 'Dead letters' });
    await nav.focus();
    await nav.press('Enter');
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    const select = page.getByRole('checkbox', { name: `Select dead letter ${parked.id}` });
    await select.waitFor();
    await page.getByRole('button', { name: `Show dead letter ${parked.id}` }).click();
    expect(await page.getByLabel('Payload').textContent()).toContain('"L-77"');
    await page.getByLabel('Attempts').waitFor();
    const replay = page.getByRole('button', { name: 'Replay', exact: true });
    expect(await replay.isDisabled()).toBe(true); // nothing selected, no reason yet
    await select.check();
    await page.getByLabel('Reason').fill('no');
    expect(await replay.isDisabled()).toBe(true); // a reason of 3 characters at least
    await page.getByLabel('Reason').fill('the lot is fixed now');
    await page.screenshot({ path: join(SHOTS, 'designer-dead-letters.png') });
    await replay.click();
    const status = page.getByTestId('dead-letter-status');
    await expect
      .poll(() => status.textContent())
      .toMatch(new RegExp(`Dead letter ${parked.id} replayed as run \\d+\\.`));
    await expect.poll(() => page.getByRole('checkbox', { name: `Select dead letter ${parked.id}` }).count()).toBe(0);
    const after = (await (await asAdmin('GET', `/api/dead-letters/${parked.id}`)).json()) as { status: string };
    expect(after.status).toBe('replayed');
    await page.screenshot({ path: join(SHOTS, 'designer-dead-letters-replayed.png') });

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('hides Replay and Discard from a viewer, who still sees the dead letters', async () => {
    const parked = await parkOne('L-78');
    const { page, problems } = await loggedIn('vic', 'vic password 1234');
    await page.getByRole('button', { name: 'Dead letters' }).click();
    await page.getByRole('button', { name: `Show dead letter ${parked.id}` }).click();
    await page.getByLabel('Payload').waitFor();
    expect(await page.getByRole('button', { name: 'Replay', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Discard', exact: true }).count()).toBe(0);
    expect(await page.getByLabel('Reason').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'designer-dead-letters-viewer.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('bulk-replays two dead letters (a status line per id) and discards a third', async () => {
    const [a, b, c] = [await parkOne('L-81'), await parkOne('L-82'), await parkOne('L-83')];
    const { page, problems } = await loggedIn('admin', PASSWORD);
    await page.getByRole('button', { name: 'Dead letters' }).click();
    for (const d of [a, b]) await page.getByRole('checkbox', { name: `Select dead letter ${d.id}` }).check();
    await page.getByLabel('Reason').fill('upstream fixed both');
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const status = page.getByTestId('dead-letter-status');
    await expect.poll(() => status.textContent()).toContain(`Dead letter ${a.id} replayed as run ${a.runId}.`);
    expect(await status.textContent()).toContain(`Dead letter ${b.id} replayed as run ${b.runId}.`);
    await page.getByRole('checkbox', { name: `Select dead letter ${c.id}` }).check();
    await page.getByLabel('Reason').fill('a test event');
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await expect.poll(() => status.textContent()).toBe(`Dead letter ${c.id} discarded.`);
    await expect.poll(() => page.getByRole('checkbox', { name: `Select dead letter ${c.id}` }).count()).toBe(0);
    const after = (await (await asAdmin('GET', `/api/dead-letters/${c.id}`)).json()) as { status: string };
    expect(after.status).toBe('discarded');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  /** Starts a run of the release flow and waits until its approval is pending. */
  async function pendingRelease(lot: string): Promise<string> {
    const hook = await fetch(`${server.url}/hooks/release/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lot }),
    });
    expect(hook.status).toBe(202);
    const { runId } = (await hook.json()) as { runId: string };
    for (let i = 0; i < 200; i++) {
      const list = (await (await asAdmin('GET', '/api/approvals')).json()) as {
        approvals: Array<{ runId: string }>;
      };
      if (list.approvals.some((a) => a.runId === String(runId))) return String(runId);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`the run of lot ${lot} did not reach its approval`);
  }

  it('an approver signs a pending approval after a wrong password, and the run succeeds', async () => {
    const runId = await pendingRelease('L-90');
    const key = `${runId}/qa`;
    const { page, problems } = await loggedIn(
      'quinn',
      'quinn password 1234',
      new RegExp(`/api/approvals/${runId}/qa/sign$`),
    );
    // Keyboard: the nav button is reachable and Enter opens the page.
    const nav = page.getByRole('button', { name: 'Approvals' });
    await nav.focus();
    await nav.press('Enter');
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    const show = page.getByRole('button', { name: `Show approval ${key}` });
    await show.waitFor();
    const row = page.getByRole('row').filter({ has: show });
    expect(await row.textContent()).toContain('lot: L-90');
    expect(await row.textContent()).toContain('batch release');
    expect(await row.textContent()).toContain('Check the CoA before release.');
    expect(await row.textContent()).toContain('release 1.0.0');
    await show.press('Enter');
    expect(await page.getByLabel('Input to be signed').textContent()).toContain('"L-90"');

    const form = page.getByRole('form', { name: `Sign approval ${key}` });
    const password = form.getByLabel('Password');
    expect(await password.getAttribute('type')).toBe('password');
    expect(await password.getAttribute('autocomplete')).toBe('current-password');
    await form.getByRole('radio', { name: 'Approve' }).check();
    await form.getByRole('checkbox', { name: 'I sign with the meaning: batch release' }).check();
    await form.getByLabel('Reason').fill('CoA checked');
    await password.fill('not my password');
    await form.getByRole('button', { name: 'Sign' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('the password is wrong: nothing was signed');
    expect(await password.inputValue()).toBe('');
    expect(await page.getByRole('button', { name: `Show approval ${key}` }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'designer-approvals-wrong-password.png') });

    await password.fill('quinn password 1234');
    await password.press('Enter');
    const status = page.getByTestId('approval-status');
    await expect
      .poll(() => status.textContent())
      .toMatch(
        new RegExp(
          `Signed: approved by quinn \\(approver\\) with the meaning "batch release" at \\d{4}-\\d\\d-\\d\\dT[^ ]+Z — run ${runId}, node qa\\.`,
        ),
      );
    expect(await page.getByRole('button', { name: `Show approval ${key}` }).count()).toBe(0);
    expect(await page.getByRole('form', { name: `Sign approval ${key}` }).count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'designer-approvals-signed.png') });

    let runStatus = '';
    for (let i = 0; i < 200 && runStatus !== 'succeeded'; i++) {
      runStatus = ((await (await asAdmin('GET', `/api/runs/${runId}`)).json()) as { status: string }).status;
      if (runStatus !== 'succeeded') await new Promise((r) => setTimeout(r, 25));
    }
    expect(runStatus).toBe('succeeded');
    const signatures = (await (await asAdmin('GET', `/api/runs/${runId}/signatures`)).json()) as {
      signatures: unknown[];
    };
    expect(signatures.signatures).toMatchObject([
      { username: 'quinn', meaning: 'batch release', decision: 'approved', reason: 'CoA checked' },
    ]);
    // Reloaded from the server, the approval is gone from the list.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.getByRole('button', { name: `Show approval ${key}` }).count()).toBe(0);

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a viewer the pending approvals and what is to be signed, but no signing form', async () => {
    const runId = await pendingRelease('L-91');
    const key = `${runId}/qa`;
    const { page, problems } = await loggedIn('vic', 'vic password 1234');
    await page.getByRole('button', { name: 'Approvals' }).click();
    await page.getByRole('button', { name: `Show approval ${key}` }).click();
    expect(await page.getByLabel('Input to be signed').textContent()).toContain('"L-91"');
    await page.getByText('Only approvers and admins sign approvals.').waitFor();
    expect(await page.getByRole('form', { name: `Sign approval ${key}` }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign', exact: true }).count()).toBe(0);
    expect(await page.getByLabel('Password').count()).toBe(0);
    expect(await page.getByRole('radio').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'designer-approvals-viewer.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
