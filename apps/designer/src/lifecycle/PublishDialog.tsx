import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { diffFlows, type Flow, type FlowDiff } from '@millrace/flow-model';
import { call, type FlowVersionInfo } from '../api.ts';
import { lifecycleApi, type Draft } from './api-lifecycle.ts';
import { DiffList } from './DiffList.tsx';
import { useModal } from './modal.ts';
import { RefusalDetails } from './RefusalDetails.tsx';
import { bump, newest, suggestVersion, versionProblem, type Bump } from './versions.ts';
import './lifecycle.css';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface Problem {
  readonly pointer: string;
  readonly message: string;
  readonly nodeId?: string;
}

const SAVE_CHECKS = 4;
const SAVE_CHECK_MS = 500;

/** Whether the editor's flow differs from the saved draft (what publish would publish). */
export function unsavedChanges(editor: Flow, saved: unknown): boolean {
  const s = saved as Partial<Flow> | null;
  if (!s || !Array.isArray(s.nodes) || !Array.isArray(s.edges)) return true;
  try {
    return !diffFlows(s as Flow, editor).empty;
  } catch {
    return true;
  }
}

/**
 * Publishes the saved draft as an immutable version (admin): the next version suggested, a
 * change note, the semantic diff against the newest published version, and the server's refusal
 * in detail (validation problems, failing test cases).
 */
