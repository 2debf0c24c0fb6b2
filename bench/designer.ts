// npm run bench:designer — opens a generated 1,000-node / 1,200-edge flow in headless Chromium and
// reports time to interactive and frame times while panning, dragging and zooming, beside the
// same measurement on a 100-node flow. Targets (issue 7): interactive within 1.5 s, median frame
// within 16 ms. The last line is JSON. See bench/README.md for what each number means.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { validateFlowPublishable } from '@millrace/flow-model';
import { catalog } from '@millrace/flow-nodes/catalog';
import { startServer, type MillraceServer } from '@millrace/server';
import { ADMIN_PASSWORD, CHROMIUM, CHROMIUM_ARGS, hasChromium, ROOT } from '../apps/designer/e2e/harness.ts';
import { buildDesigner, designerIsStale, DESIGNER_DIST } from '../apps/designer/scripts/build-if-stale.ts';
import { generateFlow, KINDS, type Kind } from './lib/designer-flow.ts';
import {
  sourceLookup,
  profileBuild,
  profileTables,
  type CpuProfile,
  type SourceLookup,
} from './lib/designer-profile.ts';
import {
  BenchError,
  measure,
  paintsNodes,
  PHASE_LABEL,
  PHASES,
  VIEWPORT,
  type MainThread,
  type Run,
} from './lib/designer-run.ts';
import { frameStats, median, medianStats, ms, round1, type FrameStats } from './lib/designer-stats.ts';

const { values: opts } = parseArgs({
  options: {
    page: { type: 'string', default: 'auto' },
    reps: { type: 'string', default: '3' },
    nodes: { type: 'string', default: '1000' },
    edges: { type: 'string', default: '1200' },
    'baseline-nodes': { type: 'string', default: '100' },
    'no-layout': { type: 'boolean', default: false },
    kinds: { type: 'string', default: KINDS.join(',') },
    profile: { type: 'string' },
    css: { type: 'string' },
  },
});
const PAGE = opts.page as 'auto' | 'editor' | 'version';
const REPS = Number(opts.reps);
const NODES = Number(opts.nodes);
const EDGES = Number(opts.edges);
const BASELINE_NODES = Number(opts['baseline-nodes']);
const PROFILE = opts.profile;
const CSS = opts.css;
const NODE_KINDS = opts.kinds!.split(',') as Kind[];
const TTI_TARGET_MS = 1500;
const FRAME_TARGET_MS = 16;

function fail(reason: string): never {
  console.log(`bench:designer: ${reason}`);
  process.exit(1);
}

if (!['auto', 'editor', 'version'].includes(PAGE)) fail(`--page is "${PAGE}": say auto, editor or version`);
if (!(REPS >= 1) || !(NODES >= 3) || !(EDGES >= NODES - 1)) fail('--reps ≥ 1, --nodes ≥ 3 and --edges ≥ nodes − 1');
if (NODE_KINDS.some((k) => !KINDS.includes(k))) fail(`--kinds is "${opts.kinds}": name some of ${KINDS.join(', ')}`);
if (!hasChromium) fail(`Chromium is missing at ${CHROMIUM}: apt-get install -y chromium, or set MILLRACE_CHROMIUM`);

interface Size {
  readonly nodes: number;
  readonly edges: number;
  readonly flowId: string;
}

async function publishFlow(server: MillraceServer, cookie: string, size: Size): Promise<void> {
  const flow = generateFlow({
    id: size.flowId,
    nodes: size.nodes,
    edges: size.edges,
    withLayout: !opts['no-layout'],
    kinds: NODE_KINDS,
  });
  const problems = validateFlowPublishable(flow, { catalog });
  if (problems.length > 0) fail(`the generated flow does not validate: ${JSON.stringify(problems.slice(0, 3))}`);
  const call = async (method: string, path: string, body: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) fail(`${method} ${path}: ${res.status} ${await res.text()}`);
  };
  // The draft is what the editor opens; the published version what the read-only page shows.
  await call('PUT', `/api/flows/${size.flowId}/draft`, { flow });
  await call('POST', `/api/flows/${size.flowId}/publish`, { version: '1.0.0', changeNote: 'designer benchmark' });
}

