import { useEffect, useState, type FormEvent } from 'react';
import { api, type DraftSummary, type FlowListEntry } from './api.ts';
import { linkProps, navigate } from './router.ts';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Whether a role may edit drafts (the server enforces it too). */
export const mayEditDrafts = (role: string) => role === 'analyst' || role === 'admin';

/** A flow id as the flow schema wants it: a slug. */
export const FLOW_ID = /^[a-z][a-z0-9-]{0,62}$/;

/** Every flow, published or only drafted: its versions (read-only), its draft and its history. */
export function FlowsPage({ role }: { role: string }) {
  const [flows, setFlows] = useState<FlowListEntry[]>();
  const [drafts, setDrafts] = useState<DraftSummary[]>();
  const [error, setError] = useState<string>();
  const [newId, setNewId] = useState('');

  useEffect(() => {
    Promise.all([api.flows(), api.drafts()]).then(
      ([f, d]) => {
        setFlows(f);
        setDrafts(d);
      },
      (e: unknown) => setError(message(e)),
    );
  }, []);

  const ids = [...new Set([...(flows ?? []).map((f) => f.id), ...(drafts ?? []).map((d) => d.id)])].sort();
  const idProblem =
    newId === ''
      ? undefined
      : !FLOW_ID.test(newId)
        ? 'lowercase letters, digits and dashes, starting with a letter'
        : ids.includes(newId)
          ? `${newId} exists already: open it below`
          : undefined;
  const create = (e: FormEvent) => {
    e.preventDefault();
    if (newId && !idProblem) navigate({ page: 'flow-edit', flow: newId });
  };

  return (
    <section aria-labelledby="flows-title" className="flow-list">
      <h2 id="flows-title">Flows</h2>
      {error && <p role="alert">{error}</p>}
      {mayEditDrafts(role) && (
        <form aria-label="New flow" onSubmit={create} className="new-flow">
          <label>
            New flow id{' '}
            <input
              value={newId}
              onChange={(e) => setNewId(e.target.value.trim())}
              aria-invalid={idProblem !== undefined}
              aria-describedby="new-flow-hint"
              placeholder="batch-release"
            />
          </label>{' '}
          <button type="submit" disabled={!newId || idProblem !== undefined}>
            Create
          </button>{' '}
          <small id="new-flow-hint">{idProblem ?? 'starts from an empty canvas'}</small>
        </form>
      )}
      {!flows || !drafts ? (
        <p>Loading flows…</p>
      ) : ids.length === 0 ? (
        <p>No flow yet. Import a pack, or create a flow.</p>
      ) : (
        <table>
          <caption>Published versions and drafts</caption>
          <thead>
            <tr>
              <th scope="col">Flow</th>
              <th scope="col">Versions</th>
              <th scope="col">Runs in</th>
              <th scope="col">Draft</th>
              <th scope="col">History</th>
            </tr>
          </thead>
          <tbody>
            {ids.map((id) => {
              const f = flows.find((x) => x.id === id);
              const d = drafts.find((x) => x.id === id);
              return (
                <tr key={id}>
                  <th scope="row" className="flow-id">
                    {id}
                    {(d?.name ?? f?.name) && (d?.name ?? f?.name) !== id ? <small> {d?.name ?? f?.name}</small> : null}
                  </th>
                  <td>
                    <ul aria-label={`Versions of ${id}`} className="inline-list">
                      {(f?.versions ?? []).map((v) => (
                        <li key={v.version}>
                          <a
                            {...linkProps({ page: 'flow-version', flow: id, version: v.version })}
                            aria-label={`Open ${id} ${v.version}`}
                            title={`${v.status}, published ${new Date(v.publishedAt).toLocaleString()} by ${v.publishedBy}`}
                          >
                            {v.version}
                          </a>{' '}
                          <small>{v.status}</small>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    {(f?.deployments ?? []).length === 0 ? (
                      <small>not deployed</small>
                    ) : (
                      <ul aria-label={`Plants running ${id}`} className="inline-list">
                        {f!.deployments.map((p) => (
                          <li key={p.plant}>
                            {p.plant} <small>{p.version}</small>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    {d ? (
                      <a
                        {...linkProps({ page: 'flow-edit', flow: id })}
                        aria-label={`Edit the draft of ${id}, revision ${d.revision} by ${d.updatedBy}`}
                      >
                        revision {d.revision} by {d.updatedBy}
                      </a>
                    ) : mayEditDrafts(role) ? (
                      <a {...linkProps({ page: 'flow-edit', flow: id })} aria-label={`Start a draft of ${id}`}>
                        start a draft
                      </a>
                    ) : (
                      <small>none</small>
                    )}
                  </td>
                  <td>
                    {f && (
                      <a {...linkProps({ page: 'flow-history', flow: id })} aria-label={`History of ${id}`}>
                        history
                      </a>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
