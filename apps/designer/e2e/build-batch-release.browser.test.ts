import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flow, FlowNode } from '@millrace/flow-model';
import {
  hasChromium,
  ROOT,
  shot,
  startWorld,
  unlabelledControls,
  warnIfNoChromium,
  type DesignerWorld,
} from './harness.ts';
import { drag, handle, nodeBox, settled } from './canvas-helpers.ts';

/**
 * Issue 7's headline: an analyst builds the batch-release flow (examples/batch-release, 19 nodes,
 * 18 edges) from an empty canvas in the real designer — every node dragged from the palette and
 * named and configured in the inspector, the `unwrap` mapping typed into Monaco, every edge drawn
 * handle to handle, the connection slots and business keys set in the flow settings — fixes the
 * validation problem the editor points at, test-runs a sample event and reads each node's data on
 * the canvas; an admin then publishes it through the publish dialog. The draft on the server is
 * then the example flow, node for node and edge for edge. No console errors.
 */
warnIfNoChromium('the build-batch-release browser test');

const EXAMPLE = JSON.parse(
  readFileSync(join(ROOT, 'examples/batch-release/flows/batch-release.flow.json'), 'utf8'),
) as Flow;
const CASES = JSON.parse(readFileSync(join(ROOT, 'examples/batch-release/flows/batch-release.tests.json'), 'utf8')) as {
  cases: Array<{ name: string; event: { topic: string; payload: unknown } }>;
};

/** The node as the test compares it: what the analyst set, without layout or defaults. */
const essence = (n: FlowNode) => ({
  id: n.id,
  type: n.type,
  name: n.name,
  connection: n.connection,
  config: n.config,
});

