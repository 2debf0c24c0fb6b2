import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Catalog, CatalogNodeType, Flow, FlowNode, Problem } from '@millrace/flow-model';
import type { CanvasOverlay } from '../FlowCanvas.tsx';
import { Inspector } from '../inspector/Inspector.tsx';
import { PublishDialog } from '../lifecycle/PublishDialog.tsx';
import { TestRunPanel } from '../lifecycle/TestRunPanel.tsx';
import type { Point } from '../layout.ts';
import { linkProps } from '../router.ts';
import { validateDraft } from './api-editor.ts';
import { copyNodes, pasteNodes, PASTE_OFFSET, type Clipboard } from './clipboard.ts';
import type { PortRef } from './compat.ts';
import { EditorCanvas, type CanvasHandle } from './EditorCanvas.tsx';
import { addNode, autoLayout, connect, moveNodes, removeElements, replaceNode } from './graph.ts';
import { canRedo, canUndo, createHistory, push, redo, undo, type History } from './history.ts';
import { FindNode, type FindNodeHandle } from './FindNode.tsx';
import { commandOf, EDITING, type Command } from './keys.ts';
import { FlowSettings } from '../flow-settings/FlowSettings.tsx';
import { NodeWires } from './NodeWires.tsx';
import { Palette } from './Palette.tsx';
import { problemsByNode, problemTarget, type ProblemTarget } from './problems.ts';
import { ProblemsPanel, type ValidationState } from './ProblemsPanel.tsx';
import { ShortcutsHelp } from './ShortcutsHelp.tsx';
import { SaveStatus } from './SaveStatus.tsx';
import { useAutosave } from './useAutosave.ts';

/** Copied nodes outlive one editor: copy in one flow, paste in another. */
let clipboard: Clipboard | undefined;

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Whether a key press belongs to a text field (its own undo, copy, delete) rather than the canvas. */
function typingIn(target: EventTarget | null): boolean {
  const el = target instanceof HTMLElement ? target : null;
  if (!el) return false;
  return (
    el.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) ||
    el.closest('.monaco-editor, dialog') !== null
  );
}

export interface WorkspaceProps {
  readonly flowId: string;
  readonly role: string;
  readonly readOnly: boolean;
  readonly catalog: Catalog;
  readonly initialFlow: Flow;
  readonly tests: unknown;
  readonly revision: number;
  /** Where the flow came from, in words ("draft revision 3 by ana", "published 1.0.0", "new"). */
  readonly origin: string;
  onReload(): void;
}