const urlOf = (server: MillraceServer, page: 'editor' | 'version', flowId: string) =>
  `${server.url}/flows/${flowId}${page === 'version' ? '/versions/1.0.0' : ''}`;

interface Summary {
  readonly size: Size;
  readonly runs: Run[];
  readonly tti: number;
  readonly opening: MainThread;
  readonly nodesAt: number;
  readonly all: FrameStats;
  /** Per phase: the frames, and the main thread's time per frame. */
  readonly phases: Map<string, { frames: FrameStats; perFrame: MainThread }>;
}

/** The median over runs of each field. */
function medianThread(xs: readonly MainThread[]): MainThread {
  const m = (k: keyof MainThread) => median(xs.map((x) => x[k]));
  return { cpu: m('cpu'), script: m('script'), style: m('style'), layout: m('layout'), tasks: m('tasks') };
}

const divide = (x: MainThread, n: number): MainThread => ({
  cpu: x.cpu / n,
  script: x.script / n,
  style: x.style / n,
  layout: x.layout / n,
  tasks: x.tasks / n,
});

/** CPU, and the main thread's task time split into script, style, layout and the rest (paint, hit tests…). */
const threadLine = (x: MainThread) =>
  `CPU ${ms(x.cpu)} ms (script ${ms(x.script)}, style ${ms(x.style)}, layout ${ms(x.layout)}, ` +
  `other ${ms(x.tasks - x.script - x.style - x.layout)})`;

function summarize(size: Size, runs: Run[]): Summary {
  const phases = new Map<string, { frames: FrameStats; perFrame: MainThread }>();
  for (const phase of PHASES)
    phases.set(phase, {
      frames: medianStats(runs.map((r) => frameStats(r.phases.get(phase) ?? []))),
      perFrame: medianThread(runs.map((r) => divide(r.cpu.get(phase)!, r.phases.get(phase)?.length ?? NaN))),
    });
  return {
    size,
    runs,
    tti: median(runs.map((r) => r.tti)),
    opening: medianThread(runs.map((r) => r.opening)),
    nodesAt: median(runs.map((r) => r.nodesAt)),
    all: medianStats(runs.map((r) => frameStats([...r.phases.values()].flat()))),
    phases,
  };
}

const statLine = (s: FrameStats) =>
  `work median ${ms(s.workMedian)} p95 ${ms(s.workP95)} ms · interval median ${ms(s.intervalMedian)} ` +
  `p95 ${ms(s.intervalP95)} ms · ${(s.dropped * 100).toFixed(0)}% dropped · ${s.frames} frames`;

function report(s: Summary, draggable: boolean): void {
  console.log(`\n${s.size.nodes} nodes / ${s.size.edges} edges — median of ${s.runs.length} runs:`);
  console.log(
    `  time to interactive ${ms(s.tti)} ms (first node painted ${ms(s.nodesAt)} ms); main thread until then: ${threadLine(s.opening)}`,
  );
  for (const [phase, { frames, perFrame }] of s.phases) {
    const label = PHASE_LABEL[phase as (typeof PHASES)[number]];
    const note = phase === 'drag' && !draggable ? ' (nodes not draggable here: it pans)' : '';
    console.log(`  ${phase.padEnd(10)} ${statLine(frames)} — ${label}${note}`);
    console.log(`  ${''.padEnd(10)} per frame: ${threadLine(perFrame)}`);
  }
  console.log(`  ${'all'.padEnd(10)} ${statLine(s.all)}`);
}

function printProfile(title: string, profile: CpuProfile, chunks: ReadonlyMap<string, SourceLookup>): void {
  const t = profileTables(profile, chunks);
  const rows = (xs: Array<{ name: string; ms: number }>, n: number) =>
    xs.slice(0, n).forEach((x) => console.log(`  ${ms(x.ms).padStart(8)} ms  ${x.name}`));
  console.log(`\n${title}: ${ms(t.sampledMs)} ms sampled. By module (self time):`);
  rows(t.modules, 12);
  console.log('by function (self time):');
  rows(t.self, 20);
  console.log('by function of the app (total time):');
  rows(t.total, 20);
}

