import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  hasChromium,
  packOf,
  recordProblems,
  ROOT,
  SHOTS,
  startWorld,
  unlabelledControls,
  warnIfNoChromium,
  type DesignerWorld,
} from './harness.ts';

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

warnIfNoChromium('the designer browser test');

describe.skipIf(!hasChromium)('designer in Chromium against the real server', () => {
  let world: DesignerWorld;
  const asAdmin = (method: string, path: string, body?: unknown) => world.asAdmin(method, path, body);

  beforeAll(async () => {
    world = await startWorld({ flows: [PARKING, RELEASE], packs: { parking: packOf('parking', [PARKING]) } });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('serves the app at / with a fallback for its routes, and keeps the API and missing files as 404s', async () => {
    const root = await fetch(`${world.server.url}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<div id="root"></div>');
    const deep = await fetch(`${world.server.url}/flows/batch-release`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toMatch(/text\/html/);
    const api = await fetch(`${world.server.url}/api/no-such-thing`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await fetch(`${world.server.url}/assets/no-such-file.js`)).status).toBe(404);
  });

  it('logs in, lists the flows, shows batch-release 1.0.0 on the canvas and lists the runs', async () => {
    const page = await world.browser.newPage({ viewport: { width: 1400, height: 900 } });
    // The two 401s this script provokes on purpose (no session yet, a wrong password) are logged
    // by Chromium as failed loads; any other console error fails the test.
    const problems = recordProblems(page, /\/api\/auth\/login$/);

    await page.goto(world.server.url);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('wrong username or password');
    await page.screenshot({ path: join(SHOTS, 'designer-login.png') });

    // Keyboard only: the labelled password field, then Enter submits the form.
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('link', { name: 'Flows', exact: true }).click();
    const open = page.getByRole('link', { name: 'Open batch-release 1.0.0' });
    await open.waitFor();
    expect(await page.getByRole('link', { name: /^Open qms-decisions / }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'designer-flows.png') });

    await open.click();
    const canvas = page.getByTestId('flow-canvas');
    await canvas.getByText('MES batch completed', { exact: true }).waitFor();
    const flow = JSON.parse(readFileSync(join(ROOT, 'examples/batch-release/flows/batch-release.flow.json'), 'utf8'));
    await expect.poll(() => canvas.locator('.react-flow__node').count()).toBe(flow.nodes.length);
    await expect.poll(() => canvas.locator('.react-flow__edge').count()).toBe(flow.edges.length);
    await expect
      .poll(() => canvas.getByRole('img', { name: 'Minimap of the flow' }).getAttribute('data-nodes'))
      .toBe(String(flow.nodes.length));
    expect(await canvas.getByText('trigger.mqtt', { exact: true }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'designer-canvas.png') });
    expect(await unlabelledControls(page)).toEqual([]);
    // Nodes are reachable from the keyboard and named for assistive technology.
    const first = canvas.getByRole('group', { name: 'MES batch completed (trigger.mqtt)' });
    await first.focus();
    expect(await first.evaluate((el) => el.matches(':focus'))).toBe(true);

    // A deep link: the version's own URL, reloaded, shows the same canvas.
    expect(new URL(page.url()).pathname).toBe('/flows/batch-release/versions/1.0.0');
    await page.reload();
    await canvas.getByText('MES batch completed', { exact: true }).waitFor();

    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    await page.getByText('No runs yet.').waitFor();
    await page.screenshot({ path: join(SHOTS, 'designer-runs.png') });
    expect(await unlabelledControls(page)).toEqual([]);

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  const loggedIn = (username: string, _password: string, allowed401?: RegExp) => world.loggedIn(username, allowed401);

  async function parkOne(lot: string): Promise<{ runId: string; id: string }> {
    const { runId } = await world.server.runtime.engine.accept('parking', {
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

    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByRole('link', { name: `Open run ${parked.runId}` }).click();
    await page.getByRole('heading', { name: `Run ${parked.runId}` }).waitFor();
    const canvas = page.getByTestId('flow-canvas');
    const badge = canvas.getByTestId('badge-park');
    await badge.waitFor();
    // The dead-letter node ran once and parked the run.
    expect(await badge.textContent()).toMatch(/^⚠ parked · 1 attempt · \d+ ms$/);
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
    expect(await unlabelledControls(page)).toEqual([]);

    // Keyboard: the nav buttons are reachable and Enter opens the page.
    const nav = page.getByRole('link', { name: 'Dead letters', exact: true });
    await nav.focus();
    await nav.press('Enter');
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    const select = page.getByRole('checkbox', { name: `Select dead letter ${parked.id}` });
    await select.waitFor();
    await page.getByRole('button', { name: `Show dead letter ${parked.id}` }).click();
    expect(await page.getByLabel('Payload').textContent()).toContain('"L-77"');
    expect(await page.getByLabel('Attempts').textContent()).toBe(
      'None failed: the flow parked the run at park on purpose.',
    );
    // The dead letter links to its run; Back returns to the inbox.
    await page.getByRole('link', { name: `run ${parked.runId}`, exact: true }).click();
    await page.getByRole('heading', { name: `Run ${parked.runId}` }).waitFor();
    await page.goBack();
    await page.getByRole('button', { name: `Show dead letter ${parked.id}` }).click();
    await page.getByLabel('Payload').waitFor();
    const replay = page.getByRole('button', { name: 'Replay', exact: true });
    expect(await replay.isDisabled()).toBe(true); // nothing selected, no reason yet
    await select.check();
    await page.getByLabel('Reason').fill('no');
    expect(await replay.isDisabled()).toBe(true); // a reason of 3 characters at least
    await page.getByLabel('Reason').fill('the lot is fixed now');
    await page.screenshot({ path: join(SHOTS, 'designer-dead-letters.png') });
    expect(await unlabelledControls(page)).toEqual([]);
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
    await page.getByRole('link', { name: 'Dead letters', exact: true }).click();
    await page.getByRole('button', { name: `Show dead letter ${parked.id}` }).click();
    await page.getByLabel('Payload').waitFor();
    expect(await page.getByRole('button', { name: 'Replay', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Discard', exact: true }).count()).toBe(0);
    expect(await page.getByLabel('Reason').count()).toBe(0);
    // Nothing to select for: no checkboxes either.
    expect(await page.getByRole('checkbox').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'designer-dead-letters-viewer.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('bulk-replays two dead letters (a status line per id) and discards a third', async () => {
    const [a, b, c] = [await parkOne('L-81'), await parkOne('L-82'), await parkOne('L-83')];
    const { page, problems } = await loggedIn('admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Dead letters', exact: true }).click();
    for (const d of [a, b]) await page.getByRole('checkbox', { name: `Select dead letter ${d.id}` }).check();
    await page.getByLabel('Reason').fill('upstream fixed both');
    await page.getByRole('button', { name: 'Replay', exact: true }).click();
    const status = page.getByTestId('dead-letter-status');
    await expect.poll(() => status.textContent()).toContain(`Dead letter ${a.id} replayed as run ${a.runId}.`);
    expect(await status.textContent()).toContain(`Dead letter ${b.id} replayed as run ${b.runId}.`);
    await page.getByRole('checkbox', { name: `Select dead letter ${c.id}` }).check();
    await page.getByLabel('Reason').fill('a test event');
    // Discarding is final: it asks once more, and Cancel leaves the dead letter open.
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await page.getByRole('group', { name: 'Confirm the discard' }).getByRole('button', { name: 'Cancel' }).click();
    const kept = (await (await asAdmin('GET', `/api/dead-letters/${c.id}`)).json()) as { status: string };
    expect(kept.status).toBe('open');
    await page.getByRole('button', { name: 'Discard', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, discard 1 dead letter' }).click();
    await expect.poll(() => status.textContent()).toBe(`Dead letter ${c.id} discarded.`);
    await expect.poll(() => page.getByRole('checkbox', { name: `Select dead letter ${c.id}` }).count()).toBe(0);
    const after = (await (await asAdmin('GET', `/api/dead-letters/${c.id}`)).json()) as { status: string };
    expect(after.status).toBe('discarded');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  /** Starts a run of the release flow and waits until its approval is pending. */
  async function pendingRelease(lot: string): Promise<string> {
    const hook = await fetch(`${world.server.url}/hooks/release/batch`, {
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
    const nav = page.getByRole('link', { name: 'Approvals', exact: true });
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
    expect(await unlabelledControls(page)).toEqual([]);

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
    await page.getByRole('link', { name: 'Approvals', exact: true }).click();
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
