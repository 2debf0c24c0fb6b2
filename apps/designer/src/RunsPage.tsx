import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { RunSummary } from './api.ts';
import { adminApi, message } from './admin/api-admin.ts';
import {
  filtersFromSearch,
  isoToLocal,
  keysText,
  localToIso,
  RUN_FILTERS,
  RUN_STATUSES,
  runFilterProblems,
  searchOf,
  type RunFilters,
} from './admin/query.ts';
import { linkProps } from './router.ts';
import './admin/admin.css';

const PAGE = 50;
const fromUrl = (): RunFilters => filtersFromSearch(location.search, RUN_FILTERS);

/**
 * The runs, newest first: filtered by flow, status, plant and accept time, and searched by a
 * business key value ("where is lot B123?"). The filters are the page's query string, so a search
 * is a link to share; "Load more" pages on with the server's `next`.
 */
export function RunsPage() {
  const [filters, setFilters] = useState<RunFilters>(fromUrl);
  const [draft, setDraft] = useState<RunFilters>(filters);
  const [runs, setRuns] = useState<RunSummary[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [known, setKnown] = useState<{ flows: string[]; plants: string[] }>({ flows: [], plants: [] });
  const seq = useRef(0);
  const ids = {
    flow: useId(),
    status: useId(),
    plant: useId(),
    key: useId(),
    keyName: useId(),
    since: useId(),
    until: useId(),
  };

  const load = (f: RunFilters, before?: string) => {
    const mine = ++seq.current;
    setError(undefined);
    setBusy(true);
    adminApi.runs(f, before, PAGE).then(
      (page) => {
        if (mine !== seq.current) return;
        setRuns((old) => (before && old ? [...old, ...page.runs] : page.runs));
        setNext(page.next);
        setBusy(false);
      },
      (e: unknown) => {
        if (mine !== seq.current) return;
        setError(message(e));
        if (!before) setRuns([]);
        setBusy(false);
      },
    );
  };

  useEffect(() => load(filters), [filters]);
  // Suggestions for the flow and plant fields; the list works without them.
  useEffect(() => {
    Promise.all([adminApi.flows(), adminApi.plants()]).then(
      ([flows, plants]) => setKnown({ flows: flows.map((f) => f.id), plants: plants.map((p) => p.code) }),
      () => undefined,
    );
  }, []);
  // The browser's back and forward buttons move between searches.
  useEffect(() => {
    const back = () => {
      const f = fromUrl();
      setFilters(f);
      setDraft(f);
    };
    window.addEventListener('popstate', back);
    return () => window.removeEventListener('popstate', back);
  }, []);

  const apply = (f: RunFilters) => {
    const search = searchOf(f, RUN_FILTERS);
    if (search !== location.search) history.replaceState(null, '', `${location.pathname}${search}`);
    setFilters({ ...f });
  };
  const problems = runFilterProblems(draft);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (problems.length === 0) apply(draft);
  };
  const set = (name: keyof RunFilters, value: string) => setDraft((d) => ({ ...d, [name]: value }));
  const filtered = RUN_FILTERS.some((n) => filters[n]);

  return (
    <section aria-labelledby="runs-title" className="runs-page">
      <div className="toolbar">
        <h2 id="runs-title">Runs</h2>
        <button type="button" onClick={() => load(filters)}>
          Refresh
        </button>
      </div>
      <form role="search" aria-label="Find runs" className="filters" onSubmit={submit}>
        <div className="field key-search">
          <label htmlFor={ids.key}>Business key value</label>
          <input
            id={ids.key}
            type="search"
            placeholder="e.g. lot B123"
            value={draft.key ?? ''}
            onChange={(e) => set('key', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.keyName}>Key name (optional)</label>
          <input
            id={ids.keyName}
            placeholder="any key, or e.g. lot"
            value={draft.keyName ?? ''}
            onChange={(e) => set('keyName', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.flow}>Flow</label>
          <input
            id={ids.flow}
            list={`${ids.flow}-list`}
            value={draft.flow ?? ''}
            onChange={(e) => set('flow', e.target.value)}
          />
          <datalist id={`${ids.flow}-list`}>
            {known.flows.map((f) => (
              <option key={f} value={f} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={draft.status ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">any</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.plant}>Plant</label>
          <input
            id={ids.plant}
            list={`${ids.plant}-list`}
            value={draft.plant ?? ''}
            onChange={(e) => set('plant', e.target.value)}
          />
          <datalist id={`${ids.plant}-list`}>
            {known.plants.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={ids.since}>Accepted from</label>
          <input
            id={ids.since}
            type="datetime-local"
            value={isoToLocal(draft.since)}
            onChange={(e) => set('since', localToIso(e.target.value))}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.until}>Accepted to</label>
          <input
            id={ids.until}
            type="datetime-local"
            value={isoToLocal(draft.until)}
            onChange={(e) => set('until', localToIso(e.target.value))}
          />
        </div>
        <div className="actions">
          <button type="submit" disabled={problems.length > 0}>
            Search
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft({});
              apply({});
            }}
          >
            Clear filters
          </button>
        </div>
        {problems.length > 0 && (
          <p role="alert" className="wide">
            {problems.join(' ')}
          </p>
        )}
      </form>
      {error && <p role="alert">{error}</p>}
      {!runs ? (
        <p>Loading runs…</p>
      ) : runs.length === 0 ? (
        <p>{filtered ? 'No runs match these filters.' : 'No runs yet.'}</p>
      ) : (
        <>
          <table>
            <caption>
              {runs.length} run{runs.length === 1 ? '' : 's'}
              {filtered ? ' matching the filters' : ''}, the newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Flow</th>
                <th scope="col">Status</th>
                <th scope="col">Plant</th>
                <th scope="col">Business keys</th>
                <th scope="col">Accepted</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>
                    <a {...linkProps({ page: 'run', run: r.id })} aria-label={`Open run ${r.id}`}>
                      {r.id}
                    </a>
                  </td>
                  <td>
                    {r.flow} {r.version}
                  </td>
                  <td>
                    <span className={`status status-${r.status}`}>{r.status}</span>
                  </td>
                  <td>{r.plant ?? ''}</td>
                  <td>{keysText(r.businessKeys)}</td>
                  <td>{r.acceptedAt ? new Date(r.acceptedAt).toLocaleString() : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {next && (
            <button type="button" disabled={busy} onClick={() => load(filters, next)}>
              Load more runs
            </button>
          )}
        </>
      )}
    </section>
  );
}
