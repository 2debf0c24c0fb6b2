import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, mayResolveDeadLetters, type DeadLetterDetail, type DeadLetterSummary } from './api.ts';
import { linkProps } from './router.ts';
import { pretty } from './run-view.ts';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** How long ago, coarsely: "42 s", "5 min", "3 h", "2 d". */
export function age(createdAt: string | null, now = Date.now()): string {
  if (!createdAt) return '';
  const s = Math.max(0, Math.round((now - Date.parse(createdAt)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

export const MIN_REASON = 3;

function Detail({ id }: { id: string }) {
  const [letter, setLetter] = useState<DeadLetterDetail>();
  const [error, setError] = useState<string>();
  const payloadId = useId();
  const attemptsId = useId();
  useEffect(() => {
    let current = true;
    setLetter(undefined);
    setError(undefined);
    api.deadLetter(id).then(
      (d) => current && setLetter(d),
      (e: unknown) => current && setError(message(e)),
    );
    return () => {
      current = false;
    };
  }, [id]);
  if (error) return <p role="alert">{error}</p>;
  if (!letter) return <p>Loading dead letter {id}…</p>;
  return (
    <section aria-label={`Dead letter ${id}`} className="dead-letter-detail">
      <h3>
        Dead letter {letter.id} <small>{letter.status}</small>
      </h3>
      <p>
        {letter.code}: {letter.reason} — <a {...linkProps({ page: 'run', run: letter.runId })}>run {letter.runId}</a>,{' '}
        {letter.flow} {letter.version}, node {letter.node}
      </p>
      <h4 id={payloadId}>Payload</h4>
      <pre aria-labelledby={payloadId} tabIndex={0}>
        {pretty(letter.payload)}
      </pre>
      <h4 id={attemptsId}>Attempts</h4>
      {letter.attempts.length === 0 ? (
        // A dead-letter node parks without a failed attempt: say so rather than show "[]".
        <p aria-labelledby={attemptsId}>None failed: the flow parked the run at {letter.node} on purpose.</p>
      ) : (
        <pre aria-labelledby={attemptsId} tabIndex={0}>
          {pretty(
            letter.attempts.map((a) => ({
              attempt: a.attempt,
              startedAt: new Date(a.startedAt).toISOString(),
              durationMs: a.endedAt - a.startedAt,
              error: a.error,
            })),
          )}
        </pre>
      )}
    </section>
  );
}

/** The open dead letters: inspect one, replay or discard one or many with a reason (analysts and admins). */
export function DeadLettersPage({ role }: { role: string }) {
  const [letters, setLetters] = useState<DeadLetterSummary[]>();
  const [error, setError] = useState<string>();
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [shown, setShown] = useState<string>();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string[]>([]);
  /** Discarding is final (a discarded dead letter cannot be replayed), so it asks once more. */
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const may = mayResolveDeadLetters(role);

  const load = () => {
    setError(undefined);
    return api.openDeadLetters().then(
      (list) => {
        setLetters(list);
        const open = new Set(list.map((d) => d.id));
        setChecked((c) => new Set([...c].filter((id) => open.has(id))));
        setShown((s) => (s !== undefined && open.has(s) ? s : undefined));
      },
      (e: unknown) => setError(message(e)),
    );
  };
  useEffect(() => {
    void load();
  }, []);

  const toggle = (id: string, on: boolean) =>
    setChecked((c) => {
      const next = new Set(c);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const allChecked = letters !== undefined && letters.length > 0 && letters.every((d) => checked.has(d.id));
  const reasonOk = reason.trim().length >= MIN_REASON;

  const act = async (action: 'replay' | 'discard') => {
    setConfirmDiscard(false);
    const ids = [...checked];
    if (ids.length === 0 || !reasonOk) return;
    setBusy(true);
    const lines: string[] = [];
    const why = reason.trim();
    try {
      if (action === 'replay' && ids.length > 1) {
        for (const r of await api.replayMany(ids, why))
          lines.push(
            r.status === 'replayed'
              ? `Dead letter ${r.id} replayed as run ${r.runId ?? '?'}.`
              : `Dead letter ${r.id} refused: ${r.detail ?? 'no detail'}.`,
          );
      } else {
        for (const id of ids) {
          try {
            if (action === 'replay') {
              const r = await api.replay(id, why);
              lines.push(`Dead letter ${id} replayed as run ${r.runId}.`);
            } else {
              await api.discard(id, why);
              lines.push(`Dead letter ${id} discarded.`);
            }
          } catch (e) {
            lines.push(`Dead letter ${id} refused: ${message(e)}.`);
          }
        }
      }
    } catch (e) {
      lines.push(`The ${action} was refused: ${message(e)}.`);
    }
    setStatus(lines);
    setReason('');
    await load();
    setBusy(false);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act('replay');
  };

  return (
    <section aria-labelledby="dead-letters-title" className="dead-letters">
      <div className="toolbar">
        <h2 id="dead-letters-title">Dead letters</h2>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
      <div role="status" aria-live="polite" className="status-line" data-testid="dead-letter-status">
        {status.map((line) => (
          <div key={line}>{line}</div>
        ))}
      </div>
      {!letters ? (
        <p>Loading dead letters…</p>
      ) : letters.length === 0 ? (
        <p>No open dead letters.</p>
      ) : (
        <table>
          <caption>Open dead letters, the newest first</caption>
          <thead>
            <tr>
              {/* Selecting is for replay and discard: a role that may do neither gets no checkboxes. */}
              {may && (
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select all dead letters"
                    checked={allChecked}
                    onChange={(e) => setChecked(e.target.checked ? new Set(letters.map((d) => d.id)) : new Set())}
                  />
                </th>
              )}
              <th scope="col">Id</th>
              <th scope="col">Code</th>
              <th scope="col">Reason</th>
              <th scope="col">Flow</th>
              <th scope="col">Node</th>
              <th scope="col">Age</th>
              <th scope="col">Failed attempts</th>
            </tr>
          </thead>
          <tbody>
            {letters.map((d) => (
              <tr key={d.id} aria-selected={shown === d.id}>
                {may && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select dead letter ${d.id}`}
                      checked={checked.has(d.id)}
                      onChange={(e) => toggle(d.id, e.target.checked)}
                    />
                  </td>
                )}
                <td>
                  <button
                    type="button"
                    aria-label={`Show dead letter ${d.id}`}
                    aria-pressed={shown === d.id}
                    onClick={() => setShown(d.id)}
                  >
                    {d.id}
                  </button>
                </td>
                <td>{d.code}</td>
                <td>{d.reason}</td>
                <td>
                  {d.flow} {d.version}
                </td>
                <td>{d.node}</td>
                <td title={d.createdAt ?? undefined}>{age(d.createdAt)}</td>
                <td>{d.attempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {may && letters && letters.length > 0 && (
        <form className="resolve" aria-label="Replay or discard the selected dead letters" onSubmit={submit}>
          <label htmlFor="dead-letter-reason">Reason</label>
          <input
            id="dead-letter-reason"
            required
            minLength={MIN_REASON}
            maxLength={1000}
            value={reason}
            aria-describedby="dead-letter-reason-hint"
            onChange={(e) => setReason(e.target.value)}
          />
          <small id="dead-letter-reason-hint">
            At least {MIN_REASON} characters; the audit trail keeps it. {checked.size} selected.
          </small>
          <button type="submit" disabled={busy || checked.size === 0 || !reasonOk}>
            Replay
          </button>
          {confirmDiscard ? (
            <span role="group" aria-label="Confirm the discard">
              <span>Discarded dead letters cannot be replayed; their runs end as discarded. </span>
              <button
                type="button"
                disabled={busy || checked.size === 0 || !reasonOk}
                onClick={() => void act('discard')}
              >
                {`Yes, discard ${checked.size} dead letter${checked.size === 1 ? '' : 's'}`}
              </button>{' '}
              <button type="button" onClick={() => setConfirmDiscard(false)}>
                Cancel
              </button>
            </span>
          ) : (
            <button
              type="button"
              disabled={busy || checked.size === 0 || !reasonOk}
              onClick={() => setConfirmDiscard(true)}
            >
              Discard
            </button>
          )}
        </form>
      )}
      {shown !== undefined && <Detail id={shown} />}
    </section>
  );
}
