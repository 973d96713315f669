import { useEffect, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useApp, useLive, useResource } from '../app-context';
import { Card, ErrorLine } from '../components';

interface Cluster {
  status: string;
  agents: { total: number; byStatus: Record<string, number> };
  tasks: { total: number; queued: number; byStatus: Record<string, number> };
  executions: { total: number; byStatus: Record<string, number> };
  alerts: { firing: number; bySeverity: Record<string, number> };
}

interface Performance {
  overall: { tasksPerMinute: number; avgTokensPerSecond: number | null; p50ResponseMs: number | null; p95ResponseMs: number | null; completed: number; failed: number };
}

interface Sample {
  t: string;
  queue: number;
  throughput: number;
  tokensPerSecond: number;
  p95: number;
}

/** The cluster at a glance: agents online, queue length, throughput, alerts; charts of the last minutes (sampled every 5 s). */
export function OverviewPage() {
  const { can } = useApp();
  const cluster = useResource<Cluster>('/api/status/cluster', 5_000);
  const performance = useResource<Performance>(can('metrics.view') ? '/api/metrics/performance?minutes=5' : undefined, 5_000);
  const [samples, setSamples] = useState<Sample[]>([]);
  useLive(can('status.view') ? ['cluster.status'] : [], () => cluster.reload());
  useEffect(() => {
    if (!cluster.data) return;
    const o = performance.data?.overall;
    setSamples((prev) => [...prev.slice(-59), {
      t: new Date().toLocaleTimeString(), queue: cluster.data?.tasks.queued ?? 0, throughput: Number((o?.tasksPerMinute ?? 0).toFixed(2)),
      tokensPerSecond: Number((o?.avgTokensPerSecond ?? 0).toFixed(1)), p95: Math.round(o?.p95ResponseMs ?? 0),
    }]);
  }, [cluster.data, performance.data]);
  const c = cluster.data;
  const online = c ? (c.agents.byStatus['online'] ?? 0) + (c.agents.byStatus['busy'] ?? 0) : undefined;
  return (
    <div>
      <h1>Cluster overview</h1>
      <ErrorLine error={cluster.error} />
      <div className="cards">
        <Card title="Cluster" value={c?.status ?? '…'} testId="cluster-status" />
        <Card title="Agents online" value={c ? `${online} / ${c.agents.total}` : '…'} testId="agents-online" />
        <Card title="Queue length" value={c?.tasks.queued ?? '…'} testId="queue-length" />
        <Card title="Throughput (tasks/min, 5 min)" value={performance.data ? performance.data.overall.tasksPerMinute.toFixed(2) : '…'} testId="throughput" />
        <Card title="Alerts firing" value={c?.alerts.firing ?? '…'} testId="alerts-firing" />
        <Card title="Tasks" value={c?.tasks.total ?? '…'}>
          <div className="small">{c ? Object.entries(c.tasks.byStatus).map(([k, v]) => `${k} ${v}`).join(' · ') : ''}</div>
        </Card>
      </div>
      <div className="charts">
        <Chart title="Queue length" data={samples} dataKey="queue" />
        <Chart title="Throughput (tasks/min)" data={samples} dataKey="throughput" />
        <Chart title="Tokens/s (average)" data={samples} dataKey="tokensPerSecond" />
        <Chart title="Latency p95 (ms)" data={samples} dataKey="p95" />
      </div>
    </div>
  );
}

function Chart({ title, data, dataKey }: { title: string; data: Sample[]; dataKey: keyof Sample }) {
  return (
    <div className="chart">
      <div className="card-title">{title}</div>
      <ResponsiveContainer width="100%" height={160}>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -20 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#2a3140" />
          <XAxis dataKey="t" tick={{ fontSize: 10 }} minTickGap={40} />
          <YAxis tick={{ fontSize: 10 }} allowDecimals />
          <Tooltip />
          <Line type="monotone" dataKey={dataKey} stroke="#f5b942" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
