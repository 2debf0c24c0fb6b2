import { lazy, Suspense, useEffect, useState } from 'react';
import { api, type User } from './api.ts';
import { ApprovalsPage } from './ApprovalsPage.tsx';
import { AuditPage } from './admin/AuditPage.tsx';
import { DashboardPage } from './admin/DashboardPage.tsx';
import { TokensPage } from './admin/TokensPage.tsx';
import { UsersPage } from './admin/UsersPage.tsx';
import { DeadLettersPage } from './DeadLettersPage.tsx';
import { FlowsPage } from './FlowsPage.tsx';
import { Login } from './Login.tsx';
import { linkProps, navigate, useRoute, type Route } from './router.ts';
import { RunsPage } from './RunsPage.tsx';

// The pages that draw a flow (React Flow, the schema validators, Monaco behind them) load when
// first opened: the lists and dashboards an operator starts on do not wait for them (the first
// download went from 1.07 MB to 0.27 MB).
const FlowEditor = lazy(() => import('./editor/FlowEditor.tsx').then((m) => ({ default: m.FlowEditor })));
const FlowVersionPage = lazy(() => import('./FlowVersionPage.tsx').then((m) => ({ default: m.FlowVersionPage })));
const HistoryPage = lazy(() => import('./lifecycle/HistoryPage.tsx').then((m) => ({ default: m.HistoryPage })));
const RunDetail = lazy(() => import('./RunDetail.tsx').then((m) => ({ default: m.RunDetail })));
// Plant profiles and packs check what an admin types or imports with the flow model's validators.
const PlantsPage = lazy(() => import('./admin/PlantsPage.tsx').then((m) => ({ default: m.PlantsPage })));
const PacksPage = lazy(() => import('./admin/PacksPage.tsx').then((m) => ({ default: m.PacksPage })));

type NavPage =
  'dashboard' | 'flows' | 'runs' | 'dead-letters' | 'approvals' | 'plants' | 'packs' | 'users' | 'tokens' | 'audit';

/** The pages in the nav bar, and the roles that see them (the server enforces access anyway). */
export const NAV: ReadonlyArray<{ page: NavPage; label: string; roles?: readonly string[] }> = [
  { page: 'dashboard', label: 'Dashboard' },
  { page: 'flows', label: 'Flows' },
  { page: 'runs', label: 'Runs' },
  { page: 'dead-letters', label: 'Dead letters' },
  { page: 'approvals', label: 'Approvals' },
  { page: 'plants', label: 'Plants' },
  { page: 'packs', label: 'Packs' },
  { page: 'users', label: 'Users', roles: ['admin'] },
  { page: 'tokens', label: 'API tokens' },
  { page: 'audit', label: 'Audit log', roles: ['admin'] },
];

/** The nav entry a route belongs to (a run's detail is under Runs, a flow's editor under Flows). */
function navOf(route: Route): NavPage | undefined {
  switch (route.page) {
    case 'flow-edit':
    case 'flow-version':
    case 'flow-history':
      return 'flows';
    case 'run':
      return 'runs';
    case 'not-found':
      return undefined;
    default:
      return route.page;
  }
}

function PageOf({ route, user, onMeChanged }: { route: Route; user: User; onMeChanged(): void }) {
  switch (route.page) {
    case 'dashboard':
      return <DashboardPage role={user.role} />;
    case 'flows':
      return <FlowsPage role={user.role} />;
    case 'flow-edit':
      return <FlowEditor key={route.flow} flowId={route.flow} role={user.role} />;
    case 'flow-version':
      return <FlowVersionPage flowId={route.flow} version={route.version} />;
    case 'flow-history':
      return <HistoryPage key={route.flow} flowId={route.flow} />;
    case 'runs':
      return <RunsPage />;
    case 'run':
      return <RunDetail key={route.run} runId={route.run} onBack={() => navigate({ page: 'runs' })} />;
    case 'dead-letters':
      return <DeadLettersPage role={user.role} />;
    case 'approvals':
      return <ApprovalsPage role={user.role} />;
    case 'plants':
      return <PlantsPage role={user.role} />;
    case 'packs':
      return <PacksPage role={user.role} />;
    case 'users':
      return <UsersPage role={user.role} me={user.username} onMeChanged={onMeChanged} />;
    case 'tokens':
      return <TokensPage role={user.role} />;
    case 'audit':
      return <AuditPage role={user.role} />;
    case 'not-found':
      return (
        <section aria-labelledby="page-title">
          <h2 id="page-title">Not found</h2>
          <p>
            There is no page at <code>{route.path}</code>. <a {...linkProps('/')}>Go to the dashboard</a>.
          </p>
        </section>
      );
  }
}

/** The designer shell: the login form until there is a session, then the pages behind a nav bar. */
export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [error, setError] = useState<string>();
  const route = useRoute();

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
  const current = navOf(route);
  return (
    <div className="shell">
      <header>
        <h1>Millrace designer</h1>
        <nav aria-label="Pages">
          {NAV.filter((n) => !n.roles || n.roles.includes(user.role)).map((n) => (
            <a key={n.page} {...linkProps(`/${n.page}`)} aria-current={current === n.page ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <a className="help" href="/api/docs/guide" target="_blank" rel="noopener">
          Help
        </a>
        <span className="who">
          {user.username} ({user.role})
        </span>
        <button type="button" onClick={() => void logout()}>
          Log out
        </button>
      </header>
      <main>
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <PageOf
            route={route}
            user={user}
            onMeChanged={() =>
              void api.me().then(
                (u) => setUser(u ?? null),
                () => setUser(null),
              )
            }
          />
        </Suspense>
      </main>
    </div>
  );
}
