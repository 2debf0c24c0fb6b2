import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { adminApi, isAdmin, type TokenInfo } from './api-admin.ts';
import { Refusal } from './Problems.tsx';
import { tokenState } from './tokens.ts';
import './admin.css';

const when = (iso: string | null, none: string) => (iso === null ? none : new Date(iso).toLocaleString());

/** The new token, shown this once: the server keeps only its hash. */
function NewToken({ name, token, onDone }: { name: string; token: string; onDone(): void }) {
  const id = useId();
  return (
    <div className="new-token" role="region" aria-label="New API token">
      <label htmlFor={id}>API token {name}</label>
      <input id={id} readOnly value={token} size={token.length} onFocus={(e) => e.target.select()} />
      <p>
        <strong>Copy it now: it is not shown again.</strong> Scripts send it as{' '}
        <code>Authorization: Bearer {token.slice(0, 6)}…</code>; it acts with your role.
      </p>
      <button type="button" onClick={onDone}>
        Done, I have copied it
      </button>
    </div>
  );
}

function CreateToken({ onCreated }: { onCreated(name: string, token: string): void }) {
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const ids = { name: useId(), days: useId(), daysHelp: useId() };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const made = await adminApi.createToken(name.trim(), days.trim() === '' ? undefined : Number(days));
      setName('');
      onCreated(made.name, made.token);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="stack" aria-label="Create an API token" onSubmit={(e) => void submit(e)} autoComplete="off">
      <h3>Create an API token</h3>
      <label htmlFor={ids.name}>Token name</label>
      <input
        id={ids.name}
        value={name}
        maxLength={100}
        placeholder="what it is for, such as MES bridge P100"
        onChange={(e) => setName(e.target.value)}
      />
      <label htmlFor={ids.days}>Expires in days</label>
      <input
        id={ids.days}
        type="number"
        min={1}
        max={3650}
        step={1}
        value={days}
        aria-describedby={ids.daysHelp}
        onChange={(e) => setDays(e.target.value)}
      />
      <small id={ids.daysHelp} className="field-help">
        1 to 3,650; empty: the token never expires (revoke it when it is no longer needed).
      </small>
      <button type="submit" disabled={busy || !name.trim()}>
        Create token
      </button>
      {error !== undefined && <Refusal error={error} label="Token not created" />}
    </form>
  );
}

function TokenRow({
  t,
  everyone,
  now,
  onRevoke,
}: {
  t: TokenInfo;
  everyone: boolean;
  now: number;
  onRevoke(): Promise<void>;
}) {
  const [confirming, setConfirming] = useState(false);
  const state = tokenState(t, now);
  return (
    <tr className={state === 'active' ? undefined : 'disabled'}>
      <th scope="row">{t.name}</th>
      {everyone && <td>{t.username}</td>}
      <td>{when(t.createdAt, '')}</td>
      <td>{when(t.lastUsedAt, 'never')}</td>
      <td>{when(t.expiresAt, 'never')}</td>
      <td>{state}</td>
      <td>
        {state === 'active' &&
          (confirming ? (
            <>
              <button type="button" onClick={() => void onRevoke()}>
                {`Yes, revoke ${t.name}`}
              </button>{' '}
              <button type="button" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" aria-label={`Revoke ${t.name}`} onClick={() => setConfirming(true)}>
              Revoke
            </button>
          ))}
      </td>
    </tr>
  );
}

/** Every user's own API tokens, for scripts and integrations; an admin can see and revoke everyone's. */
export function TokensPage({ role }: { role: string }) {
  const [everyone, setEveryone] = useState(false);
  const [tokens, setTokens] = useState<TokenInfo[]>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();
  const [fresh, setFresh] = useState<{ name: string; token: string }>();
  const [now, setNow] = useState(() => Date.now());
  const everyoneId = useId();

  const load = useCallback(() => {
    adminApi.tokens(everyone).then((list) => {
      setTokens(list);
      setNow(Date.now());
    }, setError);
  }, [everyone]);
  useEffect(load, [load]);

  return (
    <section aria-labelledby="page-title" className="admin-page tokens-page">
      <div className="toolbar">
        <h2 id="page-title">API tokens</h2>
      </div>
      <p>
        Scripts and integrations call the API with a token instead of a password. A token acts as you, with your role;
        revoke it when it is no longer needed, and it stops working at once.
      </p>
      {fresh ? (
        <NewToken name={fresh.name} token={fresh.token} onDone={() => setFresh(undefined)} />
      ) : (
        <CreateToken
          onCreated={(name, token) => {
            setFresh({ name, token });
            setStatus(undefined);
            load();
          }}
        />
      )}
      {isAdmin(role) && (
        <p>
          <input id={everyoneId} type="checkbox" checked={everyone} onChange={(e) => setEveryone(e.target.checked)} />{' '}
          <label htmlFor={everyoneId}>Everyone&apos;s tokens</label>
        </p>
      )}
      {status && (
        <p role="status" className="set">
          {status}
        </p>
      )}
      {error !== undefined && <Refusal error={error} label="Tokens" />}
      {tokens && tokens.length === 0 && <p>{everyone ? 'Nobody has an API token.' : 'You have no API token.'}</p>}
      {tokens && tokens.length > 0 && (
        <table className="tokens">
          <caption>{everyone ? "Everyone's API tokens" : 'Your API tokens'}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              {everyone && <th scope="col">User</th>}
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => (
              <TokenRow
                key={t.id}
                t={t}
                everyone={everyone}
                now={now}
                onRevoke={async () => {
                  setError(undefined);
                  try {
                    await adminApi.revokeToken(t.id);
                    setStatus(`${t.name} is revoked: it no longer works.`);
                  } catch (err) {
                    setError(err);
                  }
                  load();
                }}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
