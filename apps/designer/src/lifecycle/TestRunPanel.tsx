import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Flow } from '@millrace/flow-model';
import type { RunSummary } from '../api.ts';
import type { CanvasOverlay } from '../FlowCanvas.tsx';
import { pretty } from '../run-view.ts';
import { lifecycleApi, type TestRunAnswer } from './api-lifecycle.ts';
import { RefusalDetails } from './RefusalDetails.tsx';
import {
  caseOutcome,
  casesOf,
  caseView,
  keptCase,
  parseEvent,
  plantOfTests,
  recordedEvent,
  sampleCase,
  withCase,
  withoutCase,
  type JsonCase,
} from './test-run.ts';
import './lifecycle.css';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Labelled read-only JSON, as on a run's detail page. */
function JsonBlock({ title, value }: { title: string; value: unknown }) {
  const id = useId();
  return (
    <div className="json-block">
      <h5 id={id}>{title}</h5>
      <pre aria-labelledby={id} tabIndex={0}>
        {pretty(value)}
      </pre>
    </div>
  );
}

type Source = 'all' | 'case' | 'sample';

/**
 * A test run of the saved draft (analyst, admin): all of the draft's test cases, one of them, or
 * a sample event (pasted, or taken from a recent run of the flow) with no expectations. Each case
 * passes or fails; the chosen case's run goes onto the canvas through `onOverlay`, and the
 * selected node's input, output and error are shown. With `onTestsChange` (an editable draft), a
 * sample event's run can be kept as a test case, and a test case removed.
 */