async function main(): Promise<void> {
  const started = performance.now();
  const load = loadavg()[0]!;
  const cores = availableParallelism();
  let dist = DESIGNER_DIST;
  if (PROFILE) {
    // A profile needs the source's function names: an unminified build, never the measured one.
    dist = mkdtempSync(join(tmpdir(), 'millrace-designer-profile-'));
    console.log(`building an unminified designer into ${dist} for the profile…`);
    profileBuild(ROOT, dist);
  } else if (designerIsStale()) {
    console.log(`building the designer into ${DESIGNER_DIST} (it is older than its sources)…`);
    buildDesigner();
  }
  const dir = mkdtempSync(join(tmpdir(), 'millrace-bench-designer-'));
  const server = await startServer({
    dataDir: dir,
    port: 0,
    env: { MILLRACE_ADMIN_PASSWORD: ADMIN_PASSWORD },
    log: pino({ level: 'silent' }),
    flows: [],
    profile: { schemaVersion: 1, plant: 'P100', name: 'Bench plant' },
    designerDist: dist,
  });
  let browser: Browser | undefined;
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    if (!login.ok) fail(`admin login: ${login.status} ${await login.text()}`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

    const big: Size = { nodes: NODES, edges: EDGES, flowId: 'designer-bench-large' };
    const baselineEdges = Math.round((BASELINE_NODES * EDGES) / NODES);
    const sizes =
      BASELINE_NODES >= 3 && !PROFILE
        ? [big, { nodes: BASELINE_NODES, edges: baselineEdges, flowId: 'designer-bench-small' }]
        : [big];
    for (const size of sizes) await publishFlow(server, cookie, size);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    let page: 'editor' | 'version' = PAGE === 'version' ? 'version' : 'editor';
    if (PAGE !== 'version' && !(await paintsNodes(browser, server.url, cookie, urlOf(server, 'editor', big.flowId)))) {
      if (PAGE === 'editor') fail(`the editor at /flows/${big.flowId} paints no React Flow node within 15 s`);
      console.log('the editor at /flows/<id> paints no canvas yet: measuring the read-only version page instead');
      page = 'version';
    }
    console.log(
      `designer bench: page ${page} (${page === 'editor' ? '/flows/<id>, the draft' : '/flows/<id>/versions/1.0.0, read-only'}), ` +
        `Chromium ${browser.version()} headless, viewport ${VIEWPORT.width}×${VIEWPORT.height}, ` +
        `${PROFILE ? 'one profiled run' : `${REPS} runs per size`}, layout ${opts['no-layout'] ? 'computed by the canvas' : 'saved in the flow'}, ` +
        `nodes ${NODE_KINDS.join('/')}${CSS ? `, extra CSS: ${CSS}` : ''}`,
    );
    if (load > cores * 0.75)
      console.log(
        `WARNING: load average ${load.toFixed(1)} on ${cores} cores: other processes compete for the CPU, so the ` +
          'wall times (interactive, frame work, intervals) are inflated; the CPU figures much less so',
      );
    const problems: string[] = [];
    // Warm-up (not recorded): the first load pays for the server's and the disk's cold caches.
    await measure(browser, server.url, cookie, urlOf(server, page, big.flowId), {
      problems,
      ...(CSS ? { css: CSS } : {}),
    });

    const runs = new Map<Size, Run[]>(sizes.map((s) => [s, []]));
    for (let rep = 1; rep <= (PROFILE ? 1 : REPS); rep++)
      for (const size of sizes) {
        const url = urlOf(server, page, size.flowId);
        const run = await measure(browser, server.url, cookie, url, {
          problems,
          profile: !!PROFILE,
          ...(CSS ? { css: CSS } : {}),
        });
        runs.get(size)!.push(run);
        const all = frameStats([...run.phases.values()].flat());
        console.log(
          `run ${rep} ${String(size.nodes).padStart(4)} nodes: interactive ${ms(run.tti)} ms (${run.clicks} click${run.clicks > 1 ? 's' : ''}; ` +
            `CPU ${ms(run.opening.cpu)} ms), ${run.inDom} nodes in the DOM at zoom ${run.zoom.toFixed(2)}, ` +
            `frame work median ${ms(all.workMedian)} p95 ${ms(all.workP95)} ms`,
        );
        if (run.profiles) {
          const assets = join(dist, 'assets');
          const chunks = new Map(
            readdirSync(assets)
              .filter((f) => f.endsWith('.js.map'))
              .map((f) => [f.slice(0, -4), sourceLookup(JSON.parse(readFileSync(join(assets, f), 'utf8')))]),
          );
          printProfile('opening (navigation → interactive)', run.profiles.load, chunks);
          printProfile('gestures (pan, drag, zoom, pan, pan)', run.profiles.gestures, chunks);
          writeFileSync(PROFILE!, JSON.stringify(run.profiles.gestures));
          writeFileSync(PROFILE!.replace(/(\.cpuprofile)?$/, '-load.cpuprofile'), JSON.stringify(run.profiles.load));
          console.log(
            `\nprofiles written: ${PROFILE} (gestures), ${PROFILE!.replace(/(\.cpuprofile)?$/, '-load.cpuprofile')}; ` +
              `their line numbers are those of the unminified build kept in ${dist}`,
          );
        }
      }
    for (const p of new Set(problems)) console.log(`WARNING (browser): ${p}`);

    const draggable = [...runs.values()].flat().every((r) => r.draggable);
    const summaries = sizes.map((s) => summarize(s, runs.get(s)!));
    for (const s of summaries) report(s, draggable);
    const [large, small] = summaries as [Summary, Summary | undefined];
    if (small) {
      console.log(
        `\n${large.size.nodes} vs ${small.size.nodes} nodes: interactive ×${(large.tti / small.tti).toFixed(2)} ` +
          `(CPU ×${(large.opening.cpu / small.opening.cpu).toFixed(2)}), frame work median ×${(large.all.workMedian / small.all.workMedian).toFixed(2)}, ` +
          `p95 ×${(large.all.workP95 / small.all.workP95).toFixed(2)}`,
      );
    }
    console.log(
      `targets: interactive within ${TTI_TARGET_MS} ms ${large.tti <= TTI_TARGET_MS ? 'MET' : 'MISSED'}; ` +
        `median frame (work) within ${FRAME_TARGET_MS} ms ${large.all.workMedian <= FRAME_TARGET_MS ? 'MET' : 'MISSED'}`,
    );
    console.log(
      'tti = navigation start → a clicked node painted selected; frame = main-thread work per frame (frame start → ' +
        'end of its rendering task); interval = time between frames (≥ 16.7 ms at 60 Hz); CPU = renderer main-thread CPU time',
    );
    console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
    console.log(
      JSON.stringify({
        nodes: large.size.nodes,
        tti_ms: round1(large.tti),
        median_frame_ms: round1(large.all.workMedian),
        p95_frame_ms: round1(large.all.workP95),
        page,
        edges: large.size.edges,
        frame_metric: 'main-thread work per frame',
        median_interval_ms: round1(large.all.intervalMedian),
        p95_interval_ms: round1(large.all.intervalP95),
        nodes_painted_ms: round1(large.nodesAt),
        tti_cpu_ms: round1(large.opening.cpu),
        // The median over all phases can hide one bad phase (e.g. everything on screen).
        phase_median_frame_ms: Object.fromEntries([...large.phases].map(([p, x]) => [p, round1(x.frames.workMedian)])),
        ...(small
          ? {
              baseline_nodes: small.size.nodes,
              baseline_tti_ms: round1(small.tti),
              baseline_median_frame_ms: round1(small.all.workMedian),
              baseline_p95_frame_ms: round1(small.all.workP95),
            }
          : {}),
        runs: PROFILE ? 1 : REPS,
        ...(CSS ? { css: CSS } : {}),
        load_average: round1(load),
        ...(PROFILE ? { profiled: true } : {}),
      }),
    );
  } finally {
    await browser?.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) =>
  fail(e instanceof BenchError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)),
);
