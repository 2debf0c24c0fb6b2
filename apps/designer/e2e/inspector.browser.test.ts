import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, recordProblems, shot, startWorld, warnIfNoChromium, type DesignerWorld } from './harness.ts';

/**
 * The node inspector in a real browser against the real server (issue 7): a draft with a webhook
 * trigger (BatchCompletion) feeding a map, a route and a dead letter. The dead letter's generated
 * form (labelled fields, its upstream nodes in "Replay from") edits the draft; the map's code is
 * a Monaco editor served by the app itself (no request leaves 127.0.0.1) where `msg.payload.`
 * completes the BatchCompletion fields, a syntax error is marked and named, and a misspelt field
 * gets a type error; a route's rows are added and removed. No console errors.
 */
warnIfNoChromium('the node inspector browser test');

const FLOW = {
  schemaVersion: 1,
  id: 'inspect',
  name: 'Inspect',
  version: '1.0.0',
  connections: { qms: { type: 'http' } },
  nodes: [
    {
      id: 'hook',
      type: 'trigger.webhook',
      version: 1,
      config: { mode: 'async', path: 'in', schema: 'canonical:BatchCompletion@1' },
    },
    { id: 'shape', type: 'map', version: 1, config: { source: 'return { lot: msg.payload.producedLot.lotId };' } },
    {
      id: 'spec',
      type: 'route',
      version: 1,
      config: { routes: [{ port: 'held', when: 'msg.payload.responseState === "held"' }] },
    },
    { id: 'park', type: 'dead-letter', version: 1, config: { reason: 'held batch', code: 'HELD' } },
    { id: 'send', type: 'http.request', version: 1, connection: 'qms', config: { path: '/inspections' } },
  ],
  edges: [
    { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'shape', port: 'in' } },
    { id: 'e2', from: { node: 'hook', port: 'out' }, to: { node: 'spec', port: 'in' } },
    { id: 'e3', from: { node: 'spec', port: 'held' }, to: { node: 'park', port: 'in' } },
    { id: 'e4', from: { node: 'shape', port: 'out' }, to: { node: 'send', port: 'in' } },
  ],
  layout: {
    hook: { x: 0, y: 100 },
    shape: { x: 260, y: 0 },
    spec: { x: 260, y: 200 },
    park: { x: 520, y: 200 },
    send: { x: 520, y: 0 },
  },
};

type Draft = { flow: typeof FLOW; revision: number };

async function draftNode(world: DesignerWorld, id: string): Promise<Record<string, unknown>> {
  const draft = (await (await world.asAdmin('GET', '/api/flows/inspect/draft')).json()) as Draft;
  return draft.flow.nodes.find((n) => n.id === id) as Record<string, unknown>;
}

async function select(page: Page, id: string) {
  await page.locator(`.react-flow__node[data-id="${id}"]`).click();
  const inspector = page.getByRole('region', { name: `Inspector of ${id}` });
  await inspector.waitFor();
  return inspector;
}

