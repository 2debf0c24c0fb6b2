import { useEffect, useState } from 'react';
import type { Flow } from '@millrace/flow-model';
import { api } from './api.ts';
import { FlowCanvas } from './FlowCanvas.tsx';
import { linkProps } from './router.ts';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** One published version, read-only on the canvas. */
export function FlowVersionPage({ flowId, version }: { flowId: string; version: string }) {
  const [flow, setFlow] = useState<Flow>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    api.flowVersion(flowId, version).then(
      (f) => current && setFlow(f),
      (e: unknown) => current && setError(message(e)),
    );
    return () => {
      current = false;
    };
  }, [flowId, version]);
  return (
    <section aria-labelledby="flow-title" className="canvas-pane">
      <p>
        <a {...linkProps({ page: 'flows' })}>← Flows</a> ·{' '}
        <a {...linkProps({ page: 'flow-history', flow: flowId })}>History of {flowId}</a>
      </p>
      {error && <p role="alert">{error}</p>}
      {!flow ? (
        !error && <p>Loading {flowId}…</p>
      ) : (
        <>
          <h2 id="flow-title">
            {flow.name} <small>{flow.version}</small> <small>(read-only)</small>
          </h2>
          <FlowCanvas flow={flow} />
        </>
      )}
    </section>
  );
}
