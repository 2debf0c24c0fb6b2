import { useEffect, useId, useRef, useState } from 'react';
import type { RunSummary } from '../api.ts';
import { linkProps } from '../router.ts';
import { adminApi, message, type BusinessKpis } from './api-admin.ts';
import { BarChart, ColumnChart } from './Charts.tsx';
import { bucketize, bucketLabel, histogram, PERIODS, type PeriodWindow } from './chart.ts';
import { awaitingRows, cycleTimeRows, durationsOf, groupRows, kpiTiles, runsByStatus } from './dashboard.ts';
import { filtersFromSearch } from './query.ts';
import './admin.css';

interface Loaded {
  readonly kpis: BusinessKpis;
  readonly runs: RunSummary[];
  /** More runs were accepted in the period than one page holds. */
  readonly runsTruncated: boolean;
  readonly openDeadLetters: number;
  readonly pendingApprovals: number;
  readonly at: number;
}

const MAX_RUNS = 1000;

function initialWindow(): PeriodWindow {
  const w = filtersFromSearch(location.search, ['window'] as const).window;
  return PERIODS.find((p) => p.window === w)?.window ?? '24h';
}

/**
 * The business KPIs of GET /api/metrics/business over a chosen period, drawn as SVG charts with
 * their numbers, and the operational counts (open dead letters, pending approvals, runs by
 * status) linking to the inbox pages and the filtered runs list.
 */
export function DashboardPage(_props: { role: string }) {
  const [chosen, setChosen] = useState<PeriodWindow>(initialWindow);
  const [data, setData] = useState<Loaded>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);
  const periodId = useId();
  const period = PERIODS.find((p) => p.window === chosen)!;

  const load = (w: PeriodWindow) => {
    const mine = ++seq.current;
    const p = PERIODS.find((x) => x.window === w)!;
    const now = Date.now();
    const since = new Date(now - p.bucketMs * p.buckets).toISOString();
    setBusy(true);
    setError(undefined);
    Promise.all([
      adminApi.kpis(w),
      adminApi.runs({ since }, undefined, MAX_RUNS),
      adminApi.openDeadLetterCount(),
      adminApi.pendingApprovalCount(),
    ]).then(
      ([kpis, runs, openDeadLetters, pendingApprovals]) => {
        if (mine !== seq.current) return;
        setData({
          kpis,
          runs: runs.runs,
          runsTruncated: runs.next !== null,
          openDeadLetters,
          pendingApprovals,
          at: now,
        });
        setBusy(false);
      },
      (e: unknown) => {
        if (mine !== seq.current) return;
        setError(message(e));
        setBusy(false);
      },
    );
  };
  useEffect(() => load(chosen), [chosen]);

  const choose = (w: PeriodWindow) => {
    const params = new URLSearchParams(location.search);
    params.set('window', w);
    history.replaceState(null, '', `${location.pathname}?${params.toString()}`);
    setChosen(w);
  };

  const since = data ? new Date(data.at - period.bucketMs * period.buckets).toISOString() : undefined;
  return (
    <section aria-labelledby="page-title" className="dashboard">
      <div className="toolbar">
        <h2 id="page-title">Dashboard</h2>
        <label htmlFor={periodId}>Period</label>
        <select id={periodId} value={chosen} onChange={(e) => choose(e.target.value as PeriodWindow)}>
          {PERIODS.map((p) => (
            <option key={p.window} value={p.window}>
              {p.label}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => load(chosen)} disabled={busy}>
          Refresh
        </button>
        {data && (
          <span className="muted" role="status">
            As of {new Date(data.at).toLocaleTimeString()}
          </span>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
      {!data ? (
        !error && <p>Loading the dashboard…</p>
      ) : (
        <>
          <ul className="tiles" aria-label="Operations">
            <li>
              <a {...linkProps('/dead-letters')}>
                <strong>{data.openDeadLetters}</strong> open dead letters
              </a>
            </li>
            <li>
              <a {...linkProps('/approvals')}>
                <strong>{data.pendingApprovals}</strong> pending approvals
              </a>
            </li>
            {runsByStatus(data.runs, since)
              .filter((d) => d.value > 0)
              .map((d) => (
                <li key={d.label}>
                  <a {...linkProps(d.href!)}>
                    <strong>{d.value}</strong> {d.label} runs
                  </a>
                </li>
              ))}
          </ul>
          <h3>Business KPIs — {period.label.toLowerCase()}</h3>
          {data.kpis.truncated && (
            <p className="muted">Only the {data.kpis.runsExamined} most recently ended runs were examined.</p>
          )}
          <dl className="kpi-tiles">
            {kpiTiles(data.kpis).map((t) => (
              <div key={t.label}>
                <dt>{t.label}</dt>
                <dd>
                  {t.value}
                  {t.hint && <small> — {t.hint}</small>}
                </dd>
              </div>
            ))}
          </dl>
          <div className="charts">
            <ColumnChart
              title={`Runs accepted per ${period.unit}`}
              unit="runs"
              data={bucketize(
                data.runs.filter((r) => r.acceptedAt).map((r) => Date.parse(r.acceptedAt!)),
                data.at,
                period.bucketMs,
                period.buckets,
              ).map((b) => ({ label: bucketLabel(b.start, period.bucketMs), value: b.count }))}
            />
            <BarChart title="Runs by status" unit="runs" category="Status" data={runsByStatus(data.runs, since)} />
            <BarChart
              title="Run duration (accepted → ended)"
              unit="runs"
              category="Duration"
              data={histogram(durationsOf(data.runs)).map((b) => ({ label: b.label, value: b.count }))}
            />
            <BarChart
              title="Awaiting a decision, by channel"
              unit="runs"
              category="Channel"
              data={awaitingRows(data.kpis)}
            />
            <BarChart title="Release cycle time" unit="time" category="Flow" data={cycleTimeRows(data.kpis)} />
            <BarChart title="Lots put on hold" unit="runs" category="Flow" data={groupRows(data.kpis, 'onHold')} />
            <BarChart title="Runs ended" unit="runs" category="Flow" data={groupRows(data.kpis, 'ended')} />
            <BarChart
              title="Open exceptions (dead letters)"
              unit="dead letters"
              category="Flow"
              data={groupRows(data.kpis, 'exceptions')}
            />
          </div>
          {data.runsTruncated && (
            <p className="muted">The run charts count the newest {MAX_RUNS} runs of the period; more were accepted.</p>
          )}
        </>
      )}
    </section>
  );
}