describe.skipIf(!hasChromium)('node inspector in Chromium against the real server', () => {
  let world: DesignerWorld;

  beforeAll(async () => {
    world = await startWorld({ batchRelease: false });
    const saved = await world.asAdmin('PUT', '/api/flows/inspect/draft', { flow: FLOW });
    expect(saved.status, await saved.clone().text()).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('edits a node through its generated form; Monaco completes, marks and types map code without a CDN', async () => {
    const { page, problems } = await world.loggedIn('ana');
    const offsite: string[] = [];
    const origin = new URL(world.server.url).origin;
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !/^(data|blob):/.test(r.url())) offsite.push(r.url());
    });
    await page.goto(`${world.server.url}/flows/inspect`);
    await page.getByTestId('editor-canvas').waitFor();

    // The dead letter's form: labelled fields from its schema, upstream nodes to replay from.
    const park = await select(page, 'park');
    expect(await park.getByLabel('Id', { exact: true }).inputValue()).toBe('park');
    expect(await park.getByLabel('Reason').inputValue()).toBe('held batch');
    expect(await park.getByLabel('Code', { exact: true }).inputValue()).toBe('HELD');
    await park.getByText('Why the run is parked, as operators will read it.').waitFor();
    const replay = park.getByLabel('Replay from');
    expect(await replay.locator('option').allTextContents()).toEqual([
      '(the node that sent the message)',
      'spec',
      'hook',
    ]);
    await park.getByLabel('Reason').fill('held by QA');
    await replay.selectOption('hook');
    await expect
      .poll(async () => (await draftNode(world, 'park')).config, { timeout: 10_000 })
      .toEqual({ reason: 'held by QA', code: 'HELD', replayFrom: 'hook' });
    // An immediate check: a code must be in capitals.
    await park.getByLabel('Code', { exact: true }).fill('held');
    await expect.poll(() => park.getByLabel('Code', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await park.getByLabel('Code', { exact: true }).getAttribute('aria-describedby'))!;
    expect(await page.locator(`#${describedBy.split(' ').pop()!}`).textContent()).toMatch(
      /Code must be a code in capitals/,
    );
    await shot(page, 'inspector-dead-letter');
    await park.getByLabel('Code', { exact: true }).fill('HELD');

    // The http request: its connection is a slot of the flow.
    const send = await select(page, 'send');
    expect(await send.getByLabel('Connection').inputValue()).toBe('qms');
    expect(await send.getByLabel('Method').locator('option').allTextContents()).toContain('PATCH');
    // Headers are a map: edited as JSON, a parse error shown and not saved.
    const headers = send.getByLabel('Headers');
    await headers.fill('{"X-Plant": ');
    await send.getByText(/^Not JSON:/).waitFor();
    expect(await headers.getAttribute('aria-invalid')).toBe('true');
    await headers.fill('{"X-Plant": "P100"}');
    await expect
      .poll(async () => ((await draftNode(world, 'send')).config as { headers?: unknown }).headers, { timeout: 10_000 })
      .toEqual({ 'X-Plant': 'P100' });

    // The webhook's authentication: a union by kind; a bearer token is a secret's name, never a value.
    const hook = await select(page, 'hook');
    const auth = hook.getByRole('group', { name: 'Auth' });
    await auth.getByLabel('Kind').selectOption({ label: 'bearer' });
    await auth.getByLabel('Token').fill('HOOK_TOKEN');
    await expect
      .poll(async () => ((await draftNode(world, 'hook')).config as { auth?: unknown }).auth, { timeout: 10_000 })
      .toEqual({ kind: 'bearer', token: { secret: 'HOOK_TOKEN' } });
    expect(await hook.getByLabel('Schema', { exact: false }).first().isVisible()).toBe(true);
    await shot(page, 'inspector-webhook');

    // The route's rows: add one, remove it again.
    const spec = await select(page, 'spec');
    await spec.getByRole('button', { name: 'Add to Routes' }).click();
    await expect.poll(() => spec.getByRole('group', { name: /^Routes \d$/ }).count()).toBe(2);
    await spec.getByRole('button', { name: 'Remove Routes 2' }).click();
    // Each condition is a one-line Monaco editor named after its row.
    await spec.getByRole('textbox', { name: 'When in Routes 1 of spec' }).waitFor({ timeout: 20_000 });
    // Typed from BatchCompletion: responseState is "completed" or "aborted", never "held".
    await spec.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 20_000 });
    // (The server's problems of the removed row go with the next validation.)
    await expect.poll(() => spec.locator('.field-error').allTextContents(), { timeout: 10_000 }).toEqual([]);
    await shot(page, 'inspector-route');
    await expect.poll(() => spec.getByRole('group', { name: /^Routes \d$/ }).count()).toBe(1);

    // The map's code: Monaco, labelled, with msg.payload typed from the webhook's schema.
    const shape = await select(page, 'shape');
    const code = shape.getByRole('textbox', { name: 'Code of shape' });
    await page.locator('.inspector .monaco-editor').first().waitFor({ timeout: 20_000 });
    await code.focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('const order = msg.payload.');
    const suggestions = page.locator('.monaco-editor .suggest-widget .monaco-list-row');
    const offered = () => suggestions.allTextContents().then((t) => t.join(' '));
    // BatchCompletion's fields, first in the list, then narrowed down by typing.
    await expect.poll(offered, { timeout: 20_000 }).toMatch(/consumption/);
    await page.keyboard.type('productionOrd');
    await expect.poll(offered, { timeout: 10_000 }).toMatch(/productionOrderId/);
    await shot(page, 'inspector-map-completion');
    await page.keyboard.press('Escape');
    for (let i = 0; i < 'productionOrd'.length; i++) await page.keyboard.press('Backspace');
    await page.keyboard.press('Escape');

    // `msg.payload.` and nothing after it: a syntax error, marked and named.
    await expect
      .poll(() => shape.locator('.field-error').first().textContent(), { timeout: 10_000 })
      .toMatch(/syntax error in its JavaScript code at line 1/);
    await page.locator('.inspector .monaco-editor .squiggly-error').first().waitFor({ timeout: 10_000 });
    expect(await code.getAttribute('aria-invalid')).toBe('true');
    // The flow's validation says so too, in the node's problem list.
    await expect
      .poll(() => shape.getByRole('alert', { name: 'Problems of shape' }).textContent(), { timeout: 10_000 })
      .toMatch(/syntax error/);
    await shot(page, 'inspector-map-syntax-error');

    // Complete it with a misspelt field: the syntax is fine, the type check is not.
    // Escape before ";" and Enter: both would accept the suggestion, productionOrderId.
    await page.keyboard.type('productionOrderID');
    await page.keyboard.press('Escape');
    await page.keyboard.type(';');
    await expect.poll(() => shape.locator('.field-error').count(), { timeout: 10_000 }).toBe(0);
    await page.locator('.inspector .monaco-editor .squiggly-error').first().waitFor({ timeout: 20_000 });
    await page.keyboard.press('Control+a');
    await page.keyboard.type('return { lot: msg.payload.producedLot.lotId, order: msg.payload.productionOrderId };');
    await expect
      .poll(async () => ((await draftNode(world, 'shape')).config as { source: string }).source, { timeout: 10_000 })
      .toBe('return { lot: msg.payload.producedLot.lotId, order: msg.payload.productionOrderId };');
    await expect
      .poll(() => page.locator('.inspector .monaco-editor .squiggly-error').count(), { timeout: 20_000 })
      .toBe(0);
    // An optional union left out: "none" until a kind is chosen.
    const output = shape.getByRole('group', { name: 'Output schema' });
    expect(await output.getByLabel('Kind').inputValue()).toBe('');
    expect(await output.getByLabel('Canonical schema').count()).toBe(0);
    await output.getByLabel('Kind').selectOption({ label: 'Canonical schema' });
    await output.getByLabel('Canonical schema').selectOption('canonical:InspectionLot@1');
    await expect
      .poll(async () => ((await draftNode(world, 'shape')).config as { outputSchema?: unknown }).outputSchema, {
        timeout: 10_000,
      })
      .toBe('canonical:InspectionLot@1');
    await shot(page, 'inspector-map');

    expect(offsite).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('links each node to its reference page, and Help to the contents, the designer guide and the tutorial', async () => {
    const { page, problems } = await world.loggedIn('vic');
    await page.goto(`${world.server.url}/flows/inspect`);
    await page.getByTestId('editor-canvas').waitFor();
    const park = await select(page, 'park');
    const [reference] = await Promise.all([
      page.context().waitForEvent('page'),
      park.getByRole('link', { name: /^Reference for dead-letter/ }).click(),
    ]);
    const referenceProblems = recordProblems(reference);
    await reference.waitForLoadState();
    // The generated page of docs/nodes/, rendered: its config table, and a link on to the index.
    await reference.getByRole('heading', { level: 1, name: 'Dead letter (dead-letter)' }).waitFor();
    expect(await reference.getByRole('cell', { name: 'replayFrom', exact: true }).count()).toBe(1);
    await shot(reference, 'reference-dead-letter');
    await reference
      .getByRole('navigation', { name: 'Documentation' })
      .getByRole('link', { name: 'Node reference' })
      .click();
    await reference.getByRole('heading', { level: 1, name: 'Node reference' }).waitFor();
    await reference.getByRole('link', { name: 'map', exact: true }).click();
    await reference.getByRole('heading', { level: 1, name: 'Map (map)' }).waitFor();
    await reference.close();

    const [help] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('link', { name: 'Help' }).click(),
    ]);
    // Help opens the contents; the bar on every page leads to the designer guide and the tutorial.
    await help.getByRole('heading', { level: 1, name: 'Millrace documentation' }).waitFor();
    await help.getByRole('navigation', { name: 'Documentation' }).getByRole('link', { name: 'Designer guide' }).click();
    await help.getByRole('heading', { level: 1, name: /designer/i }).waitFor();
    await help.getByRole('navigation', { name: 'Documentation' }).getByRole('link', { name: 'Tutorial' }).click();
    await help.getByRole('heading', { level: 1, name: /first flow/i }).waitFor();
    await help.close();
    expect(referenceProblems).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a viewer the same form read-only', async () => {
    const { page, problems } = await world.loggedIn('vic');
    await page.goto(`${world.server.url}/flows/inspect`);
    await page.getByTestId('editor-canvas').waitFor();
    const spec = await select(page, 'spec');
    expect(await spec.getByLabel('Port').first().getAttribute('readonly')).not.toBeNull();
    expect(await spec.getByRole('button', { name: 'Add to Routes' }).count()).toBe(0);
    expect(await spec.getByLabel('Mode').isDisabled()).toBe(true);
    await shot(page, 'inspector-viewer');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
