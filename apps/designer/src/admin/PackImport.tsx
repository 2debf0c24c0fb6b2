// The admin's pack import: choose or drop a pack folder, a dry run shows what would change, then
// an import (confirmed) installs it; a refusal shows the server's detail and problems.
import { useState, type DragEvent } from 'react';
import { adminApi, ProblemError } from './api-admin.ts';
import {
  changesAnything,
  diffLines,
  diffSummary,
  missingSecretsOf,
  packFilesOf,
  packFilesProblem,
  type DiffLine,
  type ImportAnswer,
} from './packs.ts';
import { Refusal } from './Problems.tsx';
import { listDroppedFiles, listInputFiles } from './read-files.ts';

function Diff({ title, lines }: { title: string; lines: readonly DiffLine[] }) {
  if (lines.length === 0) return null;
  return (
    <>
      <h5>{title}</h5>
      <ul className="diff" aria-label={title}>
        {lines.map((l) => (
          <li key={l.text} className={l.kind}>
            {l.text}
          </li>
        ))}
      </ul>
    </>
  );
}

export function PackImport({ onImported }: { onImported: () => void }) {
  const [files, setFiles] = useState<Record<string, string>>();
  const [dry, setDry] = useState<ImportAnswer>();
  const [done, setDone] = useState<ImportAnswer>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [over, setOver] = useState(false);

  const choose = (f: Record<string, string>) => {
    setFiles(f);
    setDry(undefined);
    setDone(undefined);
    setError(undefined);
    setConfirming(false);
  };
  const problem = files && packFilesProblem(files);

  const run = async (dryRun: boolean) => {
    if (!files || problem) return;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await adminApi.importPack(files, dryRun);
      if (dryRun) setDry(answer);
      else {
        setDone(answer);
        setDry(undefined);
        onImported();
      }
    } catch (e) {
      setError(e);
      if (dryRun) setDry(undefined);
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  const drop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    try {
      choose(packFilesOf(await listDroppedFiles(e.dataTransfer)));
    } catch (err) {
      setError(err);
    }
  };

  const missing =
    error instanceof ProblemError && error.code === 'SECRETS_MISSING' ? missingSecretsOf(error.message) : [];
  const shown = dry ?? done;
  const lines = shown && diffLines(shown);
  return (
    <div className="panel">
      <h3>Import a pack</h3>
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => void drop(e)}
      >
        <label>
          Pack folder{' '}
          <input
            type="file"
            multiple
            // React knows no webkitdirectory prop: set as an attribute, it lets a folder be chosen.
            ref={(el) => el?.setAttribute('webkitdirectory', '')}
            onChange={(e) => {
              const list = e.target.files;
              if (list) void listInputFiles(list).then((l) => choose(packFilesOf(l)), setError);
            }}
          />
        </label>
        <p className="muted">Choose the pack's folder (the one holding pack.json), or drop it here.</p>
      </div>
      {files && (
        <details>
          <summary>
            {Object.keys(files).length} file(s) chosen{files['pack.json'] ? '' : ' — no pack.json'}
          </summary>
          <ul>
            {Object.keys(files)
              .sort()
              .map((p) => (
                <li key={p}>
                  <code>{p}</code>
                </li>
              ))}
          </ul>
        </details>
      )}
      {problem && <p role="alert">{problem}</p>}
      <div className="toolbar">
        <button type="button" disabled={!files || !!problem || busy} onClick={() => void run(true)}>
          Dry run
        </button>
        {dry && !confirming && (
          <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
            Import
          </button>
        )}
      </div>
      {dry && confirming && (
        <div role="group" aria-label="Confirm the import" className="panel">
          <p>
            Import {dry.pack.name} {dry.pack.version}? {changesAnything(dry) ? diffSummary(dry) : 'It changes nothing.'}
          </p>
          <button type="button" disabled={busy} onClick={() => void run(false)}>
            Yes, import {dry.pack.name} {dry.pack.version}
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {shown && lines && (
        <section aria-label={shown.dryRun ? 'Dry run' : 'Imported'}>
          <div role="status">
            <h4>
              {shown.dryRun
                ? `Dry run of ${shown.pack.name} ${shown.pack.version}: nothing was changed yet`
                : `Imported ${shown.pack.name} ${shown.pack.version}`}
            </h4>
          </div>
          <p>{diffSummary(shown)}</p>
          <Diff title="Flows" lines={lines.flows} />
          <Diff title="Plant profiles" lines={lines.plants} />
        </section>
      )}
      {error !== undefined && (
        <>
          <Refusal error={error} label="Import refused" />
          {missing.length > 0 && <p>Set {missing.join(', ')} on the Plants page (Set a secret), then try again.</p>}
        </>
      )}
    </div>
  );
}
