import { useEffect, useId, useState, type FormEvent } from 'react';
import { adminApi } from './admin/api-admin.ts';
import {
  isoToLocal,
  keysText,
  localToIso,
  RUN_FILTERS,
  RUN_STATUSES,
  runFilterProblems,
  type RunFilters,
} from './admin/query.ts';
import { useSearchPages } from './admin/search-pages.ts';
import { linkProps } from './router.ts';
import './admin/admin.css';

const PAGE = 50;

/**
 * The runs, newest first: filtered by flow, status, plant and accept time, and searched by a
 * business key value ("where is lot B123?"). The filters are the page's query string, so a search
 * is a link to share; "Load more" pages on with the server's `next`.
 */
export function RunsPage() {
  const list = useSearchPages(RUN_FILTERS, (f: RunFilters, before) =>
    adminApi.runs(f, before, PAGE).then((page) => ({ items: page.runs, next: page.next })),
  );
  const { filters, draft, set, apply, items: runs, next, error, busy } = list;
  const [known, setKnown] = useState<{ flows: string[]; plants: string[] }>({ flows: [], plants: [] });
  const ids = {
    flow: useId(),
    status: useId(),
    plant: useId(),
    key: useId(),
    keyName: useId(),
    since: useId(),
    until: useId(),
  };

  // Suggestions for the flow and plant fields; the list works without them.
  useEffect(() => {
    Promise.all([adminApi.flows(), adminApi.plants()]).then(
      ([flows, plants]) => setKnown({ flows: flows.map((f) => f.id), plants: plants.map((p) => p.code) }),
      () => undefined,
    );
  }, []);

  const problems = runFilterProblems(draft);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (problems.length === 0) apply(draft);
  };
  const filtered = RUN_FILTERS.some((n) => filters[n]);

  return (
    <section aria-labelledby="runs-title" className="runs-page">
      <div className="toolbar">
        <h2 id="runs-title">Runs</h2>
        <button type="button" onClick={list.refresh}>
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
          <button type="button" onClick={list.clear}>
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
            <button type="button" disabled={busy} onClick={list.loadMore}>
              Load more runs
            </button>
          )}
        </>
      )}
    </section>
  );
}
