// `npm run bench:designer -- --profile <file>`: a CPU profile of the page (V8 sampling profiler
// over CDP) and a table of where the main thread spent its time, by function, for finding what
// makes the canvas slow. Readable only with an unminified build, which `profileBuild` makes.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  readonly children?: number[];
}
export interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Builds the designer unminified (names survive) into `outDir`: only for reading a profile. */
export function profileBuild(root: string, outDir: string): void {
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--logLevel',
      'warn',
      '--minify',
      'false',
      '--outDir',
      outDir,
    ],
    { cwd: join(root, 'apps/designer'), env: { ...process.env, NODE_ENV: 'production' }, stdio: 'inherit' },
  );
}

export async function startProfiling(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  return cdp;
}

export async function stopProfiling(cdp: CDPSession): Promise<CpuProfile> {
  const { profile } = await cdp.send('Profiler.stop');
  await cdp.detach();
  return profile as unknown as CpuProfile;
}

/** Where the package a frame's code came from: the node_modules folder in its name, or "app". */
function packageOf(name: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(name);
  return m ? m[1]! : 'app';
}

/**
 * Per line of an unminified bundle chunk, the module it comes from: a package name, or the source
 * path (`src/FlowCanvas.tsx`), told by the `// <path>` comment Vite (rolldown) leaves above each module.
 */
export function modulesOfChunk(bundleText: string): string[] {
  const moduleAt: string[] = [];
  let current = 'app';
  for (const line of bundleText.split('\n')) {
    const m = /^\/\/ (\S+\.[cm]?[jt]sx?)$/.exec(line);
    if (m) current = m[1]!.includes('node_modules') ? packageOf(m[1]!) : m[1]!.replace(/^(\.\.\/)+/, '');
    moduleAt.push(current);
  }
  return moduleAt;
}

export interface ProfileTables {
  /** Sampled time (ms), the heaviest first, by module: self time. */
  readonly modules: Array<{ name: string; ms: number }>;
  /** By function: self time. */
  readonly self: Array<{ name: string; ms: number }>;
  /** By function of the bundle: total time (itself and what it calls), each sample counted once per function. */
  readonly total: Array<{ name: string; ms: number }>;
  readonly sampledMs: number;
}

/**
 * Where the sampled time went. Frames outside the bundle are the browser's (native functions,
 * "(program)": style, layout and paint; "(idle)") or the benchmark's own probe; `chunks` names the
 * module of each line of each chunk of the bundle, by file name (see modulesOfChunk).
 */
export function profileTables(profile: CpuProfile, chunks: ReadonlyMap<string, readonly string[]>): ProfileTables {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inBundle = (f: ProfileNode['callFrame']) => f.url.includes('/assets/');
  const moduleOf = (f: ProfileNode['callFrame']) =>
    inBundle(f) ? (chunks.get(f.url.split('/').pop()!)?.[f.lineNumber] ?? 'app') : f.functionName || '(native)';
  const nameOf = (f: ProfileNode['callFrame']) =>
    inBundle(f)
      ? `${f.functionName || '(anonymous)'} (${moduleOf(f)}:${f.lineNumber + 1})`
      : f.functionName || '(native)';
  const modules = new Map<string, number>();
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let sampledMs = 0;
  profile.samples.forEach((id, i) => {
    // A sample's time is the gap to the next one.
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    sampledMs += dt;
    const f = byId.get(id)!.callFrame;
    add(modules, moduleOf(f), dt);
    add(self, nameOf(f), dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const g = byId.get(at)!.callFrame;
      if (!inBundle(g)) continue;
      const name = nameOf(g);
      if (!seen.has(name)) add(total, name, dt);
      seen.add(name);
    }
  });
  const sorted = (m: Map<string, number>) =>
    [...m.entries()].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
  return { modules: sorted(modules), self: sorted(self), total: sorted(total), sampledMs };
}
