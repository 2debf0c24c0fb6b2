import { useEffect, useMemo, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import type { Catalog, Flow } from '@millrace/flow-model';
import { mayEditDrafts } from '../FlowsPage.tsx';
import { linkProps } from '../router.ts';
import { loadCatalog, loadStart, type Start } from './api-editor.ts';
import { EditorWorkspace } from './EditorWorkspace.tsx';
import { emptyFlow, withFullLayout } from './graph.ts';
import './editor.css';

/** A saved draft may not be a whole flow yet: give it what the editor needs to draw it. */
function editable(flowId: string, doc: unknown): Flow {
  const d = (doc && typeof doc === 'object' ? doc : {}) as Partial<Flow>;
  const base = emptyFlow(flowId);
  return withFullLayout({
    ...base,
    ...d,
    nodes: Array.isArray(d.nodes) ? d.nodes : [],
    edges: Array.isArray(d.edges) ? d.edges : [],
    layout: d.layout && typeof d.layout === 'object' ? d.layout : {},
  });
}

function originOf(start: Start): string {
  switch (start.kind) {
    case 'draft':
      return `Draft revision ${start.draft.revision} by ${start.draft.updatedBy}`;
    case 'published':
      return `Started from published ${start.version}`;
    case 'new':
      return 'New flow';
  }
}

/**
 * The flow editor at /flows/:id: the flow's draft (or, when there is none, a new draft from the
 * newest published version or an empty flow), editable by analysts and admins, read-only for the
 * other roles.
 */
export function FlowEditor({ flowId, role }: { flowId: string; role: string }) {
  const [loaded, setLoaded] = useState<{ start: Start; catalog: Catalog }>();
  const [error, setError] = useState<string>();
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let live = true;
    setLoaded(undefined);
    setError(undefined);
    Promise.all([loadStart(flowId), loadCatalog()]).then(
      ([start, catalog]) => live && setLoaded({ start, catalog }),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [flowId, generation]);

  const readOnly = !mayEditDrafts(role);
  const flow = useMemo(() => {
    if (!loaded) return undefined;
    const { start } = loaded;
    return editable(
      flowId,
      start.kind === 'draft' ? start.draft.flow : start.kind === 'published' ? start.flow : emptyFlow(flowId),
    );
  }, [flowId, loaded]);
  if (error || !loaded || !flow)
    return (
      <section aria-labelledby="page-title">
        <p>
          <a {...linkProps({ page: 'flows' })}>← Flows</a>
        </p>
        <h2 id="page-title">Flow {flowId}</h2>
        {error ? <p role="alert">{error}</p> : <p>Loading {flowId}…</p>}
      </section>
    );
  const { start, catalog } = loaded;
  return (
    <ReactFlowProvider>
      <EditorWorkspace
        key={generation}
        flowId={flowId}
        role={role}
        readOnly={readOnly}
        catalog={catalog}
        initialFlow={flow}
        tests={start.kind === 'draft' ? start.draft.tests : null}
        revision={start.kind === 'draft' ? start.draft.revision : 0}
        origin={originOf(start)}
        onReload={() => setGeneration((g) => g + 1)}
      />
    </ReactFlowProvider>
  );
}
