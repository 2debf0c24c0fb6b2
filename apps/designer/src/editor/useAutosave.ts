// Draft autosave: a PUT of the draft (the flow and its test cases) ~800 ms after the last change,
// guarded by the revision it started from. A 409 (someone else saved) stops saving and says so:
// never a silent overwrite.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Flow } from '@millrace/flow-model';
import { ApiError } from '../api.ts';
import { saveDraft, saveDraftOnExit } from './api-editor.ts';

export const AUTOSAVE_MS = 800;

export type SaveStatus = 'loaded' | 'saved' | 'unsaved' | 'saving' | 'conflict' | 'error' | 'new';

export interface SaveState {
  readonly status: SaveStatus;
  /** The draft's revision on the server (0: there is no draft yet). */
  readonly revision: number;
  readonly error?: string;
}

export interface AutosaveOptions {
  readonly flowId: string;
  readonly flow: Flow;
  /** The flow as loaded: no save until the flow differs from it. */
  readonly initialFlow: Flow;
  readonly tests: unknown;
  readonly revision: number;
  readonly enabled: boolean;
  /** After each save: the revision and the flow it saved (validation follows). */
  onSaved(revision: number, flow: Flow): void;
}

export function useAutosave(o: AutosaveOptions): SaveState & { saveNow(): void; flush(): Promise<boolean> } {
  const [state, setState] = useState<SaveState>({
    status: o.revision === 0 ? 'new' : 'loaded',
    revision: o.revision,
  });
  const flowRef = useRef(o.flow);
  flowRef.current = o.flow;
  const saved = useRef(o.initialFlow);
  const savedTests = useRef(o.tests);
  const revision = useRef(o.revision);
  const inFlight = useRef<Promise<void> | undefined>(undefined);
  const stopped = useRef(false);
  const failed = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const opts = useRef(o);
  opts.current = o;

  /** Saves what is not saved yet (with `force`, also a draft that does not exist yet). */
  const save = useCallback(async (force = false): Promise<void> => {
    clearTimeout(timer.current);
    if (inFlight.current || stopped.current || !opts.current.enabled) return;
    const flow = flowRef.current;
    const tests = opts.current.tests;
    if (flow === saved.current && tests === savedTests.current && !(force && revision.current === 0)) return;
    let done = () => undefined as void;
    inFlight.current = new Promise<void>((resolve) => (done = resolve));
    setState((s) => ({ ...s, status: 'saving' }));
    try {
      const r = await saveDraft(opts.current.flowId, { flow, tests, revision: revision.current });
      revision.current = r.revision;
      saved.current = flow;
      savedTests.current = tests;
      const more = flowRef.current !== flow || opts.current.tests !== tests;
      failed.current = false;
      setState({ status: more ? 'unsaved' : 'saved', revision: r.revision });
      opts.current.onSaved(r.revision, flow);
      if (more) timer.current = setTimeout(() => void save(), AUTOSAVE_MS);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        stopped.current = true;
        setState((s) => ({ ...s, status: 'conflict', error: e.message }));
      } else {
        failed.current = true;
        setState((s) => ({ ...s, status: 'error', error: e instanceof Error ? e.message : String(e) }));
      }
    } finally {
      inFlight.current = undefined;
      done();
    }
  }, []);

  /** Waits for a save under way, then saves the rest: before a test run or a publish. */
  const flush = useCallback(async (): Promise<boolean> => {
    if (inFlight.current) await inFlight.current;
    await save(true);
    return (
      !stopped.current &&
      flowRef.current === saved.current &&
      opts.current.tests === savedTests.current &&
      revision.current > 0
    );
  }, [save]);

  useEffect(() => {
    if (!o.enabled || stopped.current || (o.flow === saved.current && o.tests === savedTests.current)) return;
    setState((s) => (s.status === 'unsaved' ? s : { ...s, status: 'unsaved' }));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), AUTOSAVE_MS);
  }, [o.flow, o.tests, o.enabled, save]);

  // Leaving the page or the editor: one last save of what the debounce has not saved yet.
  useEffect(() => {
    const flush = () => {
      const c = opts.current;
      const unchanged = flowRef.current === saved.current && c.tests === savedTests.current;
      if (!c.enabled || stopped.current || inFlight.current || unchanged) return;
      clearTimeout(timer.current);
      saveDraftOnExit(c.flowId, { flow: flowRef.current, tests: c.tests, revision: revision.current });
      saved.current = flowRef.current;
      savedTests.current = c.tests;
    };
    // Changes that cannot be saved (the draft changed elsewhere, the server refused): ask first.
    const warn = (e: BeforeUnloadEvent) => {
      const changed = flowRef.current !== saved.current || opts.current.tests !== savedTests.current;
      if (opts.current.enabled && (stopped.current || failed.current) && changed) e.preventDefault();
    };
    window.addEventListener('pagehide', flush);
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('pagehide', flush);
      window.removeEventListener('beforeunload', warn);
      flush();
    };
  }, []);

  return { ...state, saveNow: () => void save(), flush };
}
