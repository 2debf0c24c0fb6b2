import { useEffect, useState } from 'react';
import type { Flow } from '@millrace/flow-model';
import { api, type FlowListEntry } from './api.ts';
import { FlowCanvas } from './FlowCanvas.tsx';

/** Published flows with their versions; choosing a version shows it read-only on the canvas. */
export function FlowsPage() {
  const [flows, setFlows] = useState<FlowListEntry[]>();
  const [chosen, setChosen] = useState<{ id: string; version: string }>();
  const [flow, setFlow] = useState<Flow>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    api.flows().then(setFlows, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  useEffect(() => {
    if (!chosen) return;
    let current = true;
    setFlow(undefined);
    api.flowVersion(chosen.id, chosen.version).then(
      (f) => current && setFlow(f),
      (e: unknown) => current && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      current = false;
    };
  }, [chosen]);

  return (
    <div className="flows-page">
      <section aria-labelledby="flows-title" className="flow-list">
        <h2 id="flows-title">Flows</h2>
        {error && <p role="alert">{error}</p>}
        {!flows ? (
          <p>Loading flows…</p>
        ) : flows.length === 0 ? (
          <p>No flow is published yet. Import a pack or publish a draft.</p>
        ) : (
          <ul>
            {flows.map((f) => (
              <li key={f.id}>
                <span className="flow-id">{f.id}</span>
                <ul aria-label={`Versions of ${f.id}`}>
                  {f.versions.map((v) => {
                    const selected = chosen?.id === f.id && chosen.version === v.version;
                    return (
                      <li key={v.version}>
                        <button
                          type="button"
                          aria-pressed={selected}
                          aria-label={`Open ${f.id} ${v.version}`}
                          onClick={() => setChosen({ id: f.id, version: v.version })}
                        >
                          {v.version}
                        </button>{' '}
                        <small>
                          {v.status} {new Date(v.publishedAt).toLocaleString()} by {v.publishedBy}
                        </small>
                      </li>
                    );
                  })}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-label="Flow canvas" className="canvas-pane">
        {!chosen ? (
          <p>Choose a flow version to see it.</p>
        ) : !flow ? (
          <p>Loading {chosen.id}…</p>
        ) : (
          <>
            <h2>
              {flow.name} <small>{flow.version}</small>
            </h2>
            <FlowCanvas flow={flow} />
          </>
        )}
      </section>
    </div>
  );
}
