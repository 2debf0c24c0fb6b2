import { useEffect, useState } from 'react';
import { api, type RunSummary } from './api.ts';
import { linkProps } from './router.ts';

function keysOf(keys: unknown): string {
  if (!keys || typeof keys !== 'object') return '';
  return Object.entries(keys as Record<string, unknown>)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

/** The newest runs: flow, status, plant and business keys; opening one shows its detail. */
export function RunsPage() {
  const [runs, setRuns] = useState<RunSummary[]>();
  const [error, setError] = useState<string>();
  const load = () => {
    setError(undefined);
    api.runs().then(setRuns, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  useEffect(load, []);

  return (
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Runs</h2>
      <button type="button" onClick={load}>
        Refresh
      </button>
      {error && <p role="alert">{error}</p>}
      {!runs ? (
        <p>Loading runs…</p>
      ) : runs.length === 0 ? (
        <p>No runs yet.</p>
      ) : (
        <table>
          <caption>The newest runs first</caption>
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
                <td>{r.status}</td>
                <td>{r.plant ?? ''}</td>
                <td>{keysOf(r.businessKeys)}</td>
                <td>{r.acceptedAt ? new Date(r.acceptedAt).toLocaleString() : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
