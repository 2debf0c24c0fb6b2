// Vitest global setup: builds the designer once before the browser tests (and the npm start
// test) when dist/ is older than any of its sources, so parallel test files never race a build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DESIGNER = join(ROOT, 'apps/designer');
/**
 * Where the build goes: apps/designer/dist, or MILLRACE_DESIGNER_DIST (an absolute path) so two
 * developers' test runs in one checkout do not rebuild under each other's feet.
 */
export const DESIGNER_DIST = process.env.MILLRACE_DESIGNER_DIST ?? join(DESIGNER, 'dist');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Whether dist/index.html is missing or older than a source of the designer or a package it bundles. */
export function designerIsStale(): boolean {
  const index = join(DESIGNER_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const sources = [
    ...['src', 'index.html', 'vite.config.ts', 'package.json', 'scripts/precompress.ts'].map((p) => join(DESIGNER, p)),
    ...['flow-model', 'canonical', 'schema'].map((p) => join(ROOT, 'packages', p, 'src')),
  ];
  return statSync(index).mtimeMs < Math.max(...sources.map(newestMtime));
}

export function buildDesigner(): void {
  // In its own process: vitest sets NODE_ENV=test, which would give React's development build.
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--outDir', DESIGNER_DIST],
    {
      cwd: DESIGNER,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'inherit',
    },
  );
}

/**
 * Whether this vitest invocation may run a test that needs the built designer: not when every
 * file filter on the command line names something else (a quick `vitest run packages/engine`).
 */
function mayNeedDesigner(argv: readonly string[]): boolean {
  const filters = argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run' && a !== 'watch');
  return filters.length === 0 || filters.some((f) => /designer|e2e|npm-start|bench/.test(f));
}

export default function setup(): void {
  if (mayNeedDesigner(process.argv) && designerIsStale()) buildDesigner();
}
