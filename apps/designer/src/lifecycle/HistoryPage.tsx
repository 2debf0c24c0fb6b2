import { useCallback, useEffect, useState } from 'react';
import { api, type FlowVersionInfo } from '../api.ts';
import { linkProps } from '../router.ts';
import { lifecycleApi, type Draft } from './api-lifecycle.ts';
import { DraftTestRun } from './DraftTestRun.tsx';
import { defaultPair, DRAFT } from './history.ts';
import { PublishDialog } from './PublishDialog.tsx';
import { VersionTable } from './VersionTable.tsx';
import { compareVersions } from './versions.ts';
import { VisualDiff } from './VisualDiff.tsx';
import './lifecycle.css';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

const mayTestRun = (role: string) => role === 'analyst' || role === 'admin';

/**
 * A flow's life: its published versions (status, change note, digest; deprecate and retire for
 * admins), any two of them (or the draft) compared on the canvas and in words, publishing the
 * draft (admins) and test-running it (analysts, admins).
 */
export function HistoryPage({ flowId }: { flowId: string }) {
  const [role, setRole] = useState<string>();
  const [versions, setVersions] = useState<FlowVersionInfo[]>();
  const [draft, setDraft] = useState<Draft | null>();
  const [notes, setNotes] = useState<ReadonlyMap<string, string>>();
  const [error, setError] = useState<string>();
  const [pair, setPair] = useState<{ from: string; to: string }>();
  const [publishing, setPublishing] = useState(false);
  const [testing, setTesting] = useState(false);
  const [status, setStatus] = useState('');

  const load = useCallback(
    async (after?: (vs: FlowVersionInfo[], d: Draft | undefined) => void) => {
      try {
        const [me, vs, d] = await Promise.all([api.me(), lifecycleApi.versions(flowId), lifecycleApi.draft(flowId)]);
        const sorted = [...vs].sort((a, b) => compareVersions(b.version, a.version));
        setRole(me?.role ?? 'viewer');
        setVersions(sorted);
        setDraft(d ?? null);
        after?.(sorted, d);
        if (me?.role === 'admin')
          lifecycleApi.changeNotes(flowId).then(setNotes, () => undefined /* the table shows none */);
      } catch (e) {
        setError(message(e));
      }
    },
    [flowId],
  );

  useEffect(() => {
    void load((vs, d) =>
      setPair(
        defaultPair(
          vs.map((v) => v.version),
          d !== undefined,
        ),
      ),
    );
  }, [load]);

  const choices = [...(draft ? [DRAFT] : []), ...(versions ?? []).map((v) => v.version)];
  const admin = role === 'admin';

  return (
    <section aria-labelledby="page-title" className="history-page">
      <div className="toolbar">
        <h2 id="page-title">Version history of {flowId}</h2>
        <a {...linkProps({ page: 'flow-edit', flow: flowId })}>Open the draft in the editor</a>
        {admin && draft && (
          <button type="button" onClick={() => setPublishing(true)}>
            Publish the draft…
          </button>
        )}
      </div>
      {error && <p role="alert">{error}</p>}
      <p role="status" className="status-line">
        {status}
      </p>
      {!versions || draft === undefined ? (
        !error && <p>Loading the versions of {flowId}…</p>
      ) : (
        <>
          {versions.length === 0 ? (
            <p>{flowId} has no published version yet.</p>
          ) : (
            <VersionTable
              flowId={flowId}
              versions={versions}
              {...(notes ? { notes } : {})}
              admin={admin}
              onChanged={(text) => {
                setStatus(text);
                void load();
              }}
            />
          )}
          {pair && (
            <section aria-labelledby="compare-title">
              <h3 id="compare-title">Compare</h3>
              <div className="history-pickers">
                <label htmlFor="compare-from">From</label>
                <select
                  id="compare-from"
                  value={pair.from}
                  onChange={(e) => setPair({ ...pair, from: e.target.value })}
                >
                  {choices.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
                <label htmlFor="compare-to">To</label>
                <select id="compare-to" value={pair.to} onChange={(e) => setPair({ ...pair, to: e.target.value })}>
                  {choices.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </div>
              <VisualDiff flowId={flowId} from={pair.from} to={pair.to} />
            </section>
          )}
          {draft && role && mayTestRun(role) && (
            <section aria-labelledby="test-title">
              <h3 id="test-title">Test run of the draft</h3>
              {testing ? (
                <DraftTestRun flowId={flowId} draft={draft} onSaved={setDraft} />
              ) : (
                <button type="button" onClick={() => setTesting(true)}>
                  Test the draft…
                </button>
              )}
            </section>
          )}
        </>
      )}
      {publishing && draft && (
        <PublishDialog
          flowId={flowId}
          flow={draft.flow}
          onClose={() => setPublishing(false)}
          onPublished={(version) => {
            setPublishing(false);
            setStatus(`Published ${flowId} ${version}.`);
            void load((vs) => {
              const previous = vs.find((v) => compareVersions(v.version, version) < 0)?.version;
              setPair({ from: previous ?? version, to: version });
            });
          }}
        />
      )}
    </section>
  );
}
