import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, packOf, ROOT, shot, startWorld, warnIfNoChromium, type DesignerWorld } from './harness.ts';

/**
 * The operations and admin pages in a real browser against the real server (issue 7): an admin
 * imports a pack folder after a dry run (a tampered copy is refused with the server's problems
 * first), the runs list finds a run by its business key (and the search is a deep link), the
 * dashboard draws its charts with their numbers, the plants page deploys a flow and sets a secret
 * write-only, the audit log filtered by action shows the import and its chain verifies; a viewer
 * sees no import, deploy, profile or secret controls and no audit log. A screenshot of each page.
 */
// A flow whose runs succeed at once, keyed by lot: the runs the list and dashboard show.
const LOTS = {
  schemaVersion: 1,
  id: 'lots',
  name: 'Lots',
  version: '1.0.0',
  settings: { businessKeys: { lot: 'msg.payload.lot' } },
  nodes: [
    { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'lot' } },
    { id: 'done', type: 'map', version: 1, config: { source: 'return { done: msg.payload.lot };' } },
  ],
  edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'done', port: 'in' } }],
};

const PACK = 'production-order-change';

/**
 * The console errors but those of refusals the test provokes on purpose: Chromium logs every
 * 4xx answer as a failed load, so a 422 of a route `expected` matches is not a problem.
 */
const unexpected = (problems: readonly string[], expected: RegExp) =>
  problems.filter((p) => !(/status of 422/.test(p) && expected.test(p)));

/** Chromium logs the 409s the users test provokes (a taken name, the last admin) as failed loads. */
const unexpected409 = (problems: readonly string[]) =>
  problems.filter((p) => !(/status of 409/.test(p) && /\/api\/users(\/[\w-]+)?\)$/.test(p)));

warnIfNoChromium('the admin pages browser test');