/** The editor once loaded: palette, canvas, inspector, problems, toolbar, autosave. */
export function EditorWorkspace(props: WorkspaceProps) {
  const { flowId, readOnly, catalog, role } = props;
  const [history, setHistory] = useState<History<Flow>>(() => createHistory(props.initialFlow));
  // The draft's test cases: loaded with it, added to from a test run, saved with the flow.
  const [tests, setTests] = useState<unknown>(props.tests);
  const historyRef = useRef(history);
  const flow = history.present;
  const canvas = useRef<CanvasHandle>(null);
  const [selection, setSelection] = useState<{ nodes: readonly string[]; edges: readonly string[] }>({
    nodes: [],
    edges: [],
  });
  const [status, setStatus] = useState('');
  const [showHelp, setShowHelp] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [testing, setTesting] = useState(false);
  const [overlay, setOverlay] = useState<CanvasOverlay>();
  const [validation, setValidation] = useState<ValidationState>({ problems: [], flow: undefined, status: 'idle' });
  const pastes = useRef(0);

  /** Records a change as one undoable step (changes with the same key close together merge). */
  const apply = useCallback((next: Flow, key?: string) => {
    const h = push(historyRef.current, next, key !== undefined ? { key } : {});
    if (h === historyRef.current) return;
    historyRef.current = h;
    setHistory(h);
  }, []);
  const current = () => historyRef.current.present;

  // Validation: the server checks the saved draft at publishable level after each save.
  const validationSeq = useRef(0);
  const validate = useCallback(
    (revision: number, validated: Flow) => {
      const seq = ++validationSeq.current;
      setValidation((v) => ({ ...v, status: 'checking' }));
      validateDraft(flowId).then(
        (r) => {
          if (seq === validationSeq.current)
            setValidation({ problems: r.problems, flow: validated, status: 'checked', revision });
        },
        (e: unknown) => {
          if (seq === validationSeq.current)
            setValidation((v) => ({ ...v, status: 'error', error: e instanceof Error ? e.message : String(e) }));
        },
      );
    },
    [flowId],
  );
  useEffect(() => {
    if (props.revision > 0) validate(props.revision, props.initialFlow);
    // Once, for the draft as loaded.
  }, []);

  const save = useAutosave({
    flowId,
    flow,
    initialFlow: props.initialFlow,
    tests,
    revision: props.revision,
    enabled: !readOnly,
    onSaved: validate,
  });

  const problems = useMemo(
    () => (validation.flow ? problemsByNode(validation.problems, validation.flow) : new Map<string, Problem[]>()),
    [validation],
  );
  // The inspector matches problems by nodeId: give every problem that points at a node one.
  const problemsWithIds = useMemo<Problem[]>(
    () =>
      validation.flow
        ? validation.problems.map((p) => {
            const t = problemTarget(p, validation.flow!);
            return t.nodeId !== undefined && p.nodeId === undefined ? { ...p, nodeId: t.nodeId } : p;
          })
        : [],
    [validation],
  );

  const onSelectionChange = useCallback((nodes: readonly string[], edges: readonly string[]) => {
    setSelection({ nodes, edges });
  }, []);

  const addAt = useCallback(
    (type: CatalogNodeType, at: Point) => {
      const { flow: next, id } = addNode(current(), type, at);
      canvas.current?.selectAfterChange([id]);
      apply(next);
      setStatus(`Added ${id} (${type.type}).`);
    },
    [apply],
  );
  const addAtCentre = useCallback(
    (type: CatalogNodeType) => {
      if (readOnly) return;
      let at = canvas.current?.viewportCentre() ?? { x: 0, y: 0 };
      const taken = Object.values(current().layout ?? {});
      // Each new node a step aside from the last, so Enter, Enter gives two visible nodes.
      while (taken.some((p) => Math.abs(p.x - at.x) < 20 && Math.abs(p.y - at.y) < 20))
        at = { x: at.x + 30, y: at.y + 30 };
      addAt(type, at);
    },
    [addAt, readOnly],
  );

  const onMove = useCallback(
    (moves: ReadonlyMap<string, Point>, by: 'drag' | 'keys') => {
      if (readOnly) return;
      // A drag is one step; a run of arrow-key presses on the same nodes is one step too.
      const next = moveNodes(current(), moves);
      if (by === 'drag') apply(next);
      else apply(next, `move:${[...moves.keys()].join(',')}`);
    },
    [apply, readOnly],
  );
  const onConnect = useCallback(
    (from: PortRef, to: PortRef) => {
      apply(connect(current(), from, to));
      setStatus(`Connected ${from.node} ${from.port} → ${to.node} ${to.port}.`);
    },
    [apply],
  );
  const layOut = useCallback(() => {
    apply(autoLayout(current()));
    setStatus('Laid out in layers from the triggers (Ctrl+Z puts the nodes back).');
    // Once the canvas has the new places.
    setTimeout(() => canvas.current?.fitView(), 50);
  }, [apply]);
  const onRemoveEdge = useCallback(
    (edgeId: string) => {
      apply(removeElements(current(), [], [edgeId]));
      setStatus(`Removed wire ${edgeId}.`);
    },
    [apply],
  );
  const onRefused = useCallback((reason: string) => setStatus(`Not connected: ${reason}.`), []);

  const finder = useRef<FindNodeHandle>(null);
  const run = useCallback(
    (command: Command) => {
      if (readOnly && EDITING.has(command)) return;
      const f = current();
      switch (command) {
        case 'undo':
        case 'redo': {
          const h = command === 'undo' ? undo(historyRef.current) : redo(historyRef.current);
          if (h === historyRef.current) return setStatus(`Nothing to ${command}.`);
          historyRef.current = h;
          setHistory(h);
          return setStatus(command === 'undo' ? 'Undone.' : 'Redone.');
        }
        case 'copy':
        case 'cut': {
          const clip = copyNodes(f, selection.nodes);
          if (!clip) return setStatus('Select nodes to copy.');
          clipboard = clip;
          pastes.current = 0;
          if (command === 'cut') apply(removeElements(f, selection.nodes));
          return setStatus(`${command === 'cut' ? 'Cut' : 'Copied'} ${plural(clip.nodes.length, 'node')}.`);
        }
        case 'paste':
        case 'duplicate': {
          const clip = command === 'paste' ? clipboard : copyNodes(f, selection.nodes);
          if (!clip) return setStatus(command === 'paste' ? 'Nothing copied yet.' : 'Select nodes to duplicate.');
          const n = command === 'paste' ? ++pastes.current : 1;
          const { flow: next, ids } = pasteNodes(f, clip, { x: PASTE_OFFSET.x * n, y: PASTE_OFFSET.y * n });
          canvas.current?.selectAfterChange(ids);
          apply(next);
          return setStatus(
            `${command === 'paste' ? 'Pasted' : 'Duplicated'} ${plural(ids.length, 'node')}: ${ids.join(', ')}.`,
          );
        }
        case 'delete': {
          if (selection.nodes.length === 0 && selection.edges.length === 0) return;
          apply(removeElements(f, selection.nodes, selection.edges));
          return setStatus(
            `Deleted ${[
              selection.nodes.length ? plural(selection.nodes.length, 'node') : '',
              selection.edges.length ? plural(selection.edges.length, 'edge') : '',
            ]
              .filter(Boolean)
              .join(' and ')}.`,
          );
        }
        case 'select-all':
          return canvas.current?.selectAll();
        case 'deselect':
          return canvas.current?.select([]);
        case 'help':
          return setShowHelp(true);
        case 'fit-view':
          return canvas.current?.fitView();
        case 'find':
          return finder.current?.focus();
      }
    },
    [apply, readOnly, selection],
  );

  // Shortcuts anywhere in the editor (or with nothing focused), but not while typing in a field.
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || typingIn(e.target)) return;
      const inEditor = section.current?.contains(e.target as Node) ?? false;
      if (!inEditor && e.target !== document.body) return;
      const command = commandOf(e);
      if (!command) return;
      const onCanvas = e.target === document.body || (e.target as HTMLElement).closest('.editor-canvas') !== null;
      // Keys that mean something else on a button or link act on the canvas only.
      if (
        ['delete', 'select-all', 'copy', 'cut', 'paste', 'duplicate', 'fit-view', 'deselect'].includes(command) &&
        !onCanvas
      )
        return;
      e.preventDefault();
      run(command);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [run]);

  const selectedNode: FlowNode | undefined =
    selection.nodes.length === 1 ? flow.nodes.find((n) => n.id === selection.nodes[0]) : undefined;

  const onInspectorChange = useCallback(
    (next: FlowNode) => {
      const id = selection.nodes[0];
      // A late call for a node renamed already (the Id field's blur, as the field goes away).
      if (id === undefined || readOnly || !current().nodes.some((n) => n.id === id)) return;
      if (next.id !== id) {
        // A renamed node stays selected and in the inspector, without waiting for the canvas to
        // report the selection back (in between, the side panel had no node and flipped to the
        // flow settings).
        canvas.current?.selectAfterChange([next.id]);
        setSelection({ nodes: [next.id], edges: [] });
      }
      apply(replaceNode(current(), id, next), `inspect:${id}`);
    },
    [apply, readOnly, selection],
  );

  const onPick = useCallback((t: ProblemTarget) => {
    if (t.nodeId !== undefined && current().nodes.some((n) => n.id === t.nodeId)) {
      canvas.current?.select([t.nodeId]);
      canvas.current?.centreOn(t.nodeId);
      setStatus(`Selected ${t.nodeId}.`);
    } else if (t.edgeId !== undefined) {
      canvas.current?.select([], [t.edgeId]);
    } else setStatus('That node is not in the flow any more.');
  }, []);

  const stale = validation.status === 'checked' && validation.flow !== flow;
  const shownValidation = stale ? { ...validation, status: 'stale' as const } : validation;

  return (
    <section ref={section} className="flow-editor" aria-labelledby="page-title">
      <div className="editor-head">
        <h2 id="page-title">
          {flow.name} {flow.name !== flow.id && <small>{flow.id}</small>} {readOnly && <small>(read-only)</small>}
        </h2>
        <SaveStatus save={save} readOnly={readOnly} origin={props.origin} />
      </div>
      {save.status === 'conflict' && (
        <div role="alert" className="banner">
          Your changes are not saved: {save.error}. Someone else saved this draft while you edited it.{' '}
          <button type="button" onClick={props.onReload}>
            Reload
          </button>
        </div>
      )}
      <div role="toolbar" aria-label="Editor tools" className="editor-toolbar">
        {!readOnly && (
          <>
            <button
              type="button"
              onClick={() => run('undo')}
              disabled={!canUndo(history)}
              aria-keyshortcuts="Control+Z"
            >
              Undo
            </button>
            <button
              type="button"
              onClick={() => run('redo')}
              disabled={!canRedo(history)}
              aria-keyshortcuts="Control+Shift+Z Control+Y"
            >
              Redo
            </button>
            <button type="button" onClick={() => run('duplicate')} disabled={selection.nodes.length === 0}>
              Duplicate
            </button>
            <button
              type="button"
              onClick={() => run('delete')}
              disabled={selection.nodes.length === 0 && selection.edges.length === 0}
            >
              Delete
            </button>
            <button type="button" onClick={layOut} disabled={flow.nodes.length === 0}>
              Auto-layout
            </button>
          </>
        )}
        <button type="button" onClick={() => canvas.current?.fitView()}>
          Fit view
        </button>
        <FindNode
          ref={finder}
          nodes={flow.nodes}
          onFound={(nodeId) => onPick({ nodeId })}
          onMissing={(q) => setStatus(`No node's id or name contains "${q.trim()}".`)}
        />
        <button type="button" onClick={() => setShowHelp(true)} aria-keyshortcuts="?">
          Shortcuts
        </button>
        <a {...linkProps({ page: 'flow-history', flow: flowId })}>History</a>
        {(role === 'analyst' || role === 'admin') && (
          <button
            type="button"
            aria-pressed={testing}
            onClick={() => {
              if (testing) return setTesting(false);
              // A test run runs the saved draft: save first.
              void save.flush().then((ok) => {
                if (ok) setTesting(true);
                else setStatus('Save the draft first: the test run runs the saved draft.');
              });
            }}
          >
            Test run
          </button>
        )}
        {role === 'admin' && (
          <button
            type="button"
            onClick={() => {
              // Publishing publishes the saved draft: save first.
              void save.flush().then((ok) => {
                if (ok) setPublishing(true);
                else setStatus('Save the draft first: publishing publishes the saved draft.');
              });
            }}
          >
            Publish…
          </button>
        )}
      </div>
      <div className={readOnly ? 'editor-grid read-only' : 'editor-grid'}>
        {!readOnly && <Palette catalog={catalog} onAdd={addAtCentre} />}
        <EditorCanvas
          ref={canvas}
          flow={flow}
          catalog={catalog}
          problems={problems}
          overlay={overlay}
          readOnly={readOnly}
          onMove={onMove}
          onConnect={onConnect}
          onRefused={onRefused}
          onDropType={addAt}
          onSelectionChange={onSelectionChange}
        />
        <div className="editor-side">
          {selectedNode ? (
            <>
              <Inspector
                key={selectedNode.id}
                flow={flow}
                nodeId={selectedNode.id}
                catalog={catalog}
                problems={problemsWithIds}
                readOnly={readOnly}
                onChange={onInspectorChange}
              />
              <NodeWires
                key={`wires:${selectedNode.id}`}
                flow={flow}
                catalog={catalog}
                node={selectedNode}
                readOnly={readOnly}
                onConnect={onConnect}
                onRemove={onRemoveEdge}
              />
            </>
          ) : selection.nodes.length > 1 ? (
            <p className="hint">{plural(selection.nodes.length, 'node')} selected.</p>
          ) : (
            <FlowSettings
              flow={flow}
              catalog={catalog}
              problems={problemsWithIds}
              readOnly={readOnly}
              onChange={apply}
            />
          )}
          <ProblemsPanel validation={shownValidation} onPick={onPick} />
          {testing && (
            <TestRunPanel
              flowId={flowId}
              flow={flow}
              tests={tests}
              {...(readOnly ? {} : { onTestsChange: setTests })}
              selectedNode={selectedNode?.id}
              onOverlay={setOverlay}
            />
          )}
        </div>
      </div>
      <p role="status" className="editor-status">
        {status}
      </p>
      {showHelp && <ShortcutsHelp onClose={() => setShowHelp(false)} />}
      {publishing && (
        <PublishDialog
          flowId={flowId}
          flow={flow}
          onClose={() => setPublishing(false)}
          onPublished={(version) => {
            setPublishing(false);
            setStatus(`Published ${flowId} ${version}.`);
            apply({ ...current(), version });
          }}
        />
      )}
    </section>
  );
}
