import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { adminApi, isAdmin, type UserInfo } from './api-admin.ts';
import { Refusal } from './Problems.tsx';
import './admin.css';

/** The roles, each with what it adds (DESIGN §6); the server enforces them on every route. */
export const ROLE_CHOICES: ReadonlyArray<readonly [role: string, grants: string]> = [
  ['viewer', 'reads flows, runs, dead letters and the dashboard'],
  ['analyst', 'also edits drafts, runs tests and handles dead letters'],
  ['approver', 'also signs approvals'],
  ['admin', 'may do everything: publish, deploy, packs, plants, secrets, users, audit log'],
];

/** The same rule as the server's (NewUserBody), so the form says what is wrong before sending. */
const USERNAME = '[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}';
const MIN_PASSWORD = 12;

function RoleSelect({
  id,
  value,
  label,
  onChange,
}: {
  id?: string;
  value: string;
  label?: string;
  onChange(role: string): void;
}) {
  return (
    <select id={id} aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      {ROLE_CHOICES.map(([role]) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </select>
  );
}

function CreateUser({ onCreated }: { onCreated(user: UserInfo): void }) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState('viewer');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const ids = { username: useId(), role: useId(), password: useId() };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const user = await adminApi.createUser(username.trim(), role, password);
      setUsername('');
      setPassword('');
      onCreated(user);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" aria-label="Create a user" onSubmit={(e) => void submit(e)} autoComplete="off">
      <h3>Create a user</h3>
      <label htmlFor={ids.username}>Username</label>
      <input
        id={ids.username}
        value={username}
        required
        pattern={USERNAME}
        title="Up to 64 letters, digits, dots, underscores or hyphens, starting with a letter or digit"
        onChange={(e) => {
          setUsername(e.target.value);
          setError(undefined);
        }}
      />
      <label htmlFor={ids.role}>Role</label>
      <RoleSelect id={ids.role} value={role} onChange={setRole} />
      <label htmlFor={ids.password}>Initial password</label>
      <input
        id={ids.password}
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <p className="hint">At least {MIN_PASSWORD} characters. Hand it over in person; the user logs in with it.</p>
      <button type="submit" disabled={busy || !username.trim() || password.length < MIN_PASSWORD}>
        Create user
      </button>
      {error !== undefined && <Refusal error={error} label="User not created" />}
    </form>
  );
}

function PasswordForm({ user, onSet }: { user: UserInfo; onSet(password: string): Promise<boolean> }) {
  const [password, setPassword] = useState('');
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await onSet(password)) setPassword('');
  };
  return (
    <form className="inline" aria-label={`Set the password of ${user.username}`} onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>New password for {user.username}</label>
      <input
        id={id}
        type="password"
        autoComplete="new-password"
        minLength={MIN_PASSWORD}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit" disabled={password.length < MIN_PASSWORD}>
        Set password
      </button>
    </form>
  );
}

