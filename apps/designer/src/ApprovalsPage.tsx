import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, maySign, type PendingApproval, type Signature } from './api.ts';
import { age, MIN_REASON } from './DeadLettersPage.tsx';
import { pretty } from './run-view.ts';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The key of an approval: its run and approval node. */
export const approvalKey = (a: Pick<PendingApproval, 'runId' | 'nodeId'>) => `${a.runId}/${a.nodeId}`;

/** Business keys as one line ("lot: L-77, order: 9"); anything but a flat object as JSON. */
export function keysText(keys: unknown): string {
  if (keys === null || keys === undefined) return '';
  if (typeof keys !== 'object' || Array.isArray(keys)) return JSON.stringify(keys);
  return Object.entries(keys as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

/** What the signing form lacks before it may be sent, or undefined when it is complete. */
export function signProblem(form: {
  decision: string | undefined;
  confirmed: boolean;
  reason: string;
  password: string;
}): string | undefined {
  if (form.decision !== 'approved' && form.decision !== 'rejected') return 'Choose approve or reject.';
  if (!form.confirmed) return 'Confirm the meaning of your signature.';
  if (form.reason.trim().length < MIN_REASON) return `Give a reason of at least ${MIN_REASON} characters.`;
  if (form.password.length === 0) return 'Re-enter your password to sign.';
  return undefined;
}

/** One line about a signature: who, what, with which meaning, when. */
export const signatureText = (s: Signature) =>
  `Signed: ${s.decision} by ${s.printedName} (${s.role}) with the meaning "${s.meaning}" at ${s.signedAt} — run ${s.runId}, node ${s.nodeId}.`;

function SignForm({ approval, onSigned }: { approval: PendingApproval; onSigned: (s: Signature) => void }) {
  const meaning = approval.meaning ?? '';
  const [decision, setDecision] = useState<'approved' | 'rejected'>();
  const [confirmed, setConfirmed] = useState(false);
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = signProblem({ decision, confirmed, reason, password });
    if (problem || !decision) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const signature = await api.sign(approval.runId, approval.nodeId, {
        decision,
        password,
        meaning,
        reason: reason.trim(),
      });
      setPassword('');
      onSigned(signature);
    } catch (failure) {
      // The password is never kept after a refusal: the signer types it again.
      setPassword('');
      setError(message(failure));
      setBusy(false);
    }
  };

  return (
    <form className="sign" aria-label={`Sign approval ${approvalKey(approval)}`} onSubmit={(e) => void submit(e)}>
      <fieldset>
        <legend>Decision</legend>
        <label>
          <input
            type="radio"
            name={`${id}-decision`}
            value="approved"
            required
            checked={decision === 'approved'}
            onChange={() => setDecision('approved')}
          />
          Approve
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-decision`}
            value="rejected"
            checked={decision === 'rejected'}
            onChange={() => setDecision('rejected')}
          />
          Reject
        </label>
      </fieldset>
      <p>
        Meaning of this signature: <strong>{meaning}</strong>
      </p>
      <label className="confirm">
        <input type="checkbox" required checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />I sign
        with the meaning: {meaning}
      </label>
      <label htmlFor={`${id}-reason`}>Reason</label>
      <input
        id={`${id}-reason`}
        required
        minLength={MIN_REASON}
        maxLength={1000}
        value={reason}
        aria-describedby={`${id}-reason-hint`}
        onChange={(e) => setReason(e.target.value)}
      />
      <small id={`${id}-reason-hint`}>At least {MIN_REASON} characters; the signature and audit trail keep it.</small>
      <label htmlFor={`${id}-password`}>Password</label>
      <input
        id={`${id}-password`}
        type="password"
        autoComplete="current-password"
        required
        value={password}
        aria-describedby={`${id}-password-hint`}
        onChange={(e) => setPassword(e.target.value)}
      />
      <small id={`${id}-password-hint`}>Your own password, typed again: it is your signature.</small>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        Sign
      </button>
    </form>
  );
}

function Detail({
  approval,
  role,
  onSigned,
}: {
  approval: PendingApproval;
  role: string;
  onSigned: (s: Signature) => void;
}) {
  const inputId = useId();
  const key = approvalKey(approval);
  return (
    <section aria-label={`Approval ${key}`} className="approval-detail">
      <h3>
        Approval {key} <small>{approval.meaning ?? '(meaning unknown)'}</small>
      </h3>
      <p>
        {approval.flow} {approval.version}
        {approval.plant ? ` at ${approval.plant}` : ''}, waiting since {approval.waitingSince}
        {approval.role ? `; asks for the ${approval.role} role` : ''}.
      </p>
      {approval.instructions && <p className="instructions">{approval.instructions}</p>}
      <h4 id={inputId}>Input to be signed</h4>
      <pre aria-labelledby={inputId} tabIndex={0}>
        {pretty(approval.input)}
      </pre>
      {approval.signature && (
        <p className="note">
          Already signed ({approval.signature.decision}) by {approval.signature.printedName} at{' '}
          {approval.signature.signedAt}, not yet delivered: the signer signs again with the same decision to send it.
        </p>
      )}
      {!maySign(role) ? (
        <p className="note">Only approvers and admins sign approvals.</p>
      ) : approval.meaning === null ? (
        <p className="note">This flow version is not deployed here: its approval cannot be signed from this server.</p>
      ) : (
        <SignForm key={key} approval={approval} onSigned={onSigned} />
      )}
    </section>
  );
}

/** The pending approvals: inspect what is to be signed, and sign it (approvers and admins). */
export function ApprovalsPage({ role }: { role: string }) {
  const [approvals, setApprovals] = useState<PendingApproval[]>();
  const [error, setError] = useState<string>();
  const [shown, setShown] = useState<string>();
  const [signed, setSigned] = useState<Signature>();

  const load = () => {
    setError(undefined);
    return api.approvals().then(
      (list) => {
        setApprovals(list);
        const open = new Set(list.map(approvalKey));
        setShown((s) => (s !== undefined && open.has(s) ? s : undefined));
      },
      (e: unknown) => setError(message(e)),
    );
  };
  useEffect(() => {
    void load();
  }, []);

  const onSigned = (s: Signature) => {
    const key = approvalKey(s);
    setSigned(s);
    setShown(undefined);
    setApprovals((list) => list?.filter((a) => approvalKey(a) !== key));
  };
  const current = approvals?.find((a) => approvalKey(a) === shown);

  return (
    <section aria-labelledby="approvals-title" className="approvals">
      <div className="toolbar">
        <h2 id="approvals-title">Approvals</h2>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
      <div role="status" aria-live="polite" className="status-line" data-testid="approval-status">
        {signed && (
          <dl className="signature" aria-label="Signature">
            <dt>Signed</dt>
            <dd>{signatureText(signed)}</dd>
            <dt>Signer</dt>
            <dd>
              {signed.printedName} ({signed.role})
            </dd>
            <dt>Meaning</dt>
            <dd>{signed.meaning}</dd>
            <dt>Decision</dt>
            <dd>{signed.decision}</dd>
            <dt>When</dt>
            <dd>{signed.signedAt}</dd>
          </dl>
        )}
      </div>
      {!approvals ? (
        <p>Loading approvals…</p>
      ) : approvals.length === 0 ? (
        <p>No pending approvals.</p>
      ) : (
        <table>
          <caption>Pending approvals</caption>
          <thead>
            <tr>
              <th scope="col">Approval</th>
              <th scope="col">Flow</th>
              <th scope="col">Business keys</th>
              <th scope="col">Meaning</th>
              <th scope="col">Instructions</th>
              <th scope="col">Waiting since</th>
            </tr>
          </thead>
          <tbody>
            {approvals.map((a) => {
              const key = approvalKey(a);
              return (
                <tr key={key} aria-selected={shown === key}>
                  <td>
                    <button
                      type="button"
                      aria-label={`Show approval ${key}`}
                      aria-pressed={shown === key}
                      onClick={() => setShown(key)}
                    >
                      {key}
                    </button>
                  </td>
                  <td>
                    {a.flow} {a.version}
                  </td>
                  <td>{keysText(a.businessKeys)}</td>
                  <td>{a.meaning ?? ''}</td>
                  <td>{a.instructions ?? ''}</td>
                  <td title={a.waitingSince}>
                    {a.waitingSince} ({age(a.waitingSince)} ago)
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {current && <Detail approval={current} role={role} onSigned={onSigned} />}
    </section>
  );
}
