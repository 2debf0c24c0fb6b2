import { useEffect, useId, useMemo, useState } from 'react';
import type { Flow } from '@millrace/flow-model';
import { api, type RunTrace } from './api.ts';
import { FlowCanvas, formatMs } from './FlowCanvas.tsx';
import { overlayOf, pretty, stepFailed } from './run-view.ts';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function JsonBlock({ title, value }: { title: string; value: unknown }) {
  const id = useId();
  return (
    <div className="json-block">
      <h4 id={id}>{title}</h4>
      <pre aria-labelledby={id} tabIndex={0}>
        {pretty(value)}
      </pre>
    </div>
  );
}

/** One run over its flow version's canvas: the path, per-node badges, and its steps with their data. */
export function RunDetail({ runId, onBack }: { runId: string; onBack: () => void }) {
  const [trace, setTrace] = useState<RunTrace>();
  const [flow, setFlow] = useState<Flow>();
  const [error, setError] = useState<string>();
  const [flowError, setFlowError] = useState<string>();
  const [selected, setSelected] = useState<string>();

  useEffect(() => {
    let current = true;
    api.run(runId).then(
      (t) => {
        if (!current) return;
        setTrace(t);
        setSelected((t.steps.find(stepFailed) ?? t.steps[t.steps.length - 1])?.key);
        api.flowVersion(t.flow.id, t.flow.version).then(
          (f) => current && setFlow(f),
          (e: unknown) => current && setFlowError(message(e)),
        );
      },
      (e: unknown) => current && setError(message(e)),
    );
    return () => {
      current = false;
    };
  }, [runId]);

  const overlay = useMemo(() => (trace ? overlayOf(trace) : undefined), [trace]);
  const step = trace?.steps.find((s) => s.key === selected);

  return (
    <section aria-labelledby="run-title" className="run-detail">
      <div className="toolbar">
        <button type="button" onClick={onBack}>
          Back to runs
        </button>
        <h2 id="run-title">Run {runId}</h2>
        {trace && (
          <span data-testid="run-status">
            {trace.flow.id} {trace.flow.version} · {trace.status}
            {trace.durationMs !== null ? ` · ${formatMs(trace.durationMs)}` : ''}
          </span>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
      {!trace ? (
        !error && <p>Loading run {runId}…</p>
      ) : (
        <div className="run-grid">
          <div className="canvas-pane" aria-label="Run path on the flow canvas" role="region">
            {flowError ? (
              <p role="alert">The flow version cannot be shown: {flowError}</p>
            ) : !flow ? (
              <p>Loading the flow…</p>
            ) : (
              <FlowCanvas
                flow={flow}
                overlay={overlay!}
                onNodeSelect={(node) => {
                  const s = trace.steps.find((x) => x.node === node);
                  if (s) setSelected(s.key);
                }}
              />
            )}
          </div>
          <aside aria-labelledby="steps-title" className="steps">
            <h3 id="steps-title">Steps</h3>
            {trace.steps.length === 0 ? (
              <p>No steps yet.</p>
            ) : (
              <ol>
                {trace.steps.map((s) => (
                  <li key={s.key}>
                    <button
                      type="button"
                      aria-pressed={s.key === selected}
                      className={stepFailed(s) ? 'failed' : undefined}
                      aria-label={`Step ${s.node} (${s.type ?? 'unknown type'}): ${s.status}`}
                      onClick={() => setSelected(s.key)}
                    >
                      {stepFailed(s) ? '⚠ ' : ''}
                      {s.node} <small>{s.status}</small>
                    </button>{' '}
                    <small>
                      {s.attempts} {s.attempts === 1 ? 'attempt' : 'attempts'}
                      {s.durationMs !== null ? `, ${formatMs(s.durationMs)}` : ''}
                    </small>
                  </li>
                ))}
              </ol>
            )}
            {step && (
              <section aria-label={`Step ${step.node}`} className="step-data">
                <h3>
                  {step.node} <small>{step.type}</small>
                </h3>
                <JsonBlock title={`Input of ${step.node}`} value={step.input} />
                <JsonBlock title={`Output of ${step.node}`} value={step.output} />
                <JsonBlock title={`Error of ${step.node}`} value={step.error} />
                {step.failedAttempts.length > 0 && (
                  <JsonBlock title={`Failed attempts of ${step.node}`} value={step.failedAttempts} />
                )}
              </section>
            )}
          </aside>
        </div>
      )}
    </section>
  );
}
