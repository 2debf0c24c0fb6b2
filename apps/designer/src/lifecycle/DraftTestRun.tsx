import { useMemo, useState } from 'react';
import { saveDraft } from '../editor/api-editor.ts';
import { FlowCanvas, type CanvasFocus, type CanvasOverlay } from '../FlowCanvas.tsx';
import { lifecycleApi, type Draft } from './api-lifecycle.ts';
import { TestRunPanel } from './TestRunPanel.tsx';

/**
 * A test run of the saved draft beside its canvas: the run's path as badges, a node's data. A
 * sample run kept as a test case (or a case removed) saves the draft at once, guarded by its
 * revision; `onSaved` hands the saved draft back to the page.
 */
export function DraftTestRun({
  flowId,
  draft,
  onSaved,
}: {
  flowId: string;
  draft: Draft;
  onSaved(draft: Draft): void;
}) {
  const [overlay, setOverlay] = useState<CanvasOverlay>();
  const [node, setNode] = useState<string>();
  // A wide flow drawn whole is too small to read: show the run's path.
  const focus = useMemo<CanvasFocus | undefined>(() => {
    const path = [...(overlay?.nodes.keys() ?? [])];
    return path[0] === undefined ? undefined : { node: path[0], seq: 0, also: path.slice(1) };
  }, [overlay]);
  if (draft.problems.length > 0)
    return <p>The draft is not a flow yet ({draft.problems.length} problem(s)): open it in the editor.</p>;
  return (
    <div className="history-grid">
      <div role="region" aria-label="Test run on the draft's canvas" className="canvas-pane">
        <FlowCanvas
          flow={draft.flow}
          {...(overlay ? { overlay } : {})}
          {...(focus ? { focus } : {})}
          onNodeSelect={setNode}
        />
      </div>
      <div className="history-side">
        <TestRunPanel
          flowId={flowId}
          flow={draft.flow}
          tests={draft.tests}
          {...(node ? { selectedNode: node } : {})}
          onOverlay={setOverlay}
          onTestsChange={async (tests) => {
            // Someone who saved the draft meanwhile wins: a 409 is shown, nothing is overwritten.
            await saveDraft(flowId, { flow: draft.flow, tests, revision: draft.revision });
            // The draft as the server now has it (revision, who saved it and when).
            const fresh = await lifecycleApi.draft(flowId);
            if (fresh) onSaved(fresh);
          }}
        />
      </div>
    </div>
  );
}
