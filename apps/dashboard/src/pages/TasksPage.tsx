import { useCallback, useEffect, useRef, useState } from 'react';
import { api, get, type Page } from '../api';
import { useApp, useLive } from '../app-context';
import { Badge, ErrorLine, VirtualTable } from '../components';

interface Task {
  id: string;
  title: string;
  type: string;
  priority: number;
  status: string;
  agentId: string | null;
  attempt: number;
  dependsOn: string[] | null;
  result: string | null;
  error: string | null;
  createdAt: string;
}

const STATUSES = ['', 'pending', 'ready', 'assigned', 'running', 'completed', 'failed', 'timed_out', 'cancelled', 'retry_scheduled'];
const RETRYABLE = new Set(['failed', 'timed_out', 'cancelled']);
const OPEN = new Set(['pending', 'ready', 'assigned', 'running', 'retry_scheduled']);

/**
 * Tasks, newest first, a page of 200 at a time as the table scrolls (100,000
 * tasks are never all in memory at once). The first page is re-read every
 * few seconds and on the user's own task events, and merged in place.
 */
export function TasksPage() {
  const { can, me, notify } = useApp();
  const [rows, setRows] = useState<Task[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const loading = useRef(false);
  const query = (c?: string | null) => `/api/tasks?limit=200${status ? `&status=${status}` : ''}${c ? `&cursor=${encodeURIComponent(c)}` : ''}`;

  const first = useCallback(async () => {
    try {
      const page = await get<Page<Task>>(query());
      setRows((prev) => {
        const fresh = new Map(page.items.map((t) => [t.id, t]));
        const rest = prev.filter((t, i) => i >= page.items.length && !fresh.has(t.id));
        return [...page.items, ...rest];
      });
      setCursor((c) => (c === undefined ? page.nextCursor : c));
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [status]);

  useEffect(() => {
    setRows([]);
    setCursor(undefined);
    void first();
    const timer = setInterval(() => void first(), 4_000);
    return () => clearInterval(timer);
  }, [first]);

  const more = useCallback(() => {
    if (!cursor || loading.current) return;
    loading.current = true;
    get<Page<Task>>(query(cursor)).then((page) => {
      setRows((prev) => {
        const seen = new Set(prev.map((t) => t.id));
        return [...prev, ...page.items.filter((t) => !seen.has(t.id))];
      });
      setCursor(page.nextCursor);
    }, (e: Error) => setError(e.message)).finally(() => (loading.current = false));
  }, [cursor, status]);

  // Events of the caller's own commands (user.{id}) refresh the first page at once.
  useLive([`user.${me.subject}`], (events) => {
    if (events.some((e) => e.data.event.startsWith('task.'))) void first();
  });

  const act = async (label: string, call: () => Promise<unknown>) => {
    try {
      await call();
      notify(label);
      await first();
    } catch (e) {
      notify((e as Error).message, 'error');
    }
  };
  const task = rows.find((t) => t.id === selected);
  const byId = new Map(rows.map((t) => [t.id, t]));

  return (
    <div>
      <h1>Tasks</h1>
      <ErrorLine error={error} />
      {can('tasks.create') && <CreateTask onCreated={() => void first()} />}
      <div className="toolbar">
        <label>Status <select aria-label="status filter" value={status} onChange={(e) => setStatus(e.target.value)}>{STATUSES.map((s) => <option key={s} value={s}>{s || 'any'}</option>)}</select></label>
        <span className="muted">{rows.length}{cursor ? '+' : ''} loaded</span>
      </div>
      <div className="split">
        <VirtualTable testId="tasks-table" rows={rows} rowKey={(t) => t.id} onEndReached={more} selected={selected} onRowClick={(t) => setSelected(t.id)} columns={[
          { key: 'title', header: 'Title' },
          { key: 'status', header: 'Status', width: 120, render: (t) => <Badge value={t.status} /> },
          { key: 'agentId', header: 'Agent', width: 120 },
          { key: 'type', header: 'Type', width: 110 },
          { key: 'priority', header: 'Prio', width: 50 },
          { key: 'createdAt', header: 'Created', width: 180, render: (t) => new Date(t.createdAt).toLocaleString() },
        ]} />
        {task && (
          <div className="detail" data-testid="task-detail">
            <h2>{task.title}</h2>
            <div><Badge value={task.status} /> {task.agentId ? `on ${task.agentId}` : ''} · attempt {task.attempt}</div>
            <div className="small mono">{task.id}</div>
            <div className="card-title">Depends on</div>
            {(task.dependsOn ?? []).length === 0 ? <div className="small">nothing</div> : (
              <ul className="deps">{(task.dependsOn ?? []).map((d) => <li key={d}><a onClick={() => setSelected(d)}>{byId.get(d)?.title ?? d}</a> {byId.get(d) && <Badge value={byId.get(d)?.status ?? ''} />}</li>)}</ul>
            )}
            <div className="card-title">Needed by</div>
            <ul className="deps">{rows.filter((t) => (t.dependsOn ?? []).includes(task.id)).map((t) => <li key={t.id}><a onClick={() => setSelected(t.id)}>{t.title}</a> <Badge value={t.status} /></li>)}</ul>
            {task.result && <><div className="card-title">Result</div><pre className="output">{task.result}</pre></>}
            {task.error && <div className="error">{task.error}</div>}
            <div className="actions">
              {can('tasks.manage') && OPEN.has(task.status) && <button className="danger" onClick={() => void act('task cancelled', () => api('DELETE', `/api/tasks/${encodeURIComponent(task.id)}`))}>Cancel</button>}
              {can('tasks.manage') && RETRYABLE.has(task.status) && <button onClick={() => void act('task retried', () => api('POST', `/api/tasks/${encodeURIComponent(task.id)}/retry`, {}))}>Retry</button>}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

function CreateTask({ onCreated }: { onCreated: () => void }) {
  const { notify } = useApp();
  const [title, setTitle] = useState('');
  const [prompt, setPrompt] = useState('');
  const [capability, setCapability] = useState('');
  const [dependsOn, setDependsOn] = useState('');
  const submit = async () => {
    try {
      const task = await api<Task>('POST', '/api/tasks', {
        title, prompt, ...(capability ? { requiredCapabilities: [{ name: capability }] } : {}),
        ...(dependsOn.trim() ? { dependsOn: dependsOn.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      });
      notify(`task ${task.id} ${task.status}`);
      setTitle('');
      setPrompt('');
      onCreated();
    } catch (e) {
      notify((e as Error).message, 'error');
    }
  };
  return (
    <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <input aria-label="task title" placeholder="title" value={title} onChange={(e) => setTitle(e.target.value)} required />
      <input aria-label="task prompt" placeholder="prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} required className="wide" />
      <input aria-label="capability" placeholder="capability (optional)" value={capability} onChange={(e) => setCapability(e.target.value)} />
      <input aria-label="depends on" placeholder="depends on ids, comma-separated" value={dependsOn} onChange={(e) => setDependsOn(e.target.value)} />
      <button type="submit">Create task</button>
    </form>
  );
}
