import { useId, useState, type FormEvent } from 'react';
import type { FlowVersionInfo } from '../api.ts';
import { linkProps } from '../router.ts';
import { lifecycleApi } from './api-lifecycle.ts';
import { nextStatus, shortDigest } from './history.ts';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The published versions of a flow, newest first: status, when and by whom, the change note (for
 * admins, from the audit log), digest; admins deprecate a published version and retire a
 * deprecated one, each with a reason.
 */
export function VersionTable({
  flowId,
  versions,
  notes,
  admin,
  onChanged,
}: {
  flowId: string;
  versions: readonly FlowVersionInfo[];
  notes?: ReadonlyMap<string, string>;
  admin: boolean;
  onChanged(text: string): void;
}) {
  const id = useId();
  const [target, setTarget] = useState<{ version: string; action: 'deprecate' | 'retire' }>();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!target) return;
    if (reason.trim().length < 3) {
      setError('a reason of at least 3 characters is needed');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const done = await lifecycleApi.setStatus(flowId, target.version, target.action, reason.trim());
      setTarget(undefined);
      setReason('');
      onChanged(`${flowId} ${done.version} is ${done.status}.`);
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <table>
        <caption>Published versions of {flowId}</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Published</th>
            <th scope="col">By</th>
            {notes && <th scope="col">Change note</th>}
            <th scope="col">Digest</th>
            {admin && <th scope="col">Status change</th>}
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => {
            const action = nextStatus(v.status);
            return (
              <tr key={v.version}>
                <td>
                  <a {...linkProps({ page: 'flow-version', flow: flowId, version: v.version })}>{v.version}</a>
                </td>
                <td>{v.status}</td>
                <td>{new Date(v.publishedAt).toLocaleString()}</td>
                <td>{v.publishedBy}</td>
                {notes && <td>{notes.get(v.version) ?? (v.pack ? `imported with ${v.pack}` : '')}</td>}
                <td>
                  <code title={v.digest}>{shortDigest(v.digest)}</code>
                </td>
                {admin && (
                  <td>
                    {action && (
                      <button
                        type="button"
                        onClick={() => {
                          setTarget({ version: v.version, action });
                          setError(undefined);
                        }}
                        aria-label={`${action === 'deprecate' ? 'Deprecate' : 'Retire'} ${v.version}…`}
                      >
                        {action === 'deprecate' ? 'Deprecate…' : 'Retire…'}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {admin && target && (
        <form aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)} className="status-form">
          <h3 id={`${id}-title`}>
            {target.action === 'deprecate' ? 'Deprecate' : 'Retire'} {flowId} {target.version}
          </h3>
          <p>
            {target.action === 'deprecate'
              ? 'A deprecated version still runs where it is deployed, but is not to be deployed anew.'
              : 'A retired version is at the end of its life.'}
          </p>
          <label className="block">
            Reason{' '}
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              size={50}
              aria-invalid={error !== undefined}
            />
          </label>{' '}
          <button type="submit" disabled={busy}>
            {target.action === 'deprecate' ? 'Deprecate' : 'Retire'} {target.version}
          </button>{' '}
          <button type="button" onClick={() => setTarget(undefined)}>
            Cancel
          </button>
          {error && <p role="alert">{error}</p>}
        </form>
      )}
    </>
  );
}
