// The arithmetic of the dashboard's hand-drawn SVG charts: scales, ticks, per-period buckets and
// a duration histogram. Pure, so it is tested without a browser.

/** One bar of a chart. */
export interface Datum {
  readonly label: string;
  readonly value: number;
  /** The value as shown (default: the number). */
  readonly display?: string;
  /** Where the bar's row in the table links to (a filtered list). */
  readonly href?: string;
}

/**
 * "Nice" tick values from 0 up to the first tick at or above `max` (1, 2 or 5 times a power of
 * ten apart); counts (`integers`) never get fractional ticks.
 */
export function niceTicks(max: number, count = 4, integers = true): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  if (integers && step < 1) step = 1;
  const ticks = [0];
  while (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/** A linear scale from [0, domainMax] onto [0, rangeMax]; a zero domain maps everything to 0. */
export function linearScale(domainMax: number, rangeMax: number): (v: number) => number {
  return (v) => (domainMax > 0 ? (Math.max(0, v) / domainMax) * rangeMax : 0);
}

export interface Bucket {
  /** The bucket's start (ms). */
  readonly start: number;
  readonly count: number;
}

/**
 * Counts times (ms) into `count` consecutive periods of `periodMs` ending at `end`; times
 * outside are left out. The last bucket ends at `end`.
 */
export function bucketize(times: readonly number[], end: number, periodMs: number, count: number): Bucket[] {
  const start = end - periodMs * count;
  const counts = new Array<number>(count).fill(0);
  for (const t of times) {
    if (t < start || t >= end) continue;
    counts[Math.min(count - 1, Math.floor((t - start) / periodMs))]!++;
  }
  return counts.map((c, i) => ({ start: start + i * periodMs, count: c }));
}

/** The bins of a duration histogram: upper bounds (ms), the last one open. */
export const DURATION_BINS: ReadonlyArray<{ readonly label: string; readonly upTo: number }> = [
  { label: '< 1 s', upTo: 1000 },
  { label: '1–10 s', upTo: 10_000 },
  { label: '10 s–1 min', upTo: 60_000 },
  { label: '1–10 min', upTo: 600_000 },
  { label: '10 min–1 h', upTo: 3_600_000 },
  { label: '1–24 h', upTo: 86_400_000 },
  { label: '≥ 1 d', upTo: Infinity },
];

/** How many durations fall in each of DURATION_BINS. */
export function histogram(durations: readonly number[]): Array<{ label: string; count: number }> {
  const counts = DURATION_BINS.map((b) => ({ label: b.label, count: 0 }));
  for (const d of durations) {
    const i = DURATION_BINS.findIndex((b) => d < b.upTo);
    counts[i === -1 ? counts.length - 1 : i]!.count++;
  }
  return counts;
}

/** A duration, coarsely and readably: "850 ms", "12 s", "4.5 min", "3.2 h", "2.1 d"; "—" for none. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const one = (v: number) => (v < 10 ? v.toFixed(1).replace(/\.0$/, '') : String(Math.round(v)));
  if (ms < 60_000) return `${one(ms / 1000)} s`;
  if (ms < 3_600_000) return `${one(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${one(ms / 3_600_000)} h`;
  return `${one(ms / 86_400_000)} d`;
}

/** The dashboard's periods: the KPI window, and the bucket size of the runs-per-period chart. */
export const PERIODS = [
  { window: '1h', label: 'Last hour', unit: '5 minutes', bucketMs: 5 * 60_000, buckets: 12 },
  { window: '24h', label: 'Last 24 hours', unit: 'hour', bucketMs: 3_600_000, buckets: 24 },
  { window: '7d', label: 'Last 7 days', unit: 'day', bucketMs: 86_400_000, buckets: 7 },
  { window: '30d', label: 'Last 30 days', unit: 'day', bucketMs: 86_400_000, buckets: 30 },
] as const;

export type PeriodWindow = (typeof PERIODS)[number]['window'];

/** A bucket's start as a short label: the time of day for buckets under a day, else the date. */
export function bucketLabel(start: number, bucketMs: number): string {
  const d = new Date(start);
  const p = (n: number) => String(n).padStart(2, '0');
  return bucketMs < 86_400_000 ? `${p(d.getHours())}:${p(d.getMinutes())}` : `${d.getMonth() + 1}/${d.getDate()}`;
}
