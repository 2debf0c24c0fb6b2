import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../api.ts';
import type { BusinessKpis, KpiGroup } from './api-admin.ts';
import { awaitingRows, cycleTimeRows, durationsOf, groupRows, kpiTiles, runsByStatus } from './dashboard.ts';

const run = (id: string, status: string, acceptedAt: string, endedAt: string | null = null): RunSummary => ({
  id,
  flow: 'f',
  version: '1.0.0',
  plant: 'P100',
  status,
  acceptedAt,
  endedAt,
  businessKeys: null,
});

const pct = (runs: number, p50: number | null, p90: number | null) => ({ runs, p50, p90 });
const group = (flow: string, over: Partial<KpiGroup> = {}): KpiGroup => ({
  flow,
  plant: 'P100',
  awaiting: [],
  onHold: { runs: 0, lots: [] },
  released: { runs: 0, cycleTimeMs: pct(0, null, null) },
  syncLatencyMs: pct(0, null, null),
  exceptions: { open: 0, oldestAgeMs: null },
  ended: 0,
  ...over,
});

const KPIS: BusinessKpis = {
  window: { from: '2026-03-04T00:00:00.000Z', to: '2026-03-05T00:00:00.000Z', ms: 86_400_000 },
  runsExamined: 5,
  truncated: false,
  groups: [
    group('batch-release', {
      released: { runs: 2, cycleTimeMs: pct(2, 90_000, 7_200_000) },
      onHold: { runs: 1, lots: ['B9'] },
      ended: 4,
    }),
    group('intake', { plant: null, exceptions: { open: 3, oldestAgeMs: 60_000 }, ended: 1 }),
  ],
  totals: {
    awaiting: [{ channel: 'qms.inspection.decided', runs: 3, oldestAgeMs: 120_000 }],
    onHold: { runs: 1, lots: ['B9'] },
    released: { runs: 2, cycleTimeMs: pct(2, 90_000, 7_200_000) },
    syncLatencyMs: pct(0, null, null),
    exceptions: { open: 3, oldestAgeMs: 60_000 },
    ended: 5,
  },
};

describe('the dashboard numbers', () => {
  it('counts runs by status, every status listed, each linking to the filtered runs list', () => {
    const rows = runsByStatus(
      [run('1', 'succeeded', 'x'), run('2', 'succeeded', 'x'), run('3', 'held', 'x')],
      '2026-03-04T00:00:00.000Z',
    );
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ['held', 1],
      ['running', 0],
      ['succeeded', 2],
      ['dead_lettered', 0],
      ['discarded', 0],
    ]);
    expect(rows[2]!.href).toBe('/runs?status=succeeded&since=2026-03-04T00%3A00%3A00.000Z');
  });

  it('takes the durations of the runs that ended only', () => {
    expect(
      durationsOf([
        run('1', 'succeeded', '2026-03-04T00:00:00Z', '2026-03-04T00:00:02Z'),
        run('2', 'running', '2026-03-04T00:00:00Z'),
      ]),
    ).toEqual([2000]);
  });

  it('charts what awaits a decision per channel, and cycle times of the flows that released', () => {
    expect(awaitingRows(KPIS)).toEqual([{ label: 'qms.inspection.decided', value: 3, display: '3 (oldest 2 min)' }]);
    expect(cycleTimeRows(KPIS)).toEqual([
      { label: 'batch-release @ P100 p50', value: 90_000, display: '1.5 min' },
      { label: 'batch-release @ P100 p90', value: 7_200_000, display: '2 h' },
    ]);
  });

  it('gives a row per flow and plant, linking to its runs', () => {
    expect(groupRows(KPIS, 'exceptions')).toEqual([
      { label: 'batch-release @ P100', value: 0, href: '/runs?flow=batch-release&plant=P100' },
      { label: 'intake', value: 3, href: '/runs?flow=intake' },
    ]);
    expect(groupRows(KPIS, 'ended').map((r) => r.value)).toEqual([4, 1]);
  });

  it('heads the KPIs with awaiting, on hold with its lots, released and the cycle time', () => {
    const tiles = kpiTiles(KPIS);
    expect(tiles[0]).toEqual({ label: 'Awaiting a decision (inspection, approval)', value: '3' });
    expect(tiles[1]).toEqual({ label: 'Lots put on hold', value: '1', hint: 'lots B9' });
    expect(tiles.find((t) => t.label.startsWith('Release cycle'))!.value).toBe('1.5 min / 2 h');
  });
});
