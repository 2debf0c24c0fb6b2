// Shared by the designer's browser tests: the built app, a real server with the example pack and
// one user per role, Chromium, and pages that fail the test on any console error.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { pino } from 'pino';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import type { Flow } from '@millrace/flow-model';
import { readPackFiles, startServer, type MillraceServer } from '@millrace/server';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const SHOTS = join(ROOT, 'test-results');
export const CHROMIUM = process.env.MILLRACE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ADMIN_PASSWORD = 'designer admin password';
/** One user per role besides admin; each one's password is `<username> password 1234`. */
export const USERS = [
  ['ana', 'analyst'],
  ['vic', 'viewer'],
  ['quinn', 'approver'],
] as const;
export const passwordOf = (username: string) => (username === 'admin' ? ADMIN_PASSWORD : `${username} password 1234`);

// The secrets the example profiles name: an import refuses a pack whose secrets are not set.
export const SECRETS = {
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

export const hasChromium = existsSync(CHROMIUM);

/** Says loudly, once per file, that the browser tests are skipped (never failed) without Chromium. */
export function warnIfNoChromium(what: string): void {
  if (hasChromium) return;
  console.warn(
    [
      '',
      '*'.repeat(78),
      `* SKIPPED: ${what} needs Chromium at ${CHROMIUM}, which is missing.`,
      '* Install it with `apt-get install -y chromium` (never `npx playwright install`),',
      '* or point MILLRACE_CHROMIUM at a Chromium binary.',
      '*'.repeat(78),
      '',
    ].join('\n'),
  );
}

/** A pack of the given flows, sealed (sha256 per file) as an import wants it. */
export function packOf(name: string, flows: readonly object[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of flows) files[`flows/${(f as { id: string }).id}.flow.json`] = JSON.stringify(f, null, 2);
  const sha256 = Object.fromEntries(
    Object.entries(files).map(([path, text]) => [path, createHash('sha256').update(text).digest('hex')]),
  );
  const manifest = { schemaVersion: 1, name, version: '1.0.0', flows: Object.keys(files), sha256 };
  return { 'pack.json': JSON.stringify(manifest, null, 2), ...files };
}

export interface DesignerWorld {
  readonly server: MillraceServer;
  readonly browser: Browser;
  /** The admin's session cookie, for setting up and checking through the API. */
  readonly cookie: string;
  /** An API call as admin. */
  asAdmin(method: string, path: string, body?: unknown): Promise<Response>;
  /**
   * A logged-in page that records console errors (but the 401 of GET /api/auth/me before
   * logging in, and the 401s of the routes `allowed401` matches, provoked on purpose).
   */
  loggedIn(username: string, allowed401?: RegExp): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Flows the server runs besides the imported example pack (plant P100). */
  readonly flows?: readonly object[];
  /** Packs to import as admin once the server is up (name → files). */
  readonly packs?: Readonly<Record<string, Record<string, string>>>;
  /** Import examples/batch-release (default true). */
  readonly batchRelease?: boolean;
  /**
   * Start the way `npm start` does instead: this pack folder installed and deployed to `plant`,
   * whose profile the server runs (so a deployment takes effect at once). `flows` and
   * `batchRelease` do not apply; `env` adds the secrets the pack's profile names.
   */
  readonly startPack?: { readonly dir: string; readonly plant: string; readonly env?: Record<string, string> };
}

/**
 * A real server on a temporary data directory with the example batch-release pack imported, one
 * user per role, and Chromium. The designer must be built (the global setup does it).
 */
export async function startWorld(options: WorldOptions = {}): Promise<DesignerWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-designer-'));
  const start = options.startPack;
  const server = await startServer({
    dataDir: dir,
    port: 0,
    env: { MILLRACE_ADMIN_PASSWORD: ADMIN_PASSWORD, ...SECRETS, ...start?.env },
    log: pino({ level: 'silent' }),
    ...(start
      ? { pack: start.dir, plant: start.plant }
      : { flows: (options.flows ?? []) as Flow[], profile: { schemaVersion: 1, plant: 'P100', name: 'Test plant' } }),
    ...(process.env.MILLRACE_DESIGNER_DIST ? { designerDist: process.env.MILLRACE_DESIGNER_DIST } : {}),
  });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const asAdmin = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const packs: Record<string, Record<string, string>> = {
    ...(options.batchRelease === false || start
      ? {}
      : { 'batch-release': readPackFiles(join(ROOT, 'examples/batch-release')) }),
    ...options.packs,
  };
  for (const [name, files] of Object.entries(packs)) {
    const imported = await asAdmin('POST', '/api/packs/import', { files });
    expect(imported.status, `import of ${name}: ${await imported.clone().text()}`).toBe(201);
  }
  for (const [username, role] of USERS) {
    const made = await asAdmin('POST', '/api/users', { username, role, password: passwordOf(username) });
    expect(made.status, await made.clone().text()).toBe(201);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  mkdirSync(SHOTS, { recursive: true });

  return {
    server,
    browser,
    cookie,
    asAdmin,
    async loggedIn(username, allowed401) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const problems = recordProblems(page, allowed401);
      await page.goto(server.url);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(passwordOf(username));
      await page.getByLabel('Password').press('Enter');
      await page.getByRole('navigation', { name: 'Pages' }).waitFor();
      return { page, problems };
    },
    async close() {
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Collects the page's console errors and uncaught exceptions; the 401 of GET /api/auth/me
 * (no session yet) and of routes `allowed401` matches are expected.
 */
export function recordProblems(page: Page, allowed401?: RegExp): string[] {
  const problems: string[] = [];
  const expected401 = (m: ConsoleMessage) =>
    /status of 401/.test(m.text()) &&
    (/\/api\/auth\/me$/.test(m.location().url ?? '') || (allowed401?.test(m.location().url ?? '') ?? false));
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected401(m)) problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

/** Saves a screenshot as test-results/designer-<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `designer-${name}.png`) });
}

const CONTROL_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'checkbox',
  'radio',
  'switch',
  'slider',
  'spinbutton',
  'menuitem',
  'tab',
]);

/**
 * The interactive controls on the page that have no accessible name, from Chromium's own
 * accessibility tree (what a screen reader gets), described by role and a snippet of their HTML.
 */
export async function unlabelledControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: Array<{
        ignored?: boolean;
        role?: { value?: string };
        name?: { value?: string };
        backendDOMNodeId?: number;
      }>;
    };
    const found: string[] = [];
    for (const n of nodes) {
      const role = n.role?.value ?? '';
      if (n.ignored || !CONTROL_ROLES.has(role) || (n.name?.value ?? '').trim() !== '') continue;
      let html = '';
      if (n.backendDOMNodeId !== undefined) {
        const { object } = (await cdp.send('DOM.resolveNode', { backendNodeId: n.backendDOMNodeId })) as {
          object: { objectId?: string };
        };
        if (object.objectId) {
          const r = (await cdp.send('Runtime.callFunctionOn', {
            objectId: object.objectId,
            functionDeclaration:
              'function () { return this.outerHTML ? this.outerHTML.slice(0, 160) : String(this.nodeName); }',
            returnByValue: true,
          })) as { result: { value?: string } };
          html = r.result.value ?? '';
        }
      }
      found.push(`${role}: ${html}`);
    }
    return found;
  } finally {
    await cdp.detach();
  }
}
