import { readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { catalog } from '@millrace/flow-nodes/catalog';
import { createApp } from './app.ts';
import { docsRoutes } from './docs-routes.ts';
import { DEFAULT_DOCS_DIR, GUIDE_PATH, guideHref, guideUrl } from './guide.ts';

/** The documentation served as pages (issue 8): the designer's inspector links the node reference here. */
let base: string;
let server: Server;

beforeAll(async () => {
  const app = createApp({
    routes: docsRoutes(() => [], 'test'),
    auth: { principal: () => undefined },
    log: pino({ level: 'silent' }),
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const markdownFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );

async function page(path: string): Promise<{ status: number; type: string | null; html: string }> {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), html: await res.text() };
}

describe('the documentation as pages', () => {
  it('serves a node type’s reference page without a login, under the CSP', async () => {
    const res = await fetch(`${base}${GUIDE_PATH}/nodes/map`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('<title>Map (map) — Millrace docs</title>');
    expect(html).toMatch(/<h1 id="map-map">Map \(<code>map<\/code>\)<\/h1>/);
    expect(html).toContain('<table>');
    expect(html).not.toContain('<script');
  });

  it('has a reference page for every node type of the catalog (what the inspector links)', async () => {
    const types = [...new Set(catalog.nodes.map((n) => n.type))];
    expect(types.length).toBeGreaterThan(10);
    for (const type of types) {
      const { status, html } = await page(`${GUIDE_PATH}/nodes/${type}`);
      expect(status, type).toBe(200);
      expect(html, type).toContain(`<code>${type}</code>`);
    }
  });

  it('turns links between the Markdown files into links between the pages, anchors included', async () => {
    // Every page of docs/ renders, and every link it has to another page lands on a page that
    // holds the anchor it names: the link checker's promise, kept in the browser too.
    const files = markdownFiles(DEFAULT_DOCS_DIR).map((f) => relative(DEFAULT_DOCS_DIR, f).split('\\').join('/'));
    expect(files).toContain('tutorial.md');
    const rendered = new Map<string, string>();
    for (const rel of files) {
      const { status, html } = await page(guideUrl(rel));
      expect(status, rel).toBe(200);
      rendered.set(guideUrl(rel), html);
    }
    let checked = 0;
    for (const [url, html] of rendered) {
      for (const m of html.matchAll(/<a href="(\/api\/docs\/guide[^"#]*)(?:#([^"]*))?"/g)) {
        const target = rendered.get(m[1]!);
        expect(target, `${url} → ${m[1]}`).toBeDefined();
        if (m[2]) expect(target, `${url} → ${m[1]}#${m[2]}`).toContain(`id="${m[2]}"`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    const index = rendered.get(`${GUIDE_PATH}/nodes`)!;
    expect(index).toContain(`<a href="${GUIDE_PATH}/nodes/map">`);
    expect(rendered.get(`${GUIDE_PATH}/nodes/catch`)).toContain(`<a href="${GUIDE_PATH}/errors">`);
  });

  it('answers a missing page or a path out of docs/ with a 404 problem', async () => {
    for (const path of [
      `${GUIDE_PATH}/nodes/no-such-node`,
      `${GUIDE_PATH}/..%2FREADME`,
      `${GUIDE_PATH}/nodes/..%2F..%2Fpackage.json`,
      `${GUIDE_PATH}/.hidden`,
      `${GUIDE_PATH}/a/b/c/d`,
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/application\/problem\+json/);
    }
  });

  it('keeps absolute links, and leaves links out of docs/ unlinked', () => {
    expect(guideHref(DEFAULT_DOCS_DIR, 'tutorial.md', 'https://example.com/x')).toBe('https://example.com/x');
    expect(guideHref(DEFAULT_DOCS_DIR, 'tutorial.md', '#start')).toBe('#start');
    expect(guideHref(DEFAULT_DOCS_DIR, 'nodes/map.md', '../errors.md#codes')).toBe(`${GUIDE_PATH}/errors#codes`);
    expect(guideHref(DEFAULT_DOCS_DIR, 'tutorial.md', 'nodes/README.md')).toBe(`${GUIDE_PATH}/nodes`);
    expect(guideHref(DEFAULT_DOCS_DIR, 'tutorial.md', '../README.md')).toBeUndefined();
    expect(guideHref(DEFAULT_DOCS_DIR, 'tutorial.md', '../../etc/passwd')).toBeUndefined();
    expect(guideHref(DEFAULT_DOCS_DIR, 'tutorial.md', 'missing.md')).toBeUndefined();
  });
});
