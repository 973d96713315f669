import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Line, LineChart, ResponsiveContainer, YAxis } from 'recharts';
import { api, get, type Page } from '../api';
import { useApp, useLive, useResource } from '../app-context';
import { Badge, ErrorLine, VirtualTable } from '../components';
import type { LiveEvent } from '../live';

export interface Agent {
  id: string;
  name: string;
  model: string;
  provider: string;
  status: string;
  statusReason: string | null;
  capabilities: Array<{ name: string; proficiency?: number }>;
  maxConcurrent: number;
  lastBenchmark: { tokensPerSecond?: number } | null;
  shared: boolean;
  updatedAt: string;
}

interface Perf {
  agents: Array<{ agentId: string; avgTokensPerSecond: number | null; completed: number }>;
}

const STATUS_LEVEL: Record<string, number> = { online: 3, busy: 2, degraded: 1, offline: 0, deregistered: 0 };

/** Every agent (1,000 fit: all pages are loaded, the table is virtualised), with status changes applied live in batches. */
export function AgentsPage() {
  const { can, notify } = useApp();
  const [agents, setAgents] = useState<Map<string, Agent>>(new Map());
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [filter, setFilter] = useState('');
  const history = useRef(new Map<string, Array<{ t: number; level: number }>>());
  const [, setHistoryVersion] = useState(0);
  const perf = useResource<Perf>(can('metrics.view') ? '/api/metrics/performance?minutes=60' : undefined, 15_000);
  const running = useResource<Page<{ agentId: string | null }>>(can('tasks.view') ? '/api/tasks?status=running&limit=200' : undefined, 5_000);

  const load = useCallback(async () => {
    const all = new Map<string, Agent>();
    let cursor: string | null = null;
    try {
      do {
        const page: Page<Agent> = await get<Page<Agent>>(`/api/agents?limit=200&sort=id&order=asc${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        for (const agent of page.items) all.set(agent.id, agent);
        cursor = page.nextCursor;
      } while (cursor && all.size < 20_000);
      setAgents(all);
      for (const agent of all.values()) if (!history.current.has(agent.id)) history.current.set(agent.id, [{ t: Date.now(), level: STATUS_LEVEL[agent.status] ?? 0 }]);
      (window as unknown as { __hive?: Record<string, unknown> }).__hive ??= {};
      ((window as unknown as { __hive: Record<string, unknown> }).__hive)['agentsLoadedAt'] = performance.now();
    } catch (e) {
      setError(String((e as Error).message));
    }
  }, []);
  useEffect(() => void load(), [load]);

  // Status changes arrive on cluster.status; a whole batch becomes one state update.
  useLive(['cluster.status'], (events: readonly LiveEvent[]) => {
    if (events.some((e) => e.data.event === 'agent.registered' || e.data.event === 'agent.deregistered')) void load();
    if (!events.some((e) => e.data.event === 'agent.status_changed')) return;
    for (const e of events) {
      if (e.data.event !== 'agent.status_changed') continue;
      // A new array each time: the chart library freezes the data it was given.
      const id = String(e.data['agentId'] ?? '');
      const h = history.current.get(id) ?? [];
      history.current.set(id, [...h.slice(-49), { t: Date.parse(e.timestamp), level: STATUS_LEVEL[String(e.data['to'])] ?? 0 }]);
    }
    setAgents((prev) => {
      let changed = false;
      const next = new Map(prev);
      for (const e of events) {
        const id = String(e.data['agentId'] ?? '');
        const agent = next.get(id);
        if (e.data.event === 'agent.status_changed' && agent) {
          const status = String(e.data['to'] ?? e.data['status'] ?? agent.status);
          next.set(id, { ...agent, status, statusReason: (e.data['reason'] as string | undefined) ?? null, updatedAt: e.timestamp });
          changed = true;
        }
      }
      return changed ? next : prev;
    });
    setHistoryVersion((v) => v + 1);
  });

  const tps = useMemo(() => new Map((perf.data?.agents ?? []).map((a) => [a.agentId, a.avgTokensPerSecond])), [perf.data]);
  const load_ = useMemo(() => {
    const counts = new Map<string, number>();
    for (const t of running.data?.items ?? []) if (t.agentId) counts.set(t.agentId, (counts.get(t.agentId) ?? 0) + 1);
    return counts;
  }, [running.data]);
  const rows = useMemo(() => [...agents.values()].filter((a) => !filter || a.id.includes(filter) || a.name.toLowerCase().includes(filter.toLowerCase()) || a.status === filter), [agents, filter]);
  const agent = selected ? agents.get(selected) : undefined;

  const benchmark = async (id: string) => {
    try {
      await api('POST', `/api/agents/${encodeURIComponent(id)}/benchmark`, { maxTokens: 64 });
      notify(`benchmark of ${id} started; figures arrive as agent.benchmarked`);
    } catch (e) {
      notify((e as Error).message, 'error');
    }
  };
  const remove = async (id: string) => {
    if (!confirm(`Deregister agent ${id}?`)) return;
    try {
      await api('DELETE', `/api/agents/${encodeURIComponent(id)}`);
      notify(`agent ${id} deregistered`);
      await load();
    } catch (e) {
      notify((e as Error).message, 'error');
    }
  };

  return (
    <div>
      <h1>Agents <span className="muted">{agents.size}</span></h1>
      <ErrorLine error={error} />
      <div className="toolbar"><input placeholder="filter by id, name or status" value={filter} onChange={(e) => setFilter(e.target.value)} /></div>
      <div className="split">
        <VirtualTable testId="agents-table" rows={rows} rowKey={(a) => a.id} selected={selected} onRowClick={(a) => setSelected(a.id)} columns={[
          { key: 'id', header: 'Agent', render: (a) => <span title={a.name}>{a.id}{a.shared ? ' (shared)' : ''}</span> },
          { key: 'status', header: 'Status', width: 110, render: (a) => <Badge value={a.status} /> },
          { key: 'model', header: 'Model' },
          { key: 'capabilities', header: 'Capabilities', render: (a) => (a.capabilities ?? []).map((c) => c.name).join(', ') },
          { key: 'load', header: 'Load', width: 70, render: (a) => `${load_.get(a.id) ?? 0}/${a.maxConcurrent}` },
          { key: 'tps', header: 'Tokens/s', width: 80, render: (a) => (tps.get(a.id) ?? a.lastBenchmark?.tokensPerSecond)?.toFixed?.(1) ?? '-' },
        ]} />
        {agent && (
          <div className="detail" data-testid="agent-detail">
            <h2>{agent.name}</h2>
            <div><Badge value={agent.status} /> {agent.statusReason}</div>
            <div className="small">{agent.provider} · {agent.model} · max {agent.maxConcurrent} concurrent</div>
            <div className="small">capabilities: {(agent.capabilities ?? []).map((c) => `${c.name}${c.proficiency !== undefined ? ` ${c.proficiency}` : ''}`).join(', ')}</div>
            <div className="small">last benchmark: {agent.lastBenchmark ? JSON.stringify(agent.lastBenchmark) : 'none'}</div>
            <div className="card-title">Health history</div>
            <ResponsiveContainer width="100%" height={80}>
              <LineChart data={history.current.get(agent.id) ?? []}>
                <YAxis domain={[0, 3]} hide />
                <Line type="stepAfter" dataKey="level" stroke="#5ad17a" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
            <div className="actions">
              {can('agents.manage') && !agent.shared && <button onClick={() => void benchmark(agent.id)}>Benchmark</button>}
              {can('agents.manage') && !agent.shared && <button className="danger" onClick={() => void remove(agent.id)}>Delete</button>}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