describe.skipIf(!hasChromium)('operations and admin pages in Chromium against the real server', () => {
  let world: DesignerWorld;
  let dir: string;
  const asAdmin = (method: string, path: string, body?: unknown) => world.asAdmin(method, path, body);

  beforeAll(async () => {
    world = await startWorld({ flows: [LOTS], packs: { lots: packOf('lots', [LOTS]) } });
    dir = mkdtempSync(join(tmpdir(), 'millrace-admin-e2e-'));
  }, 60_000);

  afterAll(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A run of the lots flow for a lot, once it has ended. */
  async function runFor(lot: string): Promise<string> {
    const { runId } = await world.server.runtime.engine.accept('lots', {
      payloadText: JSON.stringify({ lot }),
      headersText: null,
    });
    for (let i = 0; i < 200; i++) {
      const run = (await (await asAdmin('GET', `/api/runs/${runId}`)).json()) as { status: string };
      if (run.status === 'succeeded') return String(runId);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`run ${runId} of lot ${lot} did not succeed`);
  }

  it('imports a pack folder after a dry run; a tampered copy is refused with the problems', async () => {
    const good = join(dir, 'good', PACK);
    const bad = join(dir, 'bad', PACK);
    cpSync(join(ROOT, 'examples', PACK), good, { recursive: true });
    cpSync(join(ROOT, 'examples', PACK), bad, { recursive: true });
    const flowFile = join(bad, 'flows', `${PACK}.flow.json`);
    writeFileSync(flowFile, readFileSync(flowFile, 'utf8').replace('"name"', '"name" ')); // digest no longer matches

    const { page, problems } = await world.loggedIn('admin');
    await page.getByRole('link', { name: 'Packs', exact: true }).click();
    await page.getByRole('row', { name: /batch-release/ }).waitFor();
    expect(await page.getByRole('link', { name: 'Export batch-release 1.0.0' }).getAttribute('href')).toBe(
      '/api/packs/batch-release/1.0.0/export',
    );

    // The tampered folder: refused, with the server's detail and the file it found wrong.
    await page.getByLabel('Pack folder').setInputFiles(bad);
    await page.getByText(/^\d+ file\(s\) chosen$/).waitFor();
    await page.getByRole('button', { name: 'Dry run' }).click();
    const refusal = page.getByRole('alert', { name: 'Import refused' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/the pack is invalid/);
    expect(await refusal.textContent()).toMatch(/pack\.json#\/sha256\/\S+: does not match the file/);
    expect(await page.getByRole('button', { name: 'Import', exact: true }).count()).toBe(0);
    await shot(page, 'packs-refused');

    // The real folder: the dry run shows the flow it would add, and changes nothing yet.
    await page.getByLabel('Pack folder').setInputFiles(good);
    await page.getByRole('button', { name: 'Dry run' }).click();
    const flows = page.getByRole('list', { name: 'Flows' });
    await flows.waitFor();
    expect(await flows.textContent()).toContain(`+ flow ${PACK} 1.0.0 (new)`);
    expect(await page.getByRole('list', { name: 'Plant profiles' }).textContent()).toMatch(/plant profile P100/);
    const before = (await (await asAdmin('GET', '/api/packs')).json()) as { packs: Array<{ name: string }> };
    expect(before.packs.map((p) => p.name)).not.toContain(PACK);
    await shot(page, 'packs-dry-run');

    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('button', { name: `Yes, import ${PACK} 1.0.0` }).click();
    await page.getByRole('heading', { name: `Imported ${PACK} 1.0.0` }).waitFor();
    const after = (await (await asAdmin('GET', '/api/packs')).json()) as { packs: Array<{ name: string }> };
    expect(after.packs.map((p) => p.name)).toContain(PACK);
    await page.getByRole('link', { name: `Export ${PACK} 1.0.0` }).waitFor();
    const published = (await (await asAdmin('GET', `/api/flows?id=${PACK}`)).json()) as { flows: unknown[] };
    expect(published.flows).toHaveLength(1);
    await shot(page, 'packs-imported');

    expect(unexpected(problems, /\/api\/packs\/import\)$/)).toEqual([]);
    await page.close();
  }, 60_000);

  it('finds a run by its business key, and the search is a link that survives a reload', async () => {
    const wanted = await runFor('B123');
    const other = await runFor('C777');
    const { page, problems } = await world.loggedIn('vic');
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByRole('link', { name: `Open run ${other}` }).waitFor();

    await page.getByLabel('Business key value').fill('B123');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('link', { name: `Open run ${other}` }).count()).toBe(0);
    await page.getByRole('link', { name: `Open run ${wanted}` }).waitFor();
    expect(new URL(page.url()).search).toBe('?key=B123');
    await shot(page, 'runs-search');

    await page.reload();
    await page.getByRole('link', { name: `Open run ${wanted}` }).waitFor();
    expect(await page.getByLabel('Business key value').inputValue()).toBe('B123');
    expect(await page.getByRole('link', { name: `Open run ${other}` }).count()).toBe(0);

    // Filters combine: the status and the key name narrow further, and are in the URL too.
    await page.getByLabel('Status').selectOption('dead_lettered');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No runs match these filters.').waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('dead_lettered');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('link', { name: `Open run ${other}` }).waitFor();
    expect(new URL(page.url()).search).toBe('');

    // The menu's Runs link on a filtered list shows all runs, as its address says; Back returns
    // to the search.
    await page.getByLabel('Business key value').fill('B123');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('link', { name: `Open run ${other}` }).count()).toBe(0);
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.getByRole('link', { name: `Open run ${other}` }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(await page.getByLabel('Business key value').inputValue()).toBe('');
    await page.goBack();
    await expect.poll(() => page.getByRole('link', { name: `Open run ${other}` }).count()).toBe(0);
    expect(await page.getByLabel('Business key value').inputValue()).toBe('B123');

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('draws the dashboard charts with their numbers, linking to the filtered runs', async () => {
    await runFor('D1');
    const succeeded = (
      (await (await asAdmin('GET', '/api/runs?status=succeeded&limit=1000')).json()) as { runs: unknown[] }
    ).runs.length;
    expect(succeeded).toBeGreaterThanOrEqual(3);

    const { page, problems } = await world.loggedIn('admin');
    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    const byStatus = page.getByRole('img', { name: /^Runs by status:/ });
    await byStatus.waitFor();
    expect(await byStatus.getAttribute('aria-label')).toContain(`succeeded ${succeeded}`);
    expect(await page.locator('figure.chart').count()).toBeGreaterThanOrEqual(6);
    // Each chart has a title and its numbers as a table.
    const perPeriod = page.getByRole('figure', { name: /^Runs accepted per/ });
    const bars = perPeriod.locator('rect.bar');
    expect(await bars.count()).toBe(24);
    await page.getByText('Numbers: Runs by status').click();
    const row = page.getByRole('row', { name: /succeeded/ }).first();
    expect(await row.textContent()).toContain(String(succeeded));
    await page.getByRole('link', { name: /pending approvals/ }).waitFor();
    await shot(page, 'dashboard');

    // The period selector asks for another window and keeps it in the URL.
    await page.getByLabel('Period').selectOption('7d');
    await expect.poll(() => perPeriod.locator('rect.bar').count()).toBe(7);
    expect(new URL(page.url()).searchParams.get('window')).toBe('7d');

    await page.getByRole('link', { name: new RegExp(`^${succeeded} succeeded runs$`) }).click();
    await page.getByRole('heading', { name: 'Runs' }).waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('succeeded');
    expect(await page.getByLabel('Status').inputValue()).toBe('succeeded');

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a plant profile with secrets by name, deploys a flow and sets a secret write-only', async () => {
    const { page, problems } = await world.loggedIn('admin');
    await page.getByRole('link', { name: 'Plants', exact: true }).click();
    await page.getByRole('button', { name: /^P200/ }).click();
    const plant = page.getByRole('article', { name: 'Plant P200' });
    await plant.getByRole('row', { name: /^erp / }).waitFor();
    expect(await plant.getByRole('row', { name: /^erp / }).textContent()).toContain('ERP_P200_CLIENT_SECRET');
    await plant
      .getByRole('table', { name: 'Flows deployed to P200' })
      .or(plant.getByText('No flow is deployed to P200.'))
      .waitFor();
    await shot(page, 'plants');

    await page.getByLabel('Flow to deploy').selectOption(PACK);
    await page.getByLabel('Version to deploy').selectOption('1.0.0');
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.getByText(`Deployed ${PACK} 1.0.0 to P200`).waitFor();
    await plant.getByRole('table', { name: 'Flows deployed to P200' }).getByText(PACK).waitFor();
    const deployed = (await (await asAdmin('GET', '/api/plants/P200/deployments')).json()) as {
      deployments: Array<{ flowId: string; version: string }>;
    };
    expect(deployed.deployments).toContainEqual(expect.objectContaining({ flowId: PACK, version: '1.0.0' }));

    await page.getByLabel('Secret name').fill('ADMIN_E2E_SECRET');
    await page.getByLabel('Secret value').fill('hunter2');
    await page.getByRole('button', { name: 'Set the secret' }).click();
    await page.getByText('Secret ADMIN_E2E_SECRET created.').waitFor();
    expect(await page.getByLabel('Secret value').inputValue()).toBe('');
    expect(await page.getByLabel('Secret value').getAttribute('type')).toBe('password');
    expect(await page.content()).not.toContain('hunter2');

    // A profile the server refuses: its problems are shown.
    await page.getByLabel('Profile JSON of P200').fill('{"schemaVersion": 1, "plant": "P200", "connections": 5}');
    await page.getByRole('button', { name: 'Save the profile' }).click();
    await page.getByText(/the profile is invalid/).waitFor();
    await shot(page, 'plants-forms');

    expect(unexpected(problems, /\/api\/plants\/P200\)$/)).toEqual([]);
    await page.close();
  }, 60_000);

  it('filters the audit log by action, shows a record in full, and verifies the chain', async () => {
    const { page, problems } = await world.loggedIn('admin');
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByLabel('Action').fill('pack.import');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('action')).toBe('pack.import');
    const rows = page.getByRole('row').filter({ hasText: `pack ${PACK}@1.0.0` });
    // The refused dry run of the tampered copy is there too, with its reason.
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.filter({ hasText: 'the pack is invalid' }).count()).toBe(1);
    const imported = rows.filter({ hasNotText: 'the pack is invalid' });
    // Only pack imports: no deployment.
    expect(await page.getByRole('row', { name: /flow\.deploy/ }).count()).toBe(0);
    await imported.getByRole('button', { name: /^Details of record/ }).click();
    const full = page.getByLabel(/^Record \d+ in full$/);
    expect(await full.textContent()).toContain(`${PACK}@1.0.0:new`);

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^OK: the chain of \d+ records is intact/ })
      .waitFor();
    await shot(page, 'audit');

    // The menu's link shows the whole log again, deployments included.
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await page
      .getByRole('row', { name: /flow\.deploy/ })
      .first()
      .waitFor();
    expect(await page.getByLabel('Action').inputValue()).toBe('');

    // The filter is a link: opened afresh, it shows the same records.
    await page.goto(`${world.server.url}/audit?action=flow.deploy`);
    await page
      .getByRole('row', { name: /flow\.deploy/ })
      .first()
      .waitFor();
    expect(await page.getByLabel('Action').inputValue()).toBe('flow.deploy');

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('lets an admin create a user, change the role, set a password and disable them; the last admin stays, a second may step down', async () => {
    const login = (username: string, password: string) =>
      fetch(`${world.server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      }).then((r) => r.status);
    const stored = async (username: string) =>
      ((await (await asAdmin('GET', '/api/users')).json()) as { users: Array<Record<string, unknown>> }).users.find(
        (u) => u.username === username,
      );
    const { page, problems } = await world.loggedIn('admin');
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    const status = page.getByRole('status');
    const table = page.getByRole('table', { name: 'Users' });
    await table.getByRole('rowheader', { name: 'admin (you)' }).waitFor();

    // Create: the form says what the server needs; the new user can log in at once.
    await page.getByLabel('Username').fill('olga');
    await page.getByLabel('Role', { exact: true }).selectOption('analyst');
    await page.getByLabel('Initial password').fill('short');
    expect(await page.getByRole('button', { name: 'Create user' }).isDisabled()).toBe(true);
    await page.getByLabel('Initial password').fill('olga first password');
    await page.getByRole('button', { name: 'Create user' }).click();
    await status.getByText('olga can now log in as analyst.').waitFor();
    expect(await table.getByLabel('Role of olga').inputValue()).toBe('analyst');
    expect(await stored('olga')).toMatchObject({ role: 'analyst', disabled: false });
    expect(await login('olga', 'olga first password')).toBe(200);
    await page.getByLabel('Username').fill('OLGA');
    await page.getByLabel('Initial password').fill('another password');
    await page.getByRole('button', { name: 'Create user' }).click();
    expect(await page.getByRole('alert', { name: 'User not created' }).textContent()).toMatch(/exists already/);

    // Role and password: each change is stored at once and said so.
    await table.getByLabel('Role of olga').selectOption('approver');
    await status.getByText('olga is now approver.').waitFor();
    expect(await stored('olga')).toMatchObject({ role: 'approver' });
    await table.getByRole('button', { name: 'Set password of olga' }).click();
    await page.getByLabel('New password for olga').fill('olga second password');
    await page.getByRole('button', { name: 'Set password', exact: true }).click();
    await status.getByText('The password of olga is set; their sessions have ended.').waitFor();
    expect(await login('olga', 'olga first password')).toBe(401);
    expect(await login('olga', 'olga second password')).toBe(200);

    // Disabled: no login until enabled again.
    await table.getByRole('button', { name: 'Disable olga' }).click();
    await status.getByText('olga is disabled and logged out everywhere.').waitFor();
    expect(await table.getByRole('row', { name: /^olga/ }).getByRole('cell', { name: 'disabled' }).count()).toBe(1);
    expect(await login('olga', 'olga second password')).toBe(401);
    await shot(page, 'users');
    await table.getByRole('button', { name: 'Enable olga' }).click();
    await status.getByText('olga can log in again.').waitFor();
    expect(await login('olga', 'olga second password')).toBe(200);

    // The last active admin cannot demote themselves: refused, and the table shows the role kept.
    await table.getByLabel('Role of admin').selectOption('viewer');
    const refused = page.getByRole('alert', { name: 'Change refused' });
    expect(await refused.textContent()).toMatch(/last active admin/);
    await expect.poll(() => table.getByLabel('Role of admin').inputValue()).toBe('admin');
    expect(await stored('admin')).toMatchObject({ role: 'admin', disabled: false });
    expect(await table.getByRole('button', { name: 'Disable admin' }).count()).toBe(0);

    // With a second admin, an admin may step down; the header and pages follow at once.
    const adminId = (await stored('admin'))!.id as string;
    await table.getByLabel('Role of olga').selectOption('admin');
    await status.getByText('olga is now admin.').waitFor();
    await table.getByLabel('Role of admin').selectOption('analyst');
    await page.getByText('Only admins manage users.').waitFor();
    expect(await page.getByText('admin (analyst)').count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
    // olga makes them admin again (the other tests of this file need the admin).
    const olgaLogin = await fetch(`${world.server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'olga', password: 'olga second password' }),
    });
    const olgaCookie = olgaLogin.headers.get('set-cookie')!.split(';')[0]!;
    const restored = await fetch(`${world.server.url}/api/users/${adminId}`, {
      method: 'PATCH',
      headers: { cookie: olgaCookie, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(restored.status).toBe(200);
    expect(await stored('admin')).toMatchObject({ role: 'admin' });

    // Every change is in the audit log, with who made it.
    const audit = (await (await asAdmin('GET', '/api/audit?action=user.update')).json()) as {
      records: Array<{ actor: unknown; details: Record<string, unknown> }>;
    };
    const olga = audit.records.filter((r) => r.details.username === 'olga');
    expect(olga.map((r) => Object.keys(r.details).filter((k) => k !== 'username'))).toEqual(
      expect.arrayContaining([['role'], ['passwordChanged'], ['disabled']]),
    );
    expect(unexpected409(problems)).toEqual([]);
    await page.close();
  }, 60_000);

  it("lets any user make an API token, shows it once and revokes it after a confirmation; an admin sees everyone's", async () => {
    const me = (token: string) =>
      fetch(`${world.server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    const { page, problems } = await world.loggedIn('vic');
    await page.getByRole('link', { name: 'API tokens', exact: true }).click();
    await page.getByText('You have no API token.').waitFor();
    await page.getByLabel('Token name').fill('CI script');
    await page.getByLabel('Expires in days').fill('30');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByRole('region', { name: 'New API token' });
    const token = await shown.getByLabel('API token CI script').inputValue();
    expect(token).toMatch(/^mr_/);
    // The token acts as the user who made it, with their role.
    const answer = await me(token);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ username: 'vic', role: 'viewer', via: 'token' });
    await shot(page, 'tokens-new');
    await shown.getByRole('button', { name: 'Done, I have copied it' }).click();

    // Listed without the token itself, which the page does not hold any more.
    const table = page.getByRole('table', { name: 'Your API tokens' });
    const row = table.getByRole('row', { name: /CI script/ });
    await row.waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await row.getByRole('cell', { name: 'active', exact: true }).count()).toBe(1);
    const expires = (await (await asAdmin('GET', '/api/tokens?all=1')).json()) as {
      tokens: Array<{ name: string; expiresAt: string }>;
    };
    const days = (Date.parse(expires.tokens.find((t) => t.name === 'CI script')!.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    // Revoking asks first; then the token stops working at once.
    await row.getByRole('button', { name: 'Revoke CI script' }).click();
    await row.getByRole('button', { name: 'Keep it' }).click();
    expect((await me(token)).status).toBe(200);
    await row.getByRole('button', { name: 'Revoke CI script' }).click();
    await row.getByRole('button', { name: 'Yes, revoke CI script' }).click();
    await page.getByRole('status').getByText('CI script is revoked: it no longer works.').waitFor();
    expect((await me(token)).status).toBe(401);
    expect(await row.getByRole('cell', { name: 'revoked', exact: true }).count()).toBe(1);
    expect(await row.getByRole('cell', { name: 'never', exact: true }).count()).toBe(0); // it was used: "last used" is set
    await shot(page, 'tokens');
    expect(problems).toEqual([]);
    await page.close();

    // An admin sees everyone's tokens, with their owners.
    const admin = await world.loggedIn('admin');
    await admin.page.getByRole('link', { name: 'API tokens', exact: true }).click();
    await admin.page.getByLabel("Everyone's tokens").check();
    const all = admin.page.getByRole('table', { name: "Everyone's API tokens" });
    await all.getByRole('row', { name: /CI script vic/ }).waitFor();
    expect(admin.problems).toEqual([]);
    await admin.page.close();
  }, 60_000);

  it('hides import, deploy, profile and secret controls from a viewer, and the audit log', async () => {
    const { page, problems } = await world.loggedIn('vic');
    const auditCalls: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/audit') || path.startsWith('/api/users')) auditCalls.push(r.url());
    });
    await page.getByRole('link', { name: 'Packs', exact: true }).click();
    await page.getByRole('link', { name: `Export ${PACK} 1.0.0` }).waitFor();
    expect(await page.getByLabel('Pack folder').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Dry run' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Import', exact: true }).count()).toBe(0);
    await shot(page, 'packs-viewer');

    await page.getByRole('link', { name: 'Plants', exact: true }).click();
    await page
      .getByRole('article', { name: /^Plant / })
      .getByRole('table')
      .first()
      .waitFor();
    for (const name of ['Deploy', 'Set the secret', 'Save the profile'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    expect(await page.getByLabel('Secret value').count()).toBe(0);

    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.goto(`${world.server.url}/audit`);
    await page.getByText('Only admins see the audit log.').waitFor();
    expect(await page.getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
    await page.goto(`${world.server.url}/users`);
    await page.getByText('Only admins manage users.').waitFor();
    expect(auditCalls).toEqual([]);
    await shot(page, 'audit-viewer');

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