export function PublishDialog({
  flowId,
  flow,
  onClose,
  onPublished,
}: {
  flowId: string;
  flow: Flow;
  onClose(): void;
  onPublished(version: string): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const first = useRef<HTMLInputElement>(null);
  const modal = useModal(ref, onClose, first);
  const id = useId();
  const [versions, setVersions] = useState<FlowVersionInfo[]>();
  const [draft, setDraft] = useState<Draft | null>();
  const [diff, setDiff] = useState<FlowDiff>();
  const [diffError, setDiffError] = useState<string>();
  const [problems, setProblems] = useState<Problem[]>();
  const [loadError, setLoadError] = useState<string>();
  const [version, setVersion] = useState<string>();
  const [note, setNote] = useState('');
  const [noteTried, setNoteTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<unknown>();

  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The editor saves as the dialog opens: while the saved draft lags behind the editor's flow,
    // look again a few times before settling on it (and saying what is not saved).
    const settled = async (attempt = 0): Promise<Draft | undefined> => {
      const d = await lifecycleApi.draft(flowId);
      if (!d || attempt >= SAVE_CHECKS || !unsavedChanges(flow, d.flow)) return d;
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SAVE_CHECK_MS);
      });
      return current ? settled(attempt + 1) : d;
    };
    Promise.all([lifecycleApi.versions(flowId), settled()]).then(
      ([vs, d]) => {
        if (!current) return;
        setVersions(vs);
        setDraft(d ?? null);
        const published = vs.map((v) => v.version);
        setVersion((v) => v ?? suggestVersion(published, d?.flow.version ?? flow.version));
        const latest = newest(published);
        if (d && latest)
          lifecycleApi.diff(flowId, latest, 'draft').then(
            (x) => current && setDiff(x),
            (e: unknown) => current && setDiffError(message(e)),
          );
        if (d)
          call<{ valid: boolean; problems: Problem[] }>(
            'POST',
            `/api/flows/${encodeURIComponent(flowId)}/validate`,
          ).then(
            (v) => current && setProblems(v.problems),
            () => undefined, // the publish answer says it all anyway
          );
      },
      (e: unknown) => current && setLoadError(message(e)),
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // The dialog shows the draft as saved when it opened.
  }, [flowId]);

  const published = (versions ?? []).map((v) => v.version);
  const latest = newest(published);
  const vProblem = version === undefined ? undefined : versionProblem(version, published);
  const noteProblem = note.trim().length < 3 ? 'a change note of at least 3 characters is needed' : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNoteTried(true);
    if (!version || vProblem || noteProblem || !draft) return;
    setBusy(true);
    setRefusal(undefined);
    try {
      const done = await lifecycleApi.publish(flowId, version, note.trim());
      onPublished(done.version);
    } catch (err) {
      setRefusal(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={ref}
      className="lifecycle-dialog"
      aria-modal="true"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-what`}
      onCancel={modal.onCancel}
      onKeyDown={modal.onKeyDown}
    >
      <h2 id={`${id}-title`}>Publish {flowId}</h2>
      {loadError && <p role="alert">{loadError}</p>}
      <p id={`${id}-what`}>
        {draft === undefined
          ? 'Loading the draft…'
          : draft === null
            ? `${flowId} has no saved draft: there is nothing to publish.`
            : `Publishes the saved draft, revision ${draft.revision} (saved ${new Date(draft.updatedAt).toLocaleString()} by ${draft.updatedBy}), as an immutable version.`}
      </p>
      {draft && unsavedChanges(flow, draft.flow) && (
        <p className="warning" data-testid="unsaved-warning">
          The editor shows changes that are not saved yet: they are not part of this version.
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <fieldset>
          <legend>Version</legend>
          <label>
            Version{' '}
            <input
              ref={first}
              value={version ?? ''}
              onChange={(e) => setVersion(e.target.value.trim())}
              aria-invalid={vProblem !== undefined}
              aria-describedby={`${id}-vhint`}
              size={10}
            />
          </label>{' '}
          {latest &&
            (['patch', 'minor', 'major'] as Bump[]).map((k) => (
              <button
                key={k}
                type="button"
                aria-pressed={version === bump(latest, k)}
                onClick={() => setVersion(bump(latest, k))}
              >
                {k} → {bump(latest, k)}
              </button>
            ))}{' '}
          <small id={`${id}-vhint`} className={vProblem ? 'error' : undefined}>
            {vProblem ?? (latest ? `the newest published version is ${latest}` : 'the first published version')}
          </small>
        </fieldset>
        <label className="block">
          Change note
          <textarea
            value={note}
            onChange={(e) => setNote(e.target.value)}
            rows={3}
            required
            aria-invalid={noteTried && noteProblem !== undefined}
            aria-describedby={`${id}-nhint`}
            placeholder="What changed, and why"
          />
        </label>
        {noteTried && noteProblem ? (
          <p role="alert" id={`${id}-nhint`}>
            {noteProblem}
          </p>
        ) : (
          <small id={`${id}-nhint`}>says what changed and why; kept with the version in the audit log</small>
        )}
        <section aria-labelledby={`${id}-diff`} className="publish-diff">
          <h3 id={`${id}-diff`}>{latest ? `Changes since ${latest}` : 'Changes'}</h3>
          {!latest ? (
            draft && (
              <p>
                The first version of {flowId}: {draft.flow.nodes?.length ?? 0} node(s).
              </p>
            )
          ) : diffError ? (
            <p role="alert">The changes cannot be shown: {diffError}</p>
          ) : !diff ? (
            draft && <p>Loading the changes…</p>
          ) : (
            <DiffList diff={diff} label={`Changes since ${latest}`} names={namesOf(draft?.flow)} />
          )}
        </section>
        {problems && problems.length > 0 && (
          <section aria-labelledby={`${id}-problems`} className="publish-problems">
            <h3 id={`${id}-problems`}>The draft does not validate yet</h3>
            <ul>
              {problems.map((p, i) => (
                <li key={i}>
                  {p.nodeId ? <strong>{p.nodeId}: </strong> : null}
                  {p.message} <code>{p.pointer}</code>
                </li>
              ))}
            </ul>
          </section>
        )}
        {refusal !== undefined && <RefusalDetails error={refusal} what="Not published" />}
        <div className="dialog-buttons">
          <button type="submit" disabled={busy || !draft || !version}>
            {busy ? 'Publishing…' : `Publish ${version ?? ''}`}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

const namesOf = (f: Flow | undefined) =>
  new Map((f?.nodes ?? []).filter((n) => n.name).map((n) => [n.id, n.name!] as [string, string]));
