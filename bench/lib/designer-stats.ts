// Summaries for the designer benchmark: exact order statistics, no bucketing.
import type { FrameSample } from './designer-probe.ts';

/** The q-quantile by nearest rank (q = 0.5: the median; 0.95: p95); NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

export interface FrameStats {
  readonly frames: number;
  readonly workMedian: number;
  readonly workP95: number;
  readonly intervalMedian: number;
  readonly intervalP95: number;
  /** Share of intervals longer than 1.5 display frames (at 60 Hz: a frame dropped). */
  readonly dropped: number;
}

export function frameStats(samples: readonly FrameSample[], displayFrameMs = 1000 / 60): FrameStats {
  const work = samples.map((s) => s.work);
  const intervals = samples.map((s) => s.interval);
  return {
    frames: samples.length,
    workMedian: median(work),
    workP95: quantile(work, 0.95),
    intervalMedian: median(intervals),
    intervalP95: quantile(intervals, 0.95),
    dropped: samples.length ? intervals.filter((i) => i > displayFrameMs * 1.5).length / samples.length : NaN,
  };
}

/** The median over repetitions of each field. */
export function medianStats(runs: readonly FrameStats[]): FrameStats {
  const m = (k: keyof FrameStats) => median(runs.map((r) => r[k]));
  return {
    frames: m('frames'),
    workMedian: m('workMedian'),
    workP95: m('workP95'),
    intervalMedian: m('intervalMedian'),
    intervalP95: m('intervalP95'),
    dropped: m('dropped'),
  };
}

export const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
export const round1 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