export function TestRunPanel({
  flowId,
  flow,
  tests,
  selectedNode,
  onOverlay,
  onTestsChange,
}: {
  flowId: string;
  flow: Flow;
  tests: unknown;
  selectedNode?: string;
  onOverlay(overlay?: CanvasOverlay): void;
  /** Saves the draft's changed tests; a rejection is shown and the change is not reported as made. */
  onTestsChange?(tests: unknown): void | Promise<void>;
}) {
  const id = useId();
  const cases = useMemo(() => casesOf(tests), [tests]);
  const triggers = useMemo(() => flow.nodes.filter((n) => n.type.startsWith('trigger.')), [flow]);
  const [source, setSource] = useState<Source>(cases.length > 0 ? 'all' : 'sample');
  const [caseName, setCaseName] = useState(cases[0]?.name ?? '');
  const [sample, setSample] = useState('');
  const [mocksFrom, setMocksFrom] = useState('');
  const [trigger, setTrigger] = useState('');
  const [plants, setPlants] = useState<string[]>([]);
  // undefined: not chosen yet (the tests' own profile once the plants are known); '': none.
  const [plant, setPlant] = useState<string>();
  const [live, setLive] = useState(false);
  const [runs, setRuns] = useState<RunSummary[]>();
  const [runsError, setRunsError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  // `sample`: the sample case the answer ran, which can be kept as a test case.
  // `plant`: the plant whose profile the run used ('' for none).
  const [answer, setAnswer] = useState<{ result: TestRunAnswer; seq: number; plant: string; sample?: JsonCase }>();
  const [keepName, setKeepName] = useState('');
  // What the last change to the test cases did, or why it was refused.
  const [casesNote, setCasesNote] = useState<{ ok: boolean; text: string }>();
  const [removing, setRemoving] = useState(false);
  const [chosen, setChosen] = useState(0);
  const [picked, setPicked] = useState<string>();

  useEffect(() => {
    let current = true;
    lifecycleApi.plants().then(
      (ps) => current && setPlants(ps.map((p) => p.code)),
      () => undefined, // without plants, cases run without a profile
    );
    lifecycleApi.recentRuns(flowId).then(
      (r) => current && setRuns(r),
      (e: unknown) => current && setRunsError(message(e)),
    );
    return () => {
      current = false;
    };
  }, [flowId]);

  // The editor's selection wins over a node picked here, each time it changes.
  useEffect(() => setPicked(selectedNode), [selectedNode]);

  const chosenPlant = plant ?? plantOfTests(tests, plants) ?? '';
  const parsed = source === 'sample' ? parseEvent(sample) : undefined;
  const view = useMemo(() => {
    const c = answer?.result.cases[chosen];
    return c && answer ? caseView(c, answer.seq) : undefined;
  }, [answer, chosen]);

  // The owner may pass a new function each render: only a new view is news.
  const overlayTo = useRef(onOverlay);
  overlayTo.current = onOverlay;
  useEffect(() => overlayTo.current(view?.overlay), [view]);

  const caseList = (): readonly JsonCase[] | undefined | 'invalid' => {
    if (source === 'all') return undefined;
    if (source === 'case') {
      const c = cases.find((x) => x.name === caseName);
      return c ? [c] : 'invalid';
    }
    if (!parsed?.ok) return 'invalid';
    const from = cases.find((x) => x.name === mocksFrom);
    return [sampleCase(parsed.value, { ...(from ? { mocksFrom: from } : {}), ...(trigger ? { trigger } : {}) })];
  };

  const run = async () => {
    const list = caseList();
    if (list === 'invalid') return;
    setBusy(true);
    setError(undefined);
    try {
      // The draft's own cases as the editor has them (maybe unsaved), when running them all.
      const sent = list ?? (cases.length > 0 ? cases : undefined);
      const result = await lifecycleApi.testRun(flowId, sent, chosenPlant || undefined, live);
      const failed = result.cases.findIndex((c) => !c.ok);
      setChosen(failed >= 0 ? failed : 0);
      const sample = source === 'sample' && list !== undefined ? list[0] : undefined;
      setAnswer((a) => ({ result, seq: (a?.seq ?? 0) + 1, plant: chosenPlant, ...(sample ? { sample } : {}) }));
      setCasesNote(undefined);
      const c = result.cases[failed >= 0 ? failed : 0];
      const steps = c?.trace?.steps ?? [];
      const stop = steps.find((s) => s.status === 'parked' || (s.error !== null && s.error !== undefined));
      setPicked((p) => p ?? (stop ?? steps.at(-1))?.node);
    } catch (e) {
      setError(e);
      setAnswer(undefined);
    } finally {
      setBusy(false);
    }
  };

  const takeRunEvent = async (runId: string) => {
    if (!runId) return;
    try {
      const trace = await lifecycleApi.run(runId);
      setSample(JSON.stringify(recordedEvent(trace) ?? null, null, 2));
      setSource('sample');
    } catch (e) {
      setRunsError(message(e));
    }
  };

  const keep = () => {
    const c = answer?.sample && answer.result.cases[0];
    if (!answer?.sample || !c || !onTestsChange) return;
    const kept = keptCase(answer.sample, c, flow, keepName);
    const next = typeof kept === 'string' ? kept : withCase(tests, flowId, kept, answer.plant);
    if (typeof next === 'string' || typeof kept === 'string') {
      setCasesNote({ ok: false, text: typeof kept === 'string' ? kept : String(next) });
      return;
    }
    void Promise.resolve(onTestsChange(next)).then(
      () => {
        setKeepName('');
        setCasesNote({
          ok: true,
          text: `Kept “${kept.name}” as a test case: it is saved with the draft and must pass before each publish.`,
        });
      },
      (e: unknown) => setCasesNote({ ok: false, text: `The test case was not saved: ${message(e)}` }),
    );
  };

  const remove = () => {
    if (!onTestsChange) return;
    const name = caseName;
    const next = withoutCase(tests, name);
    const left = casesOf(next);
    setRemoving(false);
    void Promise.resolve(onTestsChange(next)).then(
      () => {
        setCasesNote({ ok: true, text: `Removed the test case “${name}”.` });
        setCaseName(left[0]?.name ?? '');
        if (left.length === 0) setSource('sample');
      },
      (e: unknown) => setCasesNote({ ok: false, text: `The test case was not removed: ${message(e)}` }),
    );
  };

  const result = answer?.result;
  const node = picked;
  const steps = node ? view?.steps.get(node) : undefined;
  const nodeName = flow.nodes.find((n) => n.id === node)?.name ?? node;

  return (
    <section aria-labelledby={`${id}-title`} className="test-run-panel">
      <h3 id={`${id}-title`}>Test run</h3>
      <p className="lc-hint">
        Runs the saved draft on a real engine; connections answer from canned answers (a request none matches is
        answered 501), or, live, from the plant&apos;s own systems on this machine (its simulators).
      </p>
      <div className="block">
        <label htmlFor={`${id}-run`}>Run</label>
        <select id={`${id}-run`} value={source} onChange={(e) => setSource(e.target.value as Source)}>
          {cases.length > 0 && <option value="all">all {cases.length} test cases of the draft</option>}
          {cases.length > 0 && <option value="case">one test case</option>}
          <option value="sample">a sample event</option>
        </select>
      </div>
      {source === 'case' && (
        <div className="block">
          <label htmlFor={`${id}-test-case`}>Test case</label>
          <select
            id={`${id}-test-case`}
            value={caseName}
            onChange={(e) => {
              setCaseName(e.target.value);
              setRemoving(false);
            }}
          >
            {cases.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
          {onTestsChange &&
            (removing ? (
              <span role="group" aria-label="Confirm removal">
                <button type="button" onClick={remove}>
                  Yes, remove “{caseName}”
                </button>{' '}
                <button type="button" onClick={() => setRemoving(false)}>
                  Cancel
                </button>
              </span>
            ) : (
              <button type="button" onClick={() => setRemoving(true)} disabled={!caseName}>
                Remove this test case
              </button>
            ))}
        </div>
      )}
      {source === 'sample' && (
        <>
          <div className="block">
            <label htmlFor={`${id}-event-of-a-recent-run`}>Event of a recent run</label>
            <select
              id={`${id}-event-of-a-recent-run`}
              value=""
              onChange={(e) => void takeRunEvent(e.target.value)}
              disabled={!runs || runs.length === 0}
            >
              <option value="">{runs && runs.length === 0 ? 'no recent run of this flow' : 'pick a run…'}</option>
              {(runs ?? []).map((r) => (
                <option key={r.id} value={r.id}>
                  run {r.id} · {r.version} · {r.status}
                  {r.acceptedAt ? ` · ${new Date(r.acceptedAt).toLocaleString()}` : ''}
                </option>
              ))}
            </select>
          </div>
          {runsError && <p role="alert">{runsError}</p>}
          <label className="block">
            Sample event (JSON)
            <textarea
              value={sample}
              onChange={(e) => setSample(e.target.value)}
              rows={8}
              spellCheck={false}
              aria-invalid={sample !== '' && parsed?.ok === false}
              aria-describedby={`${id}-parse`}
              placeholder='{ "topic": "…", "payload": { … } }'
            />
          </label>
          {sample !== '' && parsed && !parsed.ok ? (
            <p role="alert" id={`${id}-parse`}>
              {parsed.error}
            </p>
          ) : (
            <small id={`${id}-parse`}>the event as the trigger hands it on (an MQTT trigger: topic and payload)</small>
          )}
          {cases.length > 0 && (
            <div className="block">
              <label htmlFor={`${id}-canned-answers`}>Canned answers</label>
              <select id={`${id}-canned-answers`} value={mocksFrom} onChange={(e) => setMocksFrom(e.target.value)}>
                <option value="">none</option>
                {cases.map((c) => (
                  <option key={c.name} value={c.name}>
                    those of “{c.name}”
                  </option>
                ))}
              </select>
            </div>
          )}
          {triggers.length > 1 && (
            <div className="block">
              <label htmlFor={`${id}-trigger`}>Trigger</label>
              <select id={`${id}-trigger`} value={trigger} onChange={(e) => setTrigger(e.target.value)}>
                <option value="">the first trigger</option>
                {triggers.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name ?? t.id}
                  </option>
                ))}
              </select>
            </div>
          )}
        </>
      )}
      <div className="block">
        <label htmlFor={`${id}-plant`}>Plant profile</label>
        <select id={`${id}-plant`} value={chosenPlant} onChange={(e) => setPlant(e.target.value)}>
          <option value="">none (test values)</option>
          {plants.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </div>
      {chosenPlant && (
        <div className="block">
          <label>
            <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Against {chosenPlant}
            &apos;s own systems (live: its simulators on this machine, not canned answers)
          </label>
        </div>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={() => void run()} disabled={busy || caseList() === 'invalid'}>
          {busy ? 'Running…' : 'Run test'}
        </button>
        {result && (
          <button
            type="button"
            onClick={() => {
              setAnswer(undefined);
              setPicked(undefined);
            }}
          >
            Clear
          </button>
        )}
      </div>
      <p role="status" className="status-line">
        {busy
          ? 'Running the draft…'
          : result
            ? `${result.cases.filter((c) => c.ok).length} of ${result.cases.length} case(s) passed`
            : ''}
      </p>
      {error !== undefined && <RefusalDetails error={error} what="The test run was refused" />}
      {answer?.sample && onTestsChange && (
        <form
          className="block keep-case"
          aria-label="Keep as a test case"
          onSubmit={(e) => {
            e.preventDefault();
            keep();
          }}
        >
          <label htmlFor={`${id}-keep-name`}>Name of the new test case</label>
          <input
            id={`${id}-keep-name`}
            value={keepName}
            onChange={(e) => setKeepName(e.target.value)}
            placeholder="what the case shows, e.g. a completed batch is inspected"
          />
          <button type="submit">Keep as a test case</button>
          <small>
            expects what this run did: how it ended, the nodes it ran and did not, where it parked;
            {answer.result.cases[0]?.recorded
              ? ' its canned answers are what the plant’s systems answered in this live run'
              : ' its canned answers are those this run used'}
          </small>
        </form>
      )}
      {casesNote && (
        <p role={casesNote.ok ? 'status' : 'alert'} className="status-line">
          {casesNote.text}
        </p>
      )}
      {result && (
        <ul className="cases" aria-label="Test run cases">
          {result.cases.map((c, i) => (
            <li key={`${i}:${c.name}`}>
              <button
                type="button"
                aria-pressed={i === chosen}
                className={c.ok ? 'case-ok' : 'case-failed'}
                onClick={() => setChosen(i)}
              >
                {c.ok ? '✓' : '✗'} {c.name}
              </button>{' '}
              <small>{caseOutcome(c)}</small>
            </li>
          ))}
        </ul>
      )}
      {result?.cases[chosen] && !result.cases[chosen].ok && result.cases[chosen].failures.length > 1 && (
        <ul aria-label="Failures">
          {result.cases[chosen].failures.map((f, i) => (
            <li key={i}>{f}</li>
          ))}
        </ul>
      )}
      {view && view.steps.size > 0 && (
        <div className="block">
          <label htmlFor={`${id}-node`}>Node</label>
          <select id={`${id}-node`} value={node ?? ''} onChange={(e) => setPicked(e.target.value || undefined)}>
            <option value="">pick a node…</option>
            {[...view.steps.keys()].map((n) => (
              <option key={n} value={n}>
                {flow.nodes.find((x) => x.id === n)?.name ?? n}
              </option>
            ))}
          </select>
        </div>
      )}
      {view && node && (
        <section aria-label={`Test run data of ${nodeName}`} className="step-data">
          <h4>
            {nodeName} <small>{node}</small>
          </h4>
          {!steps || steps.length === 0 ? (
            <p>{nodeName} did not run in this case.</p>
          ) : (
            steps.map((s, i) => (
              <div key={s.key}>
                {steps.length > 1 && (
                  <p>
                    Step {i + 1} of {steps.length} ({s.status})
                  </p>
                )}
                <JsonBlock title={`Input of ${node}`} value={s.input} />
                <JsonBlock title={`Output of ${node}`} value={s.output} />
                <JsonBlock title={`Error of ${node}`} value={s.error} />
              </div>
            ))
          )}
        </section>
      )}
    </section>
  );
}