describe.skipIf(!hasChromium)('an analyst builds batch-release from an empty canvas', () => {
  let world: DesignerWorld;

  beforeAll(async () => {
    // A server without the example pack: batch-release does not exist until the analyst builds it.
    world = await startWorld({ batchRelease: false });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('drags, configures and wires all 19 nodes, fixes the problem pointed at, test-runs, and an admin publishes', async () => {
    const { page, problems } = await world.loggedIn('ana');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.getByRole('link', { name: 'Flows', exact: true }).click();
    await page.getByLabel('New flow id').fill(EXAMPLE.id);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/flows\/batch-release$/);
    const canvas = page.getByTestId('editor-canvas');
    await canvas.waitFor();
    expect(await canvas.locator('.react-flow__node').count()).toBe(0);
    await shot(page, 'build-empty');

    // The flow's own settings (nothing selected): its name, connection slots and business keys.
    const settings = page.getByRole('region', { name: `Settings of flow ${EXAMPLE.id}` });
    await settings.getByLabel('Flow name').fill(EXAMPLE.name);
    await settings.getByLabel('Flow name').press('Enter');
    for (const [slot, { type }] of Object.entries(EXAMPLE.connections ?? {})) {
      await settings.getByRole('button', { name: 'Add a slot' }).click();
      const fresh = settings.getByLabel('Name of slot connection', { exact: true });
      await fresh.fill(slot);
      await fresh.press('Tab');
      await settings.getByLabel(`Connection type of slot ${slot}`).selectOption(type);
    }
    for (const [key, expression] of Object.entries(EXAMPLE.settings?.businessKeys ?? {})) {
      await settings.getByRole('button', { name: 'Add a business key' }).click();
      const name = settings.getByLabel('Name of business key key', { exact: true });
      await name.fill(key);
      await name.press('Tab');
      const expr = settings.getByLabel(`Expression of business key ${key}`);
      await expr.fill(expression);
      await expr.press('Enter');
    }
    await settings.getByLabel('Idempotency key').fill(EXAMPLE.settings!.idempotencyKey!);
    await settings.getByLabel('Idempotency key').press('Enter');
    await shot(page, 'build-settings');

    // Every node: dragged from the palette (found by search), then named and configured.
    const search = page.getByLabel('Search node types');
    const status = page.locator('p.editor-status');
    for (const [i, node] of EXAMPLE.nodes.entries()) {
      await search.fill(node.type);
      const item = page.getByRole('button', { name: new RegExp(`\\(${node.type.replace(/\./g, '\\.')}\\)$`) });
      await item.first().dragTo(canvas, { targetPosition: { x: 120 + (i % 5) * 40, y: 90 + (i % 7) * 30 } });
      await expect
        .poll(() => status.textContent())
        .toMatch(new RegExp(`^Added [^ ]+ \\(${node.type.replace(/\./g, '\\.')}\\)\\.$`));
      const generated = /^Added ([^ ]+) /.exec((await status.textContent())!)![1]!;
      const inspector = page.getByRole('region', { name: `Inspector of ${generated}` });
      await inspector.waitFor();
      const id = inspector.getByLabel('Id', { exact: true });
      await id.fill(node.id);
      await id.press('Enter');
      const mine = page.getByRole('region', { name: `Inspector of ${node.id}` });
      await mine.waitFor();
      await mine.getByLabel('Name', { exact: true }).fill(node.name ?? '');
      if (node.connection) await mine.getByLabel(/^Connection/).selectOption(node.connection);
      if (node.id === 'unwrap') {
        // The mapping is written in Monaco, as an analyst would.
        await mine.getByLabel('Kind').first().selectOption({ label: 'Code' });
        const code = mine.getByRole('textbox', { name: /^Code of unwrap/ });
        // Monaco loads lazily (a plain textarea stands in meanwhile): type into the real editor.
        await mine.locator('.monaco-editor').first().waitFor({ timeout: 30_000 });
        await code.focus();
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Delete');
        await page.keyboard.insertText(String((node.config as { source?: unknown }).source));
        await expect.poll(() => mine.locator('.view-lines').first().textContent()).toContain('event.payload?.data');
      } else {
        // `check` is left without its schema: the problem the editor must point at below.
        const config = node.id === 'check' ? {} : node.config;
        await mine.getByRole('button', { name: 'Edit as JSON' }).click();
        const json = mine.getByLabel(`Configuration of ${node.id} as JSON`);
        await json.fill(JSON.stringify(config, null, 2));
        await mine.getByRole('button', { name: 'Apply JSON' }).click();
      }
    }
    expect(await canvas.locator('.react-flow__node').count()).toBe(EXAMPLE.nodes.length);

    // Spread out, then every edge drawn from its output handle to its input handle.
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await page.getByRole('button', { name: 'Fit view', exact: true }).click();
    await settled(page);
    await shot(page, 'build-laid-out');
    for (const [i, e] of EXAMPLE.edges.entries()) {
      await drag(page, handle(page, e.from.node, 'out', e.from.port), handle(page, e.to.node, 'in', e.to.port));
      await expect
        .poll(() => canvas.locator('.react-flow__edge').count(), { message: `edge ${e.from.node}.${e.from.port}` })
        .toBe(i + 1);
    }
    await shot(page, 'build-wired');

    // The editor points at the missing schema; following it opens the node, where it is fixed.
    const list = page.getByRole('list', { name: 'Validation problems' });
    const pointed = list.getByRole('button', { name: /check/ }).first();
    await pointed.waitFor({ timeout: 15_000 });
    await shot(page, 'build-problem');
    await pointed.click();
    const check = page.getByRole('region', { name: 'Inspector of check' });
    await check.waitFor();
    await check.getByRole('button', { name: 'Edit as JSON' }).click();
    await check
      .getByLabel('Configuration of check as JSON')
      .fill(JSON.stringify(EXAMPLE.nodes.find((n) => n.id === 'check')!.config));
    await check.getByRole('button', { name: 'Apply JSON' }).click();
    await expect.poll(() => list.getByRole('button').count(), { timeout: 15_000 }).toBe(0);
    await expect
      .poll(() => page.getByTestId('save-status').textContent(), { timeout: 15_000 })
      .toMatch(/Saved revision/);

    // The draft on the server is the example flow: the same nodes, edges, slots and keys.
    const draft = (await (await world.asAdmin('GET', `/api/flows/${EXAMPLE.id}/draft`)).json()) as { flow: Flow };
    expect(draft.flow.nodes.map(essence)).toEqual(EXAMPLE.nodes.map(essence));
    const ends = (f: Flow) => f.edges.map((e) => `${e.from.node}.${e.from.port}>${e.to.node}.${e.to.port}`).sort();
    expect(ends(draft.flow)).toEqual(ends(EXAMPLE));
    expect(draft.flow.connections).toEqual(EXAMPLE.connections);
    expect(draft.flow.settings?.businessKeys).toEqual(EXAMPLE.settings?.businessKeys);

    // A test run of a sample event (a batch completion without a produced lot): each node's data.
    await page.getByRole('button', { name: 'Test run' }).click();
    const sample = CASES.cases[0]!;
    await page
      .getByLabel(/sample event/i)
      .first()
      .fill(JSON.stringify(sample.event));
    await page.getByRole('button', { name: /^Run/ }).first().click();
    await canvas.getByTestId('badge-malformed').waitFor({ timeout: 30_000 });
    await nodeBox(page, 'unwrap').click();
    await expect
      .poll(() =>
        page
          .getByLabel(/^Input of unwrap/)
          .first()
          .textContent(),
      )
      .toContain('LOT-P100-000001');
    await shot(page, 'build-test-run');
    expect(await unlabelledControls(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();

    // An admin publishes it, with a change note, through the dialog.
    const admin = await world.loggedIn('admin');
    await admin.page.goto(`${world.server.url}/flows/${EXAMPLE.id}`);
    await admin.page.getByRole('button', { name: 'Publish…' }).click();
    const dialog = admin.page.getByRole('dialog');
    await dialog.getByLabel(/^Version/).fill('1.0.0');
    await dialog.getByLabel(/^Change note/).fill('batch release for P100, built in the designer');
    await shot(admin.page, 'build-publish');
    await dialog.getByRole('button', { name: /^Publish/ }).click();
    await expect
      .poll(async () => {
        const flows = (await (await world.asAdmin('GET', '/api/flows')).json()) as {
          flows: Array<{ id: string; versions: Array<{ version: string }> }>;
        };
        return flows.flows.find((f) => f.id === EXAMPLE.id)?.versions.map((v) => v.version);
      })
      .toEqual(['1.0.0']);
    expect(admin.problems).toEqual([]);
    await admin.page.close();
  }, 300_000);
});
