// The dashboard's numbers from the API's answers: runs by status, run durations, the KPI groups
// as chart rows. Pure, so it is tested without a browser.
import type { RunSummary } from '../api.ts';
import type { BusinessKpis } from './api-admin.ts';
import { formatDuration, type Datum } from './chart.ts';
import { RUN_STATUSES, searchOf, RUN_FILTERS } from './query.ts';

/** How many runs have each status (every status listed, zeros too), each linking to the filtered runs list. */
export function runsByStatus(runs: readonly RunSummary[], since?: string): Datum[] {
  return RUN_STATUSES.map((status) => ({
    label: status,
    value: runs.filter((r) => r.status === status).length,
    href: `/runs${searchOf({ status, ...(since ? { since } : {}) }, RUN_FILTERS)}`,
  }));
}

/** Accept → end of the runs that ended (ms). */
export function durationsOf(runs: readonly RunSummary[]): number[] {
  return runs
    .filter((r) => r.acceptedAt && r.endedAt)
    .map((r) => Date.parse(r.endedAt!) - Date.parse(r.acceptedAt!))
    .filter((d) => d >= 0);
}

const groupName = (g: { flow: string; plant: string | null }) => (g.plant ? `${g.flow} @ ${g.plant}` : g.flow);

/** Runs waiting on each channel (e.g. qms.inspection.decided: batches awaiting inspection). */
export const awaitingRows = (k: BusinessKpis): Datum[] =>
  k.totals.awaiting.map((a) => ({
    label: a.channel,
    value: a.runs,
    display: `${a.runs} (oldest ${formatDuration(a.oldestAgeMs)})`,
  }));

/** Release cycle time (p50 and p90) per flow and plant that released anything. */
export const cycleTimeRows = (k: BusinessKpis): Datum[] =>
  k.groups
    .filter((g) => g.released.runs > 0)
    .flatMap((g) => [
      {
        label: `${groupName(g)} p50`,
        value: g.released.cycleTimeMs.p50 ?? 0,
        display: formatDuration(g.released.cycleTimeMs.p50),
      },
      {
        label: `${groupName(g)} p90`,
        value: g.released.cycleTimeMs.p90 ?? 0,
        display: formatDuration(g.released.cycleTimeMs.p90),
      },
    ]);

/** Per flow and plant: runs ended, put on hold, released and open exceptions in one row each. */
export const groupRows = (k: BusinessKpis, pick: 'ended' | 'onHold' | 'released' | 'exceptions'): Datum[] =>
  k.groups.map((g) => {
    const value =
      pick === 'ended'
        ? g.ended
        : pick === 'onHold'
          ? g.onHold.runs
          : pick === 'released'
            ? g.released.runs
            : g.exceptions.open;
    return {
      label: groupName(g),
      value,
      href: `/runs${searchOf({ flow: g.flow, ...(g.plant ? { plant: g.plant } : {}) }, RUN_FILTERS)}`,
    };
  });

export interface Tile {
  readonly label: string;
  readonly value: string;
  readonly hint?: string;
}

/** The headline numbers of the KPIs. */
export function kpiTiles(k: BusinessKpis): Tile[] {
  const t = k.totals;
  const awaiting = t.awaiting.reduce((n, a) => n + a.runs, 0);
  return [
    { label: 'Awaiting a decision (inspection, approval)', value: String(awaiting) },
    {
      label: 'Lots put on hold',
      value: String(t.onHold.runs),
      ...(t.onHold.lots.length ? { hint: `lots ${t.onHold.lots.join(', ')}` } : {}),
    },
    { label: 'Released', value: String(t.released.runs) },
    {
      label: 'Release cycle time p50 / p90',
      value: `${formatDuration(t.released.cycleTimeMs.p50)} / ${formatDuration(t.released.cycleTimeMs.p90)}`,
    },
    {
      label: 'Sync latency p50 / p90',
      value: `${formatDuration(t.syncLatencyMs.p50)} / ${formatDuration(t.syncLatencyMs.p90)}`,
    },
    {
      label: 'Open exceptions (dead letters)',
      value: String(t.exceptions.open),
      ...(t.exceptions.oldestAgeMs !== null ? { hint: `oldest ${formatDuration(t.exceptions.oldestAgeMs)}` } : {}),
    },
    { label: 'Runs ended', value: String(t.ended) },
  ];
}
