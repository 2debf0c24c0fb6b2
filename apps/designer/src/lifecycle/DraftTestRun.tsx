import { useState } from 'react';
import { FlowCanvas, type CanvasOverlay } from '../FlowCanvas.tsx';
import type { Draft } from './api-lifecycle.ts';
import { TestRunPanel } from './TestRunPanel.tsx';

/** A test run of the saved draft beside its canvas: the run's path as badges, a node's data. */
export function DraftTestRun({ flowId, draft }: { flowId: string; draft: Draft }) {
  const [overlay, setOverlay] = useState<CanvasOverlay>();
  const [node, setNode] = useState<string>();
  if (draft.problems.length > 0)
    return <p>The draft is not a flow yet ({draft.problems.length} problem(s)): open it in the editor.</p>;
  return (
    <div className="history-grid">
      <div role="region" aria-label="Test run on the draft's canvas" className="canvas-pane">
        <FlowCanvas flow={draft.flow} {...(overlay ? { overlay } : {})} onNodeSelect={setNode} />
      </div>
      <div className="history-side">
        <TestRunPanel
          flowId={flowId}
          flow={draft.flow}
          tests={draft.tests}
          {...(node ? { selectedNode: node } : {})}
          onOverlay={setOverlay}
        />
      </div>
    </div>
  );
}
