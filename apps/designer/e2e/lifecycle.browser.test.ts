import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import type { Flow } from '@millrace/flow-model';
import {
  hasChromium,
  packOf,
  ROOT,
  shot,
  startWorld,
  unlabelledControls,
  warnIfNoChromium,
  type DesignerWorld,
} from './harness.ts';

/**
 * A flow's life in the designer (issue 7): a draft of batch-release changed from 1.0.0 (a node
 * renamed, a node added) compared with 1.0.0 on the history page, the changed and added nodes
 * marked on the canvas and listed in words; publishing refused (no change note, then the
 * server's validation problems), then 1.1.0 published through the dialog; a test run of the
 * draft with a pasted sample event, its path as badges on the canvas and a node's input and
 * output; deprecating 1.0.0 with a reason; a viewer sees none of the admin's controls.
 */
warnIfNoChromium('the lifecycle browser test');

const TESTS = JSON.parse(readFileSync(join(ROOT, 'examples/batch-release/flows/batch-release.tests.json'), 'utf8')) as {
  cases: Array<{ name: string; event: unknown }>;
};
// The cases that need no plant profile: publishing runs a draft's cases without one (the
// others' canned answers expect the profile's base paths), and refuses the flow if one fails.
const DRAFT_TESTS = { schemaVersion: 1, flow: 'batch-release', cases: TESTS.cases.slice(0, 3) };
const MALFORMED_EVENT = TESTS.cases[0]!.event;

