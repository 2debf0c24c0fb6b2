// What the designer benchmark runs inside the page, and the gestures it drives from outside.
// The in-page part is a string, not a function: tsx's transform would wrap a function's inner
// helpers in `__name(...)` calls that do not exist in the page.
import type { Page } from 'playwright-core';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One displayed frame while recording: `interval` since the previous rAF, `work` (see PROBE). */
export interface FrameSample {
  readonly interval: number;
  readonly work: number;
}

/** What the probe saw of the page's start, in ms since navigation start (performance.timeOrigin). */
export interface StartTimes {
  /** The first frame painted with a node of the canvas visible (React Flow shows nodes once measured). */
  readonly nodesAt: number | null;
  /** The first frame painted with a node selected (the class `selected`). */
  readonly selectedAt: number | null;
}

/**
 * Installed before any script of the page. One requestAnimationFrame loop:
 * - Its callback's timestamp is the frame's start (Chromium's BeginFrame time), before the input
 *   events of the frame are dispatched, before React renders what they changed, before rAF
 *   callbacks, style, layout and paint. From inside that callback it posts a message; the message
 *   task runs once the frame's main-thread rendering task is over. `work` = that moment − the frame
 *   start: the main-thread time the frame needed (input handlers, React, layout, paint), plus any
 *   task that delayed it. Unlike the interval between frames it has no 16.7 ms floor at 60 Hz.
 * - `interval` = the rAF timestamp delta: what a user sees; 16.7 ms at best, 33 ms for a dropped frame.
 * - nodesAt / selectedAt: the end of the first frame that painted a visible node / a selected node.
 */