function UserTable({ me, onMeChanged }: { me: string; onMeChanged(): void }) {
  const [users, setUsers] = useState<UserInfo[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  const [status, setStatus] = useState<string>();
  const [passwordFor, setPasswordFor] = useState<string>();

  const load = useCallback(() => {
    adminApi.users().then(setUsers, setLoadError);
  }, []);
  useEffect(load, [load]);

  /** Sends one change; the answer is the user as now stored, and the table shows that. */
  const change = async (
    user: UserInfo,
    patch: { role?: string; disabled?: boolean; password?: string },
    done: string,
  ) => {
    setError(undefined);
    setStatus(undefined);
    try {
      const updated = await adminApi.updateUser(user.id, patch);
      setUsers((list) => list?.map((u) => (u.id === updated.id ? updated : u)));
      setStatus(done);
      // Your own role changed: the header, the pages and this one follow it at once.
      if (updated.username === me && patch.role !== undefined) onMeChanged();
      return true;
    } catch (err) {
      setError(err);
      load(); // a refused change leaves the row as the server has it (the select shows the old role again)
      return false;
    }
  };

  if (loadError !== undefined) return <Refusal error={loadError} label="Users not loaded" />;
  if (!users) return <p>Loading users…</p>;
  return (
    <>
      {status && (
        <p role="status" className="set">
          {status}
        </p>
      )}
      {error !== undefined && <Refusal error={error} label="Change refused" />}
      <table className="users">
        <caption>Users</caption>
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <UserRow
              key={u.id}
              user={u}
              isMe={u.username === me}
              passwordOpen={passwordFor === u.id}
              onRole={(role) => void change(u, { role }, `${u.username} is now ${role}.`)}
              onDisabled={(disabled) =>
                void change(
                  u,
                  { disabled },
                  disabled ? `${u.username} is disabled and logged out everywhere.` : `${u.username} can log in again.`,
                )
              }
              onPasswordOpen={() => setPasswordFor(passwordFor === u.id ? undefined : u.id)}
              onPassword={async (password) => {
                const ok = await change(
                  u,
                  { password },
                  u.username === me
                    ? 'Your password is set; your other sessions have ended.'
                    : `The password of ${u.username} is set; their sessions have ended.`,
                );
                if (ok) setPasswordFor(undefined);
                return ok;
              }}
            />
          ))}
        </tbody>
      </table>
      <CreateUser
        onCreated={(user) => {
          setUsers((list) => [...(list ?? []), user]);
          setError(undefined);
          setStatus(`${user.username} can now log in as ${user.role}.`);
        }}
      />
    </>
  );
}

function UserRow(props: {
  user: UserInfo;
  isMe: boolean;
  passwordOpen: boolean;
  onRole(role: string): void;
  onDisabled(disabled: boolean): void;
  onPasswordOpen(): void;
  onPassword(password: string): Promise<boolean>;
}) {
  const { user: u, isMe } = props;
  return (
    <>
      <tr className={u.disabled ? 'disabled' : undefined}>
        <th scope="row">
          {u.username}
          {isMe && ' (you)'}
        </th>
        <td>
          <RoleSelect label={`Role of ${u.username}`} value={u.role} onChange={props.onRole} />
        </td>
        <td>{u.disabled ? 'disabled' : 'active'}</td>
        <td>
          <time dateTime={u.createdAt}>{new Date(u.createdAt).toLocaleString()}</time>
        </td>
        <td>
          <button
            type="button"
            aria-label={`Set password of ${u.username}`}
            aria-expanded={props.passwordOpen}
            onClick={props.onPasswordOpen}
          >
            Set password
          </button>{' '}
          {/* Disabling yourself would end this very session; the server refuses it for the last admin anyway. */}
          {!isMe && (
            <button
              type="button"
              aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.username}`}
              onClick={() => props.onDisabled(!u.disabled)}
            >
              {u.disabled ? 'Enable' : 'Disable'}
            </button>
          )}
        </td>
      </tr>
      {props.passwordOpen && (
        <tr>
          <td colSpan={5}>
            <PasswordForm user={u} onSet={props.onPassword} />
          </td>
        </tr>
      )}
    </>
  );
}

/** Admins manage who may use Millrace and with which role; every change lands in the audit log. */
export function UsersPage({ role, me, onMeChanged }: { role: string; me: string; onMeChanged(): void }) {
  return (
    <section aria-labelledby="page-title" className="admin-page users-page">
      <div className="toolbar">
        <h2 id="page-title">Users</h2>
      </div>
      {isAdmin(role) ? (
        <>
          <dl className="roles">
            {ROLE_CHOICES.map(([r, grants]) => (
              <div key={r}>
                <dt>{r}</dt>
                <dd>{grants}</dd>
              </div>
            ))}
          </dl>
          <UserTable me={me} onMeChanged={onMeChanged} />
        </>
      ) : (
        <p>Only admins manage users.</p>
      )}
    </section>
  );
}
