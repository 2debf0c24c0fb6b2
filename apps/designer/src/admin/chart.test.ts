import { describe, expect, it } from 'vitest';
import { bucketize, bucketLabel, formatDuration, histogram, linearScale, niceTicks } from './chart.ts';

describe('chart scales and ticks', () => {
  it('ticks counts at 1, 2 or 5 times a power of ten, up to the first tick at or above the maximum', () => {
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(100)).toEqual([0, 50, 100]);
    expect(niceTicks(130)).toEqual([0, 50, 100, 150]);
  });

  it('never ticks counts at fractions, but may for durations', () => {
    expect(niceTicks(2)).toEqual([0, 1, 2]);
    expect(niceTicks(1, 4, false)).toEqual([0, 0.5, 1]);
  });

  it('ticks an empty chart from 0 to 1', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it('scales linearly, negative values and an empty domain to 0', () => {
    const s = linearScale(8, 200);
    expect(s(2)).toBe(50);
    expect(s(-1)).toBe(0);
    expect(linearScale(0, 200)(5)).toBe(0);
  });
});

describe('runs per period', () => {
  it('counts times into consecutive periods ending at the end, leaving out times outside', () => {
    const hour = 3_600_000;
    const end = 10 * hour;
    const buckets = bucketize([7 * hour, 7.5 * hour, 9.99 * hour, 6.9 * hour, end], end, hour, 3);
    expect(buckets).toEqual([
      { start: 7 * hour, count: 2 },
      { start: 8 * hour, count: 0 },
      { start: 9 * hour, count: 1 },
    ]);
  });

  it('labels hourly buckets by time of day and daily ones by date', () => {
    const t = new Date(2026, 2, 4, 8, 5).getTime();
    expect(bucketLabel(t, 3_600_000)).toBe('08:05');
    expect(bucketLabel(t, 86_400_000)).toBe('3/4');
  });
});

describe('duration distribution', () => {
  it('puts each duration in its bin, the longest in the open last bin', () => {
    const h = histogram([500, 999, 1000, 59_000, 5 * 86_400_000]);
    expect(h.map((b) => b.count)).toEqual([2, 1, 1, 0, 0, 0, 1]);
    expect(h[0]!.label).toBe('< 1 s');
  });

  it('formats durations readably', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_000)).toBe('12 s');
    expect(formatDuration(4.5 * 60_000)).toBe('4.5 min');
    expect(formatDuration(2 * 3_600_000)).toBe('2 h');
    expect(formatDuration(null)).toBe('—');
  });
});
