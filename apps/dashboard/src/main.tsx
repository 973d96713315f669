import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError, get, login, setSession, token, type Me } from './api';
import { AppContext, canFor, type AppContextValue } from './app-context';
import { LiveConnection, type LiveState } from './live';
import { AgentsPage } from './pages/AgentsPage';
import { AlertsPage } from './pages/AlertsPage';
import { ExecutionsPage } from './pages/ExecutionsPage';
import { McpPage } from './pages/McpPage';
import { OverviewPage } from './pages/OverviewPage';
import { TasksPage } from './pages/TasksPage';
import { WorkflowsPage } from './pages/WorkflowsPage';
import { navigate, useRoute } from './router';
import './styles.css';
import { WorkflowEditor } from './workflow/WorkflowEditor';

const live = new LiveConnection(() => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token() ?? '')}`);
// For the browser tests: counters of live events and render batches.
(window as unknown as { __hive: Record<string, unknown> }).__hive = { live: live.stats, startedAt: performance.now() };

const PAGES: Array<{ path: string; label: string; permission: string }> = [
  { path: '/', label: 'Overview', permission: 'status.view' },
  { path: '/agents', label: 'Agents', permission: 'agents.view' },
  { path: '/tasks', label: 'Tasks', permission: 'tasks.view' },
  { path: '/workflows', label: 'Workflows', permission: 'workflows.view' },
  { path: '/executions', label: 'Executions', permission: 'executions.view' },
  { path: '/alerts', label: 'Alerts', permission: 'alerts.view' },
  { path: '/mcp', label: 'MCP servers', permission: 'mcp.view' },
];

function App() {
  const [me, setMe] = useState<Me | undefined>(undefined);
  const [checked, setChecked] = useState(false);
  const loadMe = useCallback(async () => {
    if (!token()) return setChecked(true);
    try {
      setMe(await get<Me>('/api/auth/me'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setSession(undefined);
    }
    setChecked(true);
  }, []);
  useEffect(() => void loadMe(), [loadMe]);
  if (!checked) return null;
  if (!me) return <Login onLoggedIn={() => void loadMe()} />;
  return <Shell me={me} onLogout={() => { setSession(undefined); live.stop(); setMe(undefined); }} />;
}

function Login({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [tenant, setTenant] = useState('acme');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState<string>();
  const submit = async () => {
    try {
      if (pasted.trim()) setSession({ accessToken: pasted.trim() });
      else await login(tenant, username, password);
      onLoggedIn();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form className="login" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h1>Hive</h1>
      <label>Tenant <input name="tenant" value={tenant} onChange={(e) => setTenant(e.target.value)} /></label>
      <label>User <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} /></label>
      <label>Password <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} /></label>
      <details><summary>or use an access token</summary><textarea name="token" rows={3} value={pasted} onChange={(e) => setPasted(e.target.value)} placeholder="hive token --role admin" /></details>
      <button type="submit">Log in</button>
      {error && <div className="error" role="alert">{error}</div>}
    </form>
  );
}

function Shell({ me, onLogout }: { me: Me; onLogout: () => void }) {
  const route = useRoute();
  const [state, setState] = useState<LiveState>(live.state);
  const [toasts, setToasts] = useState<Array<{ id: number; message: string; kind: 'ok' | 'error' }>>([]);
  useEffect(() => {
    const off = live.onState(setState);
    live.start();
    return () => {
      off();
      live.stop();
    };
  }, []);
  const context: AppContextValue = useMemo(() => ({
    me, live, can: canFor(me),
    notify: (message, kind = 'ok') => {
      const id = Date.now() + Math.random();
      setToasts((t) => [...t.slice(-3), { id, message, kind }]);
      setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6_000);
    },
  }), [me]);
  const pages = PAGES.filter((p) => context.can(p.permission));
  const [, section, id, sub] = route.split('/');
  let page;
  if (section === 'workflows' && id && sub === 'edit') page = <WorkflowEditor id={decodeURIComponent(id)} />;
  else if (section === 'agents') page = <AgentsPage />;
  else if (section === 'tasks') page = <TasksPage />;
  else if (section === 'workflows') page = <WorkflowsPage />;
  else if (section === 'executions') page = <ExecutionsPage id={id ? decodeURIComponent(id) : undefined} />;
  else if (section === 'alerts') page = <AlertsPage />;
  else if (section === 'mcp') page = <McpPage />;
  else page = <OverviewPage />;
  return (
    <AppContext.Provider value={context}>
      <div className="shell">
        <nav>
          <div className="brand">Hive</div>
          {pages.map((p) => (
            <a key={p.path} href={`#${p.path}`} className={(p.path === '/' ? route === '/' : route.startsWith(p.path)) ? 'active' : ''}>{p.label}</a>
          ))}
          <div className="me">
            <div data-testid="whoami">{me.subject.slice(0, 18)}@{me.tenant}</div>
            <div className="small">{me.roles.join(', ')}</div>
            <div className={`live live-${state}`} data-testid="live-state">live: {state}</div>
            <button className="small-btn" onClick={() => { onLogout(); navigate('/'); }}>Log out</button>
          </div>
        </nav>
        <main>{page}</main>
        <div className="toasts">{toasts.map((t) => <div key={t.id} className={`toast ${t.kind}`} role="status">{t.message}</div>)}</div>
      </div>
    </AppContext.Provider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<StrictMode><App /></StrictMode>);
