import { useEffect, useId, useMemo, useState } from 'react';
import type { Flow, FlowDiff } from '@millrace/flow-model';
import { FlowCanvas, type CanvasFocus } from '../FlowCanvas.tsx';
import { lifecycleApi } from './api-lifecycle.ts';
import { edgeHighlightOf, highlightOf, mergedFlow } from './diff-view.ts';
import { DiffList } from './DiffList.tsx';
import { DRAFT } from './history.ts';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

const label = (v: string) => (v === DRAFT ? 'the draft' : v);

async function flowOf(flowId: string, version: string): Promise<Flow> {
  if (version !== DRAFT) return lifecycleApi.version(flowId, version);
  const d = await lifecycleApi.draft(flowId);
  if (!d) throw new Error(`${flowId} has no draft`);
  return d.flow;
}

/**
 * Two versions of a flow compared: the newer one's canvas with the older one's removed nodes put
 * back, added, removed and changed nodes marked (with a legend), and the changes in words;
 * clicking a change about a node centres the canvas on it.
 */
export function VisualDiff({ flowId, from, to }: { flowId: string; from: string; to: string }) {
  const id = useId();
  const [data, setData] = useState<{ older: Flow; newer: Flow; diff: FlowDiff }>();
  const [error, setError] = useState<string>();
  const [focus, setFocus] = useState<CanvasFocus>();

  useEffect(() => {
    let current = true;
    setData(undefined);
    setError(undefined);
    setFocus(undefined);
    Promise.all([flowOf(flowId, from), flowOf(flowId, to), lifecycleApi.diff(flowId, from, to)]).then(
      ([older, newer, diff]) => current && setData({ older, newer, diff }),
      (e: unknown) => current && setError(message(e)),
    );
    return () => {
      current = false;
    };
  }, [flowId, from, to]);

  const view = useMemo(() => {
    if (!data) return undefined;
    const merged = mergedFlow(data.older, data.newer, data.diff);
    const marked = [...highlightOf(data.diff).keys()];
    return {
      // A wide flow drawn whole is too small to read: start at what changed.
      start: marked[0] === undefined ? undefined : { node: marked[0], seq: 0, also: marked.slice(1) },
      merged,
      highlight: highlightOf(data.diff),
      edges: edgeHighlightOf(data.diff, merged),
      names: new Map(merged.nodes.filter((n) => n.name).map((n) => [n.id, n.name!] as [string, string])),
    };
  }, [data]);

  if (error) return <p role="alert">The versions cannot be compared: {error}</p>;
  if (!data || !view)
    return (
      <p>
        Comparing {label(from)} with {label(to)}…
      </p>
    );
  return (
    <div className="history-grid">
      <div role="region" aria-label={`Visual diff from ${label(from)} to ${label(to)}`} className="canvas-pane">
        <ul className="diff-legend" aria-label="Legend">
          <li>
            <span className="diff-tag diff-tag-added">added</span> in {label(to)}
          </li>
          <li>
            <span className="diff-tag diff-tag-removed">removed</span> (from {label(from)}, struck out)
          </li>
          <li>
            <span className="diff-tag diff-tag-changed">changed</span> configuration or name
          </li>
        </ul>
        {/* A new pair is a new canvas: the canvas is uncontrolled and keyed by flow and version. */}
        <div key={`${from}..${to}`}>
          <FlowCanvas
            flow={view.merged}
            highlight={view.highlight}
            edgeHighlight={view.edges}
            focus={focus ?? view.start}
          />
        </div>
      </div>
      <section aria-labelledby={`${id}-changes`} className="history-side">
        <h3 id={`${id}-changes`}>
          Changes from {label(from)} to {label(to)}
        </h3>
        <DiffList
          diff={data.diff}
          names={view.names}
          label={`Changes from ${label(from)} to ${label(to)}`}
          onSelect={(node) => setFocus((f) => ({ node, seq: (f?.seq ?? 0) + 1 }))}
        />
      </section>
    </div>
  );
}
