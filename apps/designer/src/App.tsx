import { useEffect, useState } from 'react';
import { api, type User } from './api.ts';
import { ApprovalsPage } from './ApprovalsPage.tsx';
import { DeadLettersPage } from './DeadLettersPage.tsx';
import { FlowsPage } from './FlowsPage.tsx';
import { Login } from './Login.tsx';
import { RunsPage } from './RunsPage.tsx';

type Page = 'flows' | 'runs' | 'dead-letters' | 'approvals';

const PAGES: ReadonlyArray<readonly [Page, string]> = [
  ['flows', 'Flows'],
  ['runs', 'Runs'],
  ['dead-letters', 'Dead letters'],
  ['approvals', 'Approvals'],
];

/** The designer shell: the login form until there is a session, then the pages behind a nav bar. */
export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [page, setPage] = useState<Page>('flows');
  const [error, setError] = useState<string>();

  useEffect(() => {
    api.me().then(
      (u) => setUser(u ?? null),
      (e: unknown) => {
        setError(e instanceof Error ? e.message : String(e));
        setUser(null);
      },
    );
  }, []);

  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null)
    return (
      <main className="login-page">
        <h1>Millrace designer</h1>
        {error && <p role="alert">{error}</p>}
        <Login onLogin={setUser} />
      </main>
    );

  const logout = async () => {
    await api.logout().catch(() => undefined);
    setUser(null);
  };
  return (
    <div className="shell">
      <header>
        <h1>Millrace designer</h1>
        <nav aria-label="Pages">
          {PAGES.map(([p, label]) => (
            <button key={p} type="button" aria-current={page === p ? 'page' : undefined} onClick={() => setPage(p)}>
              {label}
            </button>
          ))}
        </nav>
        <span className="who">
          {user.username} ({user.role})
        </span>
        <button type="button" onClick={() => void logout()}>
          Log out
        </button>
      </header>
      <main>
        {page === 'flows' ? (
          <FlowsPage />
        ) : page === 'runs' ? (
          <RunsPage />
        ) : page === 'dead-letters' ? (
          <DeadLettersPage role={user.role} />
        ) : (
          <ApprovalsPage role={user.role} />
        )}
      </main>
    </div>
  );
}