// A small webhook flow the server runs, so a recorded run's event can be test-run on its draft.
const LOTS = {
  schemaVersion: 1,
  id: 'lots',
  name: 'Lots',
  version: '1.0.0',
  nodes: [
    { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'lots' } },
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

describe.skipIf(!hasChromium)('flow lifecycle in Chromium against the real server', () => {
  let world: DesignerWorld;
  let v1: Flow;
  const draftOf = (source: string): Flow => ({
    ...v1,
    nodes: [
      ...v1.nodes.map((n) => (n.id === 'unwrap' ? { ...n, name: 'Event data, unwrapped' } : n)),
      { id: 'stamp', type: 'map', version: 1, name: 'Stamp', config: { mode: 'code', source } },
    ],
    edges: [...v1.edges, { id: 'e-stamp', from: { node: 'trace', port: 'out' }, to: { node: 'stamp', port: 'in' } }],
  });
  const saveDraft = async (flow: Flow, tests: object = DRAFT_TESTS) => {
    const saved = await world.asAdmin('PUT', '/api/flows/batch-release/draft', { flow, tests });
    expect(saved.status, await saved.clone().text()).toBe(200);
  };

  beforeAll(async () => {
    world = await startWorld({ flows: [LOTS], packs: { lots: packOf('lots', [LOTS]) } });
    v1 = (await (await world.asAdmin('GET', '/api/flows/batch-release/versions/1.0.0')).json()) as Flow;
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('compares the draft with 1.0.0 on the canvas, refuses and then publishes 1.1.0, test-runs a sample event', async () => {
    // A draft that does not validate yet: the added node's code has a syntax error.
    await saveDraft(draftOf('return ( ;'));
    const { page, problems } = await world.loggedIn('admin');
    await page.goto(`${world.server.url}/flows/batch-release/history`);
    await page.getByRole('heading', { name: 'Version history of batch-release' }).waitFor();
    await page
      .getByRole('table', { name: 'Published versions of batch-release' })
      .getByRole('link', { name: '1.0.0' })
      .waitFor();

    // The visual diff: 1.0.0 against the draft by default.
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('1.0.0');
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('draft');
    const diff = page.getByRole('region', { name: 'Visual diff from 1.0.0 to the draft' });
    const changed = diff.getByRole('group', { name: 'Event data, unwrapped (map), changed' });
    const added = diff.getByRole('group', { name: 'Stamp (map), added' });
    await changed.waitFor();
    await added.waitFor();
    expect(await changed.getAttribute('class')).toContain('diff-changed');
    expect(await added.getAttribute('class')).toContain('diff-added');
    expect(await diff.locator('.react-flow__node.diff-removed').count()).toBe(0);
    // Only the two nodes are marked; the new edge is too.
    expect(await diff.locator('.react-flow__node[class*="diff-"]').count()).toBe(2);
    expect(await diff.locator('.react-flow__edge.diff-added').count()).toBe(1);
    await diff.getByRole('list', { name: 'Legend' }).getByText('changed', { exact: true }).waitFor();
    const changes = page.getByRole('list', { name: 'Changes from 1.0.0 to the draft' });
    await changes.getByText('name: "Event data" → "Event data, unwrapped"').waitFor();
    await changes.getByText('Edge trace:out → stamp:in added').waitFor();
    // A change about a node centres the canvas on it (and selects it).
    await changes.getByRole('button', { name: 'Node Stamp (stamp) added: show on the canvas' }).click();
    await expect.poll(() => added.getAttribute('class')).toContain('selected');
    await shot(page, 'history-diff');
    expect(await unlabelledControls(page)).toEqual([]);

    // Publishing: the dialog suggests 1.1.0 and shows the changes since 1.0.0.
    await page.getByRole('button', { name: 'Publish the draft…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish batch-release' });
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    // The suggestion comes with the versions the dialog loads: wait for it, a loaded machine is slow.
    await expect.poll(() => dialog.getByLabel('Version', { exact: true }).inputValue()).toBe('1.1.0');
    // The focus starts at the version and stays in the dialog: Shift+Tab wraps to the last button.
    const hasFocus = (l: Locator) => l.evaluate((el) => el.matches(':focus'));
    const versionInput = dialog.getByLabel('Version', { exact: true });
    expect(await hasFocus(versionInput)).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await hasFocus(dialog.getByRole('button', { name: 'Cancel' }))).toBe(true);
    await page.keyboard.press('Tab');
    expect(await hasFocus(versionInput)).toBe(true);
    await dialog.getByText('Publishes the saved draft, revision 1').waitFor();
    await dialog.getByRole('list', { name: 'Changes since 1.0.0' }).getByText('Node Stamp (stamp) added').waitFor();
    // The validation the server will apply is shown up front.
    await dialog.getByText('The draft does not validate yet').waitFor();
    // No change note: refused before asking the server.
    await dialog.getByRole('button', { name: 'Publish 1.1.0' }).click();
    await dialog.getByRole('alert').getByText('a change note of at least 3 characters is needed').waitFor();
    // The server's refusal, with its problems.
    await dialog.getByLabel('Change note').fill('Stamps each released lot');
    await dialog.getByRole('button', { name: 'Publish 1.1.0' }).click();
    const refusal = dialog.locator('.refusal[role="alert"]');
    await refusal.getByText('the draft does not validate: 1 problem(s)').waitFor();
    expect(await refusal.getByRole('list', { name: 'Problems' }).textContent()).toMatch(
      /^stamp: has a syntax error in its JavaScript code/,
    );
    await shot(page, 'publish-refused');
    expect(await unlabelledControls(page)).toEqual([]);
    // Esc closes the dialog; the focus goes back to the button that opened it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => hasFocus(page.getByRole('button', { name: 'Publish the draft…' }))).toBe(true);

    // The code fixed, but a test case that fails: refused with the failing case.
    const fixed = draftOf('return { ...msg.payload, stamped: true };');
    const wrong = {
      name: 'expects a malformed event to succeed',
      event: MALFORMED_EVENT,
      expect: { status: 'succeeded' },
    };
    await saveDraft(fixed, { ...DRAFT_TESTS, cases: [...DRAFT_TESTS.cases, wrong] });
    await page.reload();
    await page.getByRole('button', { name: 'Publish the draft…' }).click();
    await dialog.getByText('Publishes the saved draft, revision 2').waitFor();
    await dialog.getByLabel('Change note').fill('Stamps each released lot');
    await dialog.getByRole('button', { name: 'Publish 1.1.0' }).click();
    await refusal.getByText('1 test case(s) fail').waitFor({ timeout: 30_000 });
    const failing = refusal.getByRole('list', { name: 'Failing test cases' });
    await failing.getByText(wrong.name).waitFor();
    await failing.getByText(/^the run ended dead_lettered, expected succeeded/).waitFor();
    await shot(page, 'publish-tests-fail');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });

    // Fixed for good (as the editor would save it): published as 1.1.0.
    await saveDraft(fixed);
    await page.reload();
    await page.getByRole('button', { name: 'Publish the draft…' }).click();
    await dialog.getByText('Publishes the saved draft, revision 3').waitFor();
    await dialog.getByLabel('Change note').fill('Stamps each released lot');
    await dialog.getByRole('button', { name: 'Publish 1.1.0' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByRole('status').getByText('Published batch-release 1.1.0.').waitFor();
    const table = page.getByRole('table', { name: 'Published versions of batch-release' });
    await table.getByRole('row', { name: /1\.1\.0 published .* admin Stamps each released lot/ }).waitFor();
    // The comparison moves to what was published: 1.0.0 → 1.1.0.
    const published = page.getByRole('region', { name: 'Visual diff from 1.0.0 to 1.1.0' });
    await published.getByRole('group', { name: 'Stamp (map), added' }).waitFor();
    await shot(page, 'history-published');

    // A test run of the draft with a pasted sample event.
    await page.getByRole('button', { name: 'Test the draft…' }).click();
    const panel = page.getByRole('region', { name: 'Test run' });
    await panel.getByLabel('Run', { exact: true }).selectOption('sample');
    await panel.getByLabel('Sample event (JSON)').fill('{ "topic": ');
    await panel
      .getByRole('alert')
      .getByText(/^not JSON: /)
      .waitFor();
    expect(await panel.getByRole('button', { name: 'Run test' }).isDisabled()).toBe(true);
    await panel.getByLabel('Sample event (JSON)').fill(JSON.stringify(MALFORMED_EVENT, null, 2));
    await panel.getByRole('button', { name: 'Run test' }).click();
    await panel.getByRole('status').getByText('1 of 1 case(s) passed').waitFor({ timeout: 30_000 });
    await panel.getByRole('button', { name: '✓ sample event' }).waitFor();
    await panel.getByText('passed (dead_lettered)').waitFor();
    // The run's path on the draft's canvas: badges on the nodes it went through.
    const canvas = page.getByRole('region', { name: "Test run on the draft's canvas" });
    await canvas.getByTestId('badge-check').waitFor();
    await canvas
      .getByTestId('badge-malformed')
      .getByText(/parked/)
      .waitFor();
    expect(await canvas.getByTestId('badge-order').count()).toBe(0);
    // A node picked on the canvas: its input and output.
    await canvas.locator('.react-flow__node[data-id="check"]').click();
    const data = panel.getByRole('region', { name: 'Test run data of Canonical BatchCompletion' });
    // Its input is what the node before it made of the event; its output names the port it took.
    expect(await data.getByLabel('Input of check').textContent()).toContain('"productionOrderId": "1000001"');
    expect(await data.getByLabel('Output of check').textContent()).toContain('"invalid"');
    expect(await data.getByLabel('Error of check').textContent()).toBe('null');
    await data.scrollIntoViewIfNeeded();
    await shot(page, 'test-run');
    expect(await unlabelledControls(page)).toEqual([]);

    // Deprecating 1.0.0 takes a reason.
    await table.getByRole('button', { name: 'Deprecate 1.0.0…' }).click();
    await page.getByLabel('Reason').fill('superseded by 1.1.0');
    await page.getByRole('button', { name: 'Deprecate 1.0.0', exact: true }).click();
    await page.getByRole('status').getByText('batch-release 1.0.0 is deprecated.').waitFor();
    await table.getByRole('row', { name: /^1\.0\.0 deprecated/ }).waitFor();
    await table.getByRole('button', { name: 'Retire 1.0.0…' }).waitFor();

    // The browser logs the refused publishes (provoked above) as a failed resource; nothing else.
    const refused = (p: string) => /status of 422 .*\/api\/flows\/batch-release\/publish\)$/.test(p);
    expect(problems.filter(refused)).toHaveLength(2);
    expect(problems.filter((p) => !refused(p))).toEqual([]);
    await page.close();
  }, 180_000);

  it('shows a viewer the history and the diff, without publishing, test runs or status changes', async () => {
    const { page, problems } = await world.loggedIn('vic');
    await page.goto(`${world.server.url}/flows/batch-release/history`);
    await page.getByRole('table', { name: 'Published versions of batch-release' }).waitFor();
    await page.getByRole('region', { name: /^Visual diff from / }).waitFor();
    expect(await page.getByRole('button', { name: 'Publish the draft…' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Test the draft…' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Deprecate|Retire) / }).count()).toBe(0);
    await shot(page, 'history-viewer');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("lets an analyst test-run a draft with a recorded run's event, but not publish it", async () => {
    const { runId } = await world.server.runtime.engine.accept('lots', {
      payloadText: JSON.stringify({ lot: 'L-9', ok: true }),
      headersText: null,
    });
    await expect
      .poll(
        async () => ((await (await world.asAdmin('GET', `/api/runs/${runId}`)).json()) as { status: string }).status,
      )
      .toBe('succeeded');
    const saved = await world.asAdmin('PUT', '/api/flows/lots/draft', { flow: { ...LOTS, name: 'Lots, drafted' } });
    expect(saved.status, await saved.clone().text()).toBe(200);

    const { page, problems } = await world.loggedIn('ana');
    await page.goto(`${world.server.url}/flows/lots/history`);
    await page.getByRole('region', { name: 'Visual diff from 1.0.0 to the draft' }).waitFor();
    expect(await page.getByRole('button', { name: 'Publish the draft…' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Deprecate / }).count()).toBe(0);
    await page.getByRole('button', { name: 'Test the draft…' }).click();
    const panel = page.getByRole('region', { name: 'Test run' });
    // No test cases saved with the draft: a sample event is the only choice.
    expect(await panel.getByLabel('Run', { exact: true }).inputValue()).toBe('sample');
    const recent = panel.getByLabel('Event of a recent run');
    await expect.poll(() => recent.locator('option').count()).toBe(2);
    await recent.selectOption(String(runId));
    await expect.poll(() => panel.getByLabel('Sample event (JSON)').inputValue()).toContain('"lot": "L-9"');
    await panel.getByRole('button', { name: 'Run test' }).click();
    await panel.getByText('passed (succeeded)').waitFor({ timeout: 30_000 });
    const canvas = page.getByRole('region', { name: "Test run on the draft's canvas" });
    await canvas.getByTestId('badge-done').waitFor();
    expect(await canvas.getByTestId('badge-park').count()).toBe(0);
    await panel.getByLabel('Node', { exact: true }).selectOption('done');
    const data = panel.getByRole('region', { name: 'Test run data of done' });
    expect(await data.getByLabel('Input of done').textContent()).toContain('"lot": "L-9"');
    await shot(page, 'test-run-recorded');
    expect(await unlabelledControls(page)).toEqual([]);

    // Kept as a test case from here too: the draft is saved with it at once.
    const keep = panel.getByRole('form', { name: 'Keep as a test case' });
    await keep.getByLabel('Name of the new test case').fill('a recorded ok lot is done');
    await keep.getByRole('button', { name: 'Keep as a test case' }).click();
    await panel
      .getByRole('status')
      .getByText(/^Kept “a recorded ok lot is done”/)
      .waitFor();
    const draftNow = async () =>
      (await (await world.asAdmin('GET', '/api/flows/lots/draft')).json()) as {
        flow: object;
        revision: number;
        tests: { cases: Array<{ name: string }> } | null;
      };
    expect((await draftNow()).tests?.cases.map((c) => c.name)).toEqual(['a recorded ok lot is done']);
    await expect
      .poll(() => panel.getByLabel('Run', { exact: true }).locator('option').first().textContent())
      .toBe('all 1 test cases of the draft');
    // Someone else saves the draft meanwhile: the next keep is refused, not written over theirs.
    const now = await draftNow();
    const other = await world.asAdmin('PUT', '/api/flows/lots/draft', {
      flow: now.flow,
      tests: now.tests,
      revision: now.revision,
    });
    expect(other.status, await other.clone().text()).toBe(200);
    await keep.getByLabel('Name of the new test case').fill('a second case');
    await keep.getByRole('button', { name: 'Keep as a test case' }).click();
    await panel
      .getByRole('alert')
      .getByText(/^The test case was not saved: /)
      .waitFor();
    expect((await draftNow()).tests?.cases.map((c) => c.name)).toEqual(['a recorded ok lot is done']);
    // The browser logs the refused save (409) as a failed resource.
    expect(problems.filter((p) => !/status of 409 .*\/api\/flows\/lots\/draft\)$/.test(p))).toEqual([]);
    await page.close();
  }, 120_000);
});
