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

/** Builds the designer unminified (names survive) with source maps into `outDir`: only for reading a profile. */
export function profileBuild(root: string, outDir: string): void {
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/vite/bin/vite.js'),
      ...['build', '--logLevel', 'error', '--minify', 'false', '--sourcemap', '--outDir', outDir],
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

/** Where a position of a bundle chunk comes from: a module (a package name, or a source path) and its line. */
export type SourceLookup = (line: number, column: number) => { module: string; line: number } | undefined;

const VLQ = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

/** The values of one source-map segment (base64 VLQ). */
function decodeSegment(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = VLQ.get(c)!;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}

/** A lookup from a chunk's source map (v3): generated line and column (0-based) → original module and line. */
export function sourceLookup(map: { sources: string[]; mappings: string }): SourceLookup {
  const modules = map.sources.map((s) =>
    s.includes('node_modules')
      ? packageOf(s)
      : s.replace(/^.*?\/(?:apps\/designer\/(?=src\/)|(?=packages\/|flow-nodes\/))/, ''),
  );
  // Per generated line: [column, source, original line] triples, by column.
  const lines: number[][][] = [];
  let source = 0;
  let sourceLine = 0;
  for (const text of map.mappings.split(';')) {
    const segments: number[][] = [];
    let column = 0;
    for (const seg of text ? text.split(',') : []) {
      const v = decodeSegment(seg);
      column += v[0]!;
      if (v.length < 4) continue;
      source += v[1]!;
      sourceLine += v[2]!;
      segments.push([column, source, sourceLine]);
    }
    lines.push(segments);
  }
  return (line, column) => {
    const segments = lines[line];
    if (!segments?.length) return undefined;
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]![0]! <= column) lo = mid;
      else hi = mid - 1;
    }
    const [, src, srcLine] = segments[lo]!;
    return { module: modules[src!] ?? '?', line: srcLine! + 1 };
  };
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
 * "(program)": style, layout and paint; "(idle)") or the benchmark's own probe; `chunks` tells
 * where a position of each chunk of the bundle (by file name) comes from (see sourceLookup).
 */
export function profileTables(profile: CpuProfile, chunks: ReadonlyMap<string, SourceLookup>): ProfileTables {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inBundle = (f: ProfileNode['callFrame']) => f.url.includes('/assets/');
  const origin = (f: ProfileNode['callFrame']) => chunks.get(f.url.split('/').pop()!)?.(f.lineNumber, f.columnNumber);
  const moduleOf = (f: ProfileNode['callFrame']) =>
    inBundle(f) ? (origin(f)?.module ?? 'app') : f.functionName || '(native)';
  const nameOf = (f: ProfileNode['callFrame']) => {
    if (!inBundle(f)) return f.functionName || '(native)';
    const o = origin(f);
    return `${f.functionName || '(anonymous)'} (${o ? `${o.module}:${o.line}` : `${f.url.split('/').pop()}:${f.lineNumber + 1}`})`;
  };
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
