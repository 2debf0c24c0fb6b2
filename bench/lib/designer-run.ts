// One measured run of the designer benchmark: a fresh browser context opens the canvas page,
// the time to interactive is taken, then the frames of five gestures are recorded.
import type { Browser, CDPSession, Page } from 'playwright-core';
import {
  dragGesture,
  findPoint,
  framesDuring,
  PROBE,
  startTimes,
  waitFor,
  wheelGesture,
  zoomOf,
  type FrameSample,
  type Point,
} from './designer-probe.ts';
import { startProfiling, stopProfiling, type CpuProfile } from './designer-profile.ts';

export const VIEWPORT = { width: 1600, height: 1000 };

export const PHASES = ['pan', 'drag', 'zoom', 'pan-zoomed', 'pan-all'] as const;
export type Phase = (typeof PHASES)[number];
export const PHASE_LABEL: Record<Phase, string> = {
  pan: 'pan the pane at the opening view',
  drag: 'drag a node',
  zoom: 'wheel-zoom in ×4',
  'pan-zoomed': 'pan zoomed in',
  'pan-all': 'pan after Fit View (all nodes)',
};

const NODES_PAINTED = 'window.__bench?.nodesAt != null';

export interface Run {
  /** Navigation start → a clicked node painted selected (ms). */
  readonly tti: number;
  /** Navigation start → the first frame painted with a node visible (ms). */
  readonly nodesAt: number;
  readonly clicks: number;
  /** `.react-flow__node` elements in the DOM once interactive, and the zoom then. */
  readonly inDom: number;
  readonly zoom: number;
  /** Whether the nodes are draggable (the class `draggable`): on a read-only canvas the drag pans. */
  readonly draggable: boolean;
  /** The renderer main thread until interactive (see MainThread). */
  readonly opening: MainThread;
  readonly phases: ReadonlyMap<Phase, FrameSample[]>;
  /** The renderer main thread's time during each phase (ms): CPU, and where its tasks went. */
  readonly cpu: ReadonlyMap<Phase, MainThread>;
  /** With `profile`: the CPU profiles of the opening (to interactive) and of the gestures. */
  readonly profiles?: { readonly load: CpuProfile; readonly gestures: CpuProfile };
}

/** Thrown for a run that cannot go on; the message is the one-line reason. */
export class BenchError extends Error {}

/**
 * The renderer main thread so far (ms), from Chromium's Performance domain: `cpu` is its CPU
 * time (ThreadTime), which unlike wall time barely moves when other processes compete for the
 * cores; `script`, `style` and `layout` the time its tasks spent running script, recalculating
 * style and laying out, `tasks` the time of all its tasks (the rest is mostly paint, hit-testing
 * and input dispatch).
 */
export interface MainThread {
  readonly cpu: number;
  readonly script: number;
  readonly style: number;
  readonly layout: number;
  readonly tasks: number;
}

async function mainThread(cdp: CDPSession): Promise<MainThread> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => (metrics.find((m) => m.name === name)?.value ?? NaN) * 1000;
  return {
    cpu: get('ThreadTime'),
    script: get('ScriptDuration'),
    style: get('RecalcStyleDuration'),
    layout: get('LayoutDuration'),
    tasks: get('TaskDuration'),
  };
}

const minus = (a: MainThread, b: MainThread): MainThread => ({
  cpu: a.cpu - b.cpu,
  script: a.script - b.script,
  style: a.style - b.style,
  layout: a.layout - b.layout,
  tasks: a.tasks - b.tasks,
});

/**
 * A fresh context (empty cache) with the session cookie, the probe, and its console recorded;
 * `css`, if given, is added to the page as a style sheet (to try a change without a rebuild).
 */
async function openPage(browser: Browser, baseUrl: string, cookie: string, css?: string) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const eq = cookie.indexOf('=');
  await context.addCookies([{ name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: baseUrl }]);
  await context.addInitScript(PROBE);
  if (css)
    await context.addInitScript(
      `document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('style'); ` +
        `s.textContent = ${JSON.stringify(css)}; document.head.append(s); });`,
    );
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { context, page, problems };
}

/**
 * Time to interactive: from navigation start to the end of the first frame that paints a node
 * selected by a real mouse click. The click is sent as soon as a frame has painted a visible node
 * (and again every 250 ms should it land before the canvas is ready), so the time includes the
 * page's load, the API calls, React Flow's first render and measuring, and the click's handling.
 */
