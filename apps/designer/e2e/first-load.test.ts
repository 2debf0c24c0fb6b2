import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DESIGNER_DIST } from '../scripts/build-if-stale.ts';

// Strings each library keeps in its minified code: a React Flow class name, an ajv message, Monaco.
const HEAVY = {
  'React Flow': 'react-flow__pane',
  'the schema validators (ajv)': 'must have required property',
  Monaco: 'monaco-editor',
} as const;

const assets = join(DESIGNER_DIST, 'assets');
const built = existsSync(join(DESIGNER_DIST, 'index.html'));

/** The entry script and every chunk it imports statically: what the browser loads before any page. */
function firstLoad(): string[] {
  const html = readFileSync(join(DESIGNER_DIST, 'index.html'), 'utf8');
  const entry = /<script[^>]+src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  if (!entry) throw new Error('dist/index.html names no entry script');
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(assets, file), 'utf8');
    // Static imports only (`from"./x.js"`, `import"./x.js"`); import("./x.js") loads later.
    for (const m of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) visit(m[1]!);
  };
  visit(entry);
  return [...seen];
}

describe.skipIf(!built)('the designer build', () => {
  it('loads neither the canvas, the validators nor Monaco before the first page', () => {
    const files = firstLoad();
    const code = files.map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
    for (const [what, mark] of Object.entries(HEAVY))
      expect(code.includes(mark), `${what} is in the first load`).toBe(false);
  });

  it('still ships each of them, in chunks loaded when a page needs them', () => {
    const chunks = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(assets, f), 'utf8'));
    for (const [what, mark] of Object.entries(HEAVY))
      expect(
        chunks.some((c) => c.includes(mark)),
        `${what} is in no chunk`,
      ).toBe(true);
  });

  it('writes a Brotli and a gzip copy beside each script and style sheet, the same once decoded', () => {
    const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
    let packed = 0;
    for (const f of files) {
      const bytes = readFileSync(join(assets, f));
      if (bytes.length < 1024) continue;
      packed++;
      expect(brotliDecompressSync(readFileSync(join(assets, `${f}.br`))).equals(bytes), `${f}.br`).toBe(true);
      expect(gunzipSync(readFileSync(join(assets, `${f}.gz`))).equals(bytes), `${f}.gz`).toBe(true);
    }
    expect(packed).toBeGreaterThan(10);
  });
});