export const PROBE = `(() => {
  const b = (window.__bench = { nodesAt: null, selectedAt: null, recording: false, frames: [] });
  const channel = new MessageChannel();
  const pending = [];
  channel.port1.onmessage = () => {
    const now = performance.now();
    const job = pending.shift();
    if (!job) return;
    if (job.record) b.frames.push({ interval: job.interval, work: now - job.start });
    if (job.nodes && b.nodesAt === null) b.nodesAt = now;
    if (job.selected && b.selectedAt === null) b.selectedAt = now;
  };
  let last = null;
  const frame = (ts) => {
    const job = { start: ts, interval: last === null ? null : ts - last, record: b.recording && last !== null };
    last = ts;
    if (b.nodesAt === null) {
      for (const el of document.querySelectorAll('.react-flow__node')) {
        if (el.style.visibility !== 'hidden') { job.nodes = true; break; }
      }
      // A big flow far out is drawn as an overview: its node boxes count as painted nodes.
      if (document.querySelector('.flow-overview .overview-nodes path')) job.nodes = true;
    }
    if (b.selectedAt === null && document.querySelector('.react-flow__node.selected')) job.selected = true;
    if (job.record || job.nodes || job.selected) {
      pending.push(job);
      channel.port2.postMessage(0);
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

/**
 * Polls `expression` (evaluated in the page) every few ms until it is truthy; false after
 * `timeoutMs`. Not page.waitForFunction: that compiles its predicate with `new Function`, which
 * the designer's Content-Security-Policy (no 'unsafe-eval') refuses.
 */
export async function waitFor(page: Page, expression: string, timeoutMs: number): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(expression).catch(() => false)) return true;
    if (performance.now() > until) return false;
    await sleep(5);
  }
}

export async function startTimes(page: Page): Promise<StartTimes> {
  return page.evaluate('({ nodesAt: window.__bench.nodesAt, selectedAt: window.__bench.selectedAt })');
}

/** Records frames while `gesture` runs; a few idle frames after it count too (the last render). */
export async function framesDuring(page: Page, gesture: () => Promise<void>): Promise<FrameSample[]> {
  await page.evaluate('window.__bench.frames = []; window.__bench.recording = true');
  await gesture();
  await page.waitForTimeout(100);
  return page.evaluate('window.__bench.recording = false; window.__bench.frames');
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * The point nearest the pane's centre where a click would land on `target`: a visible node
 * ('node': its centre) or the empty pane ('pane'), and not under the minimap or controls.
 */
export async function findPoint(page: Page, target: 'node' | 'pane'): Promise<Point | null> {
  return page.evaluate(`(() => {
    const pane = document.querySelector('.react-flow__pane');
    if (!pane) return null;
    const r = pane.getBoundingClientRect();
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const ok = (x, y) => x > r.left + 20 && x < r.right - 240 && y > r.top + 20 && y < r.bottom - 20;
    if (${JSON.stringify(target)} === 'node') {
      // Hit-testing is costly with 1,000 nodes: measure every node, then hit-test nearest first.
      const candidates = [];
      for (const el of document.querySelectorAll('.react-flow__node')) {
        if (el.style.visibility === 'hidden') continue;
        const b = el.getBoundingClientRect();
        const x = b.left + b.width / 2, y = b.top + b.height / 2;
        if (ok(x, y)) candidates.push({ el, x, y, d: (x - cx) ** 2 + (y - cy) ** 2 });
      }
      candidates.sort((a, b) => a.d - b.d);
      for (const c of candidates.slice(0, 20))
        if (document.elementFromPoint(c.x, c.y)?.closest('.react-flow__node') === c.el) return { x: c.x, y: c.y };
      // The overview of a big flow far out: a node box of its paths, nearest the middle first.
      // Flow positions on screen: the pane's corner plus the viewport's transform (React Flow
      // writes "translate(Xpx, Ypx) scale(Z)" on it).
      const boxes = [];
      const vp = document.querySelector('.react-flow__viewport');
      const t = (vp?.style.transform.match(/-?[0-9]+(?:[.][0-9]+)?(?:e[-+]?[0-9]+)?/g) ?? []).map(Number);
      if (t.length >= 3 && t[2] > 0)
        for (const path of document.querySelectorAll('.flow-overview .overview-nodes path'))
          for (const [, x, y, w, h] of path.getAttribute('d').matchAll(/M(-?[0-9.]+),(-?[0-9.]+)h(-?[0-9.]+)v(-?[0-9.]+)/g)) {
            const px = r.left + t[0] + (Number(x) + Number(w) / 2) * t[2];
            const py = r.top + t[1] + (Number(y) + Number(h) / 2) * t[2];
            if (ok(px, py)) boxes.push({ x: px, y: py, d: (px - cx) ** 2 + (py - cy) ** 2 });
          }
      boxes.sort((a, b) => a.d - b.d);
      for (const c of boxes.slice(0, 20))
        if (document.elementFromPoint(c.x, c.y)?.closest('.overview-nodes')) return { x: c.x, y: c.y };
      return null;
    }
    for (let ring = 0; ring < 60; ring++)
      for (let i = -ring; i <= ring; i++)
        for (const [dx, dy] of [[i, -ring], [i, ring], [-ring, i], [ring, i]]) {
          const x = cx + dx * 7, y = cy + dy * 7;
          if (ok(x, y) && document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
        }
    return null;
  })()`);
}

/**
 * Presses at `from`, moves in `steps` steps to `from + (dx, dy)` paced at one step per 60 Hz frame
 * (about 1 s for 60 steps), releases: a pan when `from` is the pane, a drag when it is a node.
 */
export async function dragGesture(page: Page, from: Point, dx: number, dy: number, steps = 60): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  const t0 = performance.now();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(from.x + (dx * i) / steps, from.y + (dy * i) / steps);
    const wait = t0 + (i * 1000) / 60 - performance.now();
    if (wait > 0) await sleep(wait);
  }
  await page.mouse.up();
}

/** Wheel steps at `at`, one per frame: negative `deltaY` zooms in. */
export async function wheelGesture(page: Page, at: Point, deltaY: number, steps = 40): Promise<void> {
  await page.mouse.move(at.x, at.y);
  const t0 = performance.now();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.wheel(0, deltaY);
    const wait = t0 + (i * 1000) / 60 - performance.now();
    if (wait > 0) await sleep(wait);
  }
}

/** React Flow's viewport zoom, read from the transform of `.react-flow__viewport`. */
export async function zoomOf(page: Page): Promise<number> {
  return page.evaluate(`(() => {
    const t = document.querySelector('.react-flow__viewport')?.style.transform ?? '';
    const m = /scale\\(([0-9.e-]+)\\)/.exec(t);
    return m ? Number(m[1]) : NaN;
  })()`);
}