async function timeToInteractive(page: Page): Promise<{ tti: number; nodesAt: number; clicks: number }> {
  if (!(await waitFor(page, NODES_PAINTED, 60_000)))
    throw new BenchError(`no node of the canvas painted within 60 s at ${page.url()}`);
  let clicks = 0;
  for (let tries = 0; ; tries++) {
    const at = await findPoint(page, 'node');
    if (at) {
      clicks++;
      await page.mouse.click(at.x, at.y);
    }
    if (await waitFor(page, 'window.__bench.selectedAt != null', 250)) break;
    if (clicks > 40) throw new BenchError('clicking a node never selected it (no `.react-flow__node.selected`)');
    // Bounded: a page that never shows a node to click fails in about 30 s rather than hanging.
    if (tries > 120)
      throw new BenchError(
        `found no node to click within 30 s (${clicks} clicks) at ${page.url()}: ${await page.evaluate(
          `JSON.stringify({ overview: document.querySelectorAll('.flow-overview').length, nodes: document.querySelectorAll('.react-flow__node').length, t: document.querySelector('.react-flow__viewport')?.style.transform, d: document.querySelector('.overview-nodes path')?.getAttribute('d')?.slice(0, 80) })`,
        )}`,
      );
  }
  const t = await startTimes(page);
  return { tti: t.selectedAt!, nodesAt: t.nodesAt!, clicks };
}

async function needPoint(page: Page, target: 'node' | 'pane', phase: string): Promise<Point> {
  const p = await findPoint(page, target);
  if (!p) throw new BenchError(`${phase}: found no ${target} to press on`);
  return p;
}

/** One run at `url`; `problems` gets the page's console errors and warnings. */
export async function measure(
  browser: Browser,
  baseUrl: string,
  cookie: string,
  url: string,
  options: { profile?: boolean; problems?: string[]; css?: string } = {},
): Promise<Run> {
  const { context, page, problems } = await openPage(browser, baseUrl, cookie, options.css);
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    let profiler = options.profile ? await startProfiling(page) : undefined;
    await page.goto(url, { waitUntil: 'commit' });
    const { tti, nodesAt, clicks } = await timeToInteractive(page);
    const opening = await mainThread(cdp);
    const load = profiler ? await stopProfiling(profiler) : undefined;
    // Let the opening settle (minimap, late effects): the frames below are the steady state.
    await page.waitForTimeout(300);
    const inDom = await page.locator('.react-flow__node').count();
    const draggable = (await page.locator('.react-flow__node.draggable').count()) > 0;
    const zoom = await zoomOf(page);
    if (options.profile) profiler = await startProfiling(page);
    const phases = new Map<Phase, FrameSample[]>();
    const cpu = new Map<Phase, MainThread>();
    const record = async (phase: Phase, target: 'node' | 'pane', gesture: (p: Point) => Promise<void>) => {
      const p = await needPoint(page, target, phase);
      const before = await mainThread(cdp);
      phases.set(phase, await framesDuring(page, () => gesture(p)));
      cpu.set(phase, minus(await mainThread(cdp), before));
    };
    await record('pan', 'pane', (p) => dragGesture(page, p, -600, -200));
    await record('drag', 'node', (p) => dragGesture(page, p, 300, 150));
    await record('zoom', 'pane', (p) => wheelGesture(page, p, -25));
    await record('pan-zoomed', 'pane', (p) => dragGesture(page, p, -600, -200));
    // React Flow's own control (a page may have a Fit view button of its own).
    await page.locator('.react-flow__controls-fitview').click();
    await page.waitForTimeout(300);
    await record('pan-all', 'pane', (p) => dragGesture(page, p, -600, -200));
    const gestures = profiler ? await stopProfiling(profiler) : undefined;
    options.problems?.push(...problems);
    return {
      tti,
      nodesAt,
      clicks,
      inDom,
      zoom,
      draggable,
      opening,
      phases,
      cpu,
      ...(load && gestures ? { profiles: { load, gestures } } : {}),
    };
  } finally {
    await context.close();
  }
}

/** Whether the page at `url` paints React Flow nodes within 15 s (the editor may not be built yet). */
export async function paintsNodes(browser: Browser, baseUrl: string, cookie: string, url: string): Promise<boolean> {
  const { context, page } = await openPage(browser, baseUrl, cookie);
  try {
    await page.goto(url);
    return await waitFor(page, NODES_PAINTED, 15_000);
  } finally {
    await context.close();
  }
}
