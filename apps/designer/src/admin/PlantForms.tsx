// The admin's forms of a plant: deploy a published flow version, edit the profile, set a secret.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { adminApi, type Plant } from './api-admin.ts';
import { parseProfileText } from './profile.ts';
import { Refusal } from './Problems.tsx';

type Flows = Awaited<ReturnType<typeof adminApi.flows>>;

/** Deploys a published version of a flow to the plant (POST /api/plants/:code/deployments). */
export function DeployForm({ plant, onDone }: { plant: string; onDone: () => void }) {
  const [flows, setFlows] = useState<Flows>([]);
  const [flow, setFlow] = useState('');
  const [version, setVersion] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();
  const ids = { flow: useId(), version: useId(), reason: useId() };
  useEffect(() => {
    adminApi.flows().then(setFlows, (e: unknown) => setError(e));
  }, []);
  const versions = flows.find((f) => f.id === flow)?.versions.filter((v) => v.status === 'published') ?? [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setStatus(undefined);
    try {
      const r = await adminApi.deploy(plant, flow, version, reason.trim() || undefined);
      setStatus(
        `Deployed ${r.flow} ${r.version} to ${r.plant}${r.running ? ': it runs here from now on.' : ' (recorded for the server that runs that plant).'}`,
      );
      setReason('');
      onDone();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form className="stack" aria-label={`Deploy a flow to ${plant}`} onSubmit={(e) => void submit(e)}>
      <h4>Deploy a flow version</h4>
      <label htmlFor={ids.flow}>Flow to deploy</label>
      <select
        id={ids.flow}
        value={flow}
        onChange={(e) => {
          setFlow(e.target.value);
          setVersion('');
        }}
      >
        <option value="">choose a flow</option>
        {flows.map((f) => (
          <option key={f.id} value={f.id}>
            {f.id}
          </option>
        ))}
      </select>
      <label htmlFor={ids.version}>Version to deploy</label>
      <select id={ids.version} value={version} onChange={(e) => setVersion(e.target.value)} disabled={!flow}>
        <option value="">choose a published version</option>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            {v.version}
          </option>
        ))}
      </select>
      <label htmlFor={ids.reason}>Reason (optional)</label>
      <input id={ids.reason} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" disabled={!flow || !version}>
        Deploy
      </button>
      {status && <p role="status">{status}</p>}
      {error !== undefined && <Refusal error={error} />}
    </form>
  );
}

/** Edits the profile as JSON (PUT /api/plants/:code); the server's problems are listed. */
export function ProfileForm({ plant, onDone }: { plant: Plant; onDone: () => void }) {
  const [text, setText] = useState(() => JSON.stringify(plant.profile, null, 2));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();
  const ids = { text: useId(), reason: useId() };
  const parsed = parseProfileText(text);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!parsed.ok) return;
    setError(undefined);
    setStatus(undefined);
    try {
      const r = await adminApi.setProfile(plant.code, parsed.profile, reason.trim() || undefined);
      setStatus(
        `Profile of ${r.plant} saved.${r.restartNeeded ? ' This server runs that plant: its connections change at the next start.' : ''}`,
      );
      setReason('');
      onDone();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form className="stack" aria-label={`Edit the profile of ${plant.code}`} onSubmit={(e) => void submit(e)}>
      <h4>Edit the profile</h4>
      <label htmlFor={ids.text}>Profile JSON of {plant.code}</label>
      <textarea id={ids.text} value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} />
      {!parsed.ok && <p role="alert">{parsed.problem}</p>}
      <label htmlFor={ids.reason}>Reason (optional)</label>
      <input id={ids.reason} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" disabled={!parsed.ok}>
        Save the profile
      </button>
      {status && <p role="status">{status}</p>}
      {error !== undefined && <Refusal error={error} />}
    </form>
  );
}

/**
 * Sets a secret's value (PUT /api/secrets/:name). Write-only: a password field, cleared once the
 * server took it; the value is never shown again (the API never answers one).
 */
export function SecretForm({ names, onDone }: { names: readonly string[]; onDone: () => void }) {
  const [name, setName] = useState(names[0] ?? '');
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();
  const ids = { name: useId(), value: useId(), list: useId() };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setStatus(undefined);
    try {
      const r = await adminApi.setSecret(name.trim(), value);
      setStatus(`Secret ${r.name} ${r.status}.`);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setValue('');
    }
  };

  return (
    <form className="stack" aria-label="Set a secret" onSubmit={(e) => void submit(e)} autoComplete="off">
      <h4>Set a secret</h4>
      <label htmlFor={ids.name}>Secret name</label>
      <input
        id={ids.name}
        list={ids.list}
        value={name}
        pattern="[A-Z][A-Z0-9_]*"
        title="Capitals, digits and _, such as ERP_P100_PASSWORD"
        onChange={(e) => setName(e.target.value)}
      />
      <datalist id={ids.list}>
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
      <label htmlFor={ids.value}>Secret value</label>
      <input
        id={ids.value}
        type="password"
        autoComplete="new-password"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" disabled={!name.trim() || !value}>
        Set the secret
      </button>
      {status && <p role="status">{status}</p>}
      {error !== undefined && <Refusal error={error} />}
    </form>
  );
}
