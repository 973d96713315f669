import type { AgentWindowData, ClusterSnapshotData, PerformanceSnapshotData, PerformanceWindow, PerformanceWindowData, ServiceMetricsSampledData } from '@hive/contracts';
import { PERFORMANCE_WINDOWS } from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';

export const WINDOW_MS: Record<PerformanceWindow, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '24h': 86_400_000 };

/** The figures one agent's alert rules see. */
export interface AgentFigures {
  readonly agentId: string;
  readonly status: string;
  readonly available: boolean;
  readonly maxConcurrent: number;
  readonly activeTasks: number;
  readonly queueLength: number;
  readonly cpuUsage: number;
  readonly memoryUsage: number;
  readonly gpuUsage: number;
  readonly tokensPerSecond: number;
  readonly healthResponseTimeMs: number;
  readonly lastHealthAt: Date | null;
  /** Last 5 minutes. */
  readonly window: AgentWindowData;
}

export interface ServiceFigures {
  readonly service: string;
  readonly instanceId: string;
  readonly lastSeen: Date;
  readonly sample: ServiceMetricsSampledData;
}

/** Everything the monitor loop reads in one go: the snapshots, and the figures alert rules evaluate. */
export interface MonitorReading {
  readonly at: Date;
  readonly performance: PerformanceSnapshotData;
  readonly performanceByTenant: readonly PerformanceSnapshotData[];
  readonly cluster: Omit<ClusterSnapshotData, 'alertsFiring'>;
  readonly agents: readonly AgentFigures[];
  readonly services: readonly ServiceFigures[];
}

interface WindowRow {
  tenant: string; agent_id: string;
  created: number; completed: number; failed: number; timed_out: number; cancelled: number; retries: number; response_ms_sum: number; tps_sum: number;
  completion_tokens: number; completion_ms_sum: number; wf_started: number; wf_completed: number; wf_failed: number;
}

const ratio = (a: number, b: number, whenNone: number) => (b > 0 ? a / b : whenNone);
const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Reads the monitor's projections into snapshots and alert figures. Windows
 * are made of whole minutes: a window of N minutes covers the current minute
 * and the N-1 before it (so `1m` is the current, partial minute plus up to 60 s
 * of the previous one, by event time).
 */
export class MonitorReader {
  private readonly s: string;

  constructor(schema: string, private readonly serviceStaleMs: number) {
    this.s = schemaIdent(schema);
  }

  async read(db: Queryable, at: Date): Promise<MonitorReading> {
    const s = this.s;
    const since24h = new Date(at.getTime() - WINDOW_MS['24h'] - 60_000);
    const windowStart = (window: PerformanceWindow) => new Date(Math.floor((at.getTime() - WINDOW_MS[window]) / 60_000) * 60_000 + 60_000);
    // Summed in PostgreSQL: one row per window, tenant and agent, whatever the number of minutes kept.
    const sums = ['created', 'completed', 'failed', 'timed_out', 'cancelled', 'retries', 'response_ms_sum', 'tps_sum', 'completion_tokens', 'completion_ms_sum', 'wf_started', 'wf_completed', 'wf_failed']
      .map((c) => `sum(m.${c})::float8 AS ${c}`).join(', ');
    const [minutes, taskStates, agentRows, serviceRows] = await Promise.all([
      db.query<WindowRow & { window: PerformanceWindow }>(
        `SELECT w.name AS window, m.tenant, m.agent_id, ${sums}
         FROM ${s}.pm_minute m JOIN unnest($1::text[], $2::timestamptz[]) AS w(name, since) ON m.bucket >= w.since
         GROUP BY w.name, m.tenant, m.agent_id`,
        [PERFORMANCE_WINDOWS as unknown as string[], PERFORMANCE_WINDOWS.map(windowStart)],
      ),
      db.query<{ tenant: string; state: string; agent_id: string | null; n: string }>(`SELECT tenant, state, agent_id, count(*) AS n FROM ${s}.pm_task GROUP BY 1, 2, 3`),
      db.query<{ agent_id: string; status: string; available: boolean; max_concurrent: number; cpu_usage: number | null; memory_usage: number | null;
        gpu_usage: number | null; tokens_per_second: number | null; health_response_ms: number | null; last_health_at: Date | null }>(
        `SELECT * FROM ${s}.pm_agent WHERE registered ORDER BY agent_id`),
      db.query<{ service: string; instance_id: string; last_seen: Date; sample: ServiceMetricsSampledData }>(
        `SELECT service, instance_id, last_seen, sample FROM ${s}.pm_service_instance WHERE last_seen > $1 ORDER BY service, instance_id`, [since24h]),
    ]);

    const windowsFor = (tenant: string | undefined): PerformanceWindowData[] => PERFORMANCE_WINDOWS.map((window) => {
      const rows = minutes.rows.filter((r) => r.window === window && (tenant === undefined || r.tenant === tenant));
      return toWindow(window, windowStart(window), at, rows);
    });
    const taskCount = (tenant: string | undefined, states: readonly string[]) =>
      taskStates.rows.filter((r) => (tenant === undefined || r.tenant === tenant) && states.includes(r.state)).reduce((n, r) => n + Number(r.n), 0);
    const perf = (tenant: string | undefined): PerformanceSnapshotData => ({
      at: at.toISOString(), ...(tenant === undefined ? {} : { tenant }),
      queueLength: taskCount(tenant, ['queued']), activeTasks: taskCount(tenant, ['assigned', 'running']), windows: windowsFor(tenant),
    });
    const tenants = [...new Set([...minutes.rows.map((r) => r.tenant), ...taskStates.rows.map((r) => r.tenant)])].sort();
    const performance = perf(undefined);

    const agentWindows = new Map((performance.windows.find((w) => w.window === '5m')?.agents ?? []).map((a) => [a.agentId, a]));
    const agents: AgentFigures[] = agentRows.rows.map((r) => {
      const active = taskStates.rows.filter((t) => t.agent_id === r.agent_id && (t.state === 'assigned' || t.state === 'running'));
      return {
        agentId: r.agent_id, status: r.status, available: r.available, maxConcurrent: r.max_concurrent,
        activeTasks: active.filter((t) => t.state === 'running').reduce((n, t) => n + Number(t.n), 0),
        queueLength: active.filter((t) => t.state === 'assigned').reduce((n, t) => n + Number(t.n), 0),
        cpuUsage: r.cpu_usage ?? 0, memoryUsage: r.memory_usage ?? 0, gpuUsage: r.gpu_usage ?? 0, tokensPerSecond: r.tokens_per_second ?? 0,
        healthResponseTimeMs: r.health_response_ms ?? 0, lastHealthAt: r.last_health_at,
        window: agentWindows.get(r.agent_id) ?? { agentId: r.agent_id, tasksCompleted: 0, tasksFailed: 0, avgResponseTimeMs: 0, tokensPerSecond: 0, successRate: 1 },
      };
    });
    const byStatus = (status: string) => agents.filter((a) => a.status === status).length;
    const services: ServiceFigures[] = serviceRows.rows.map((r) => ({ service: r.service, instanceId: r.instance_id, lastSeen: r.last_seen, sample: r.sample }));
    return {
      at,
      performance,
      performanceByTenant: tenants.map((tenant) => perf(tenant)),
      cluster: {
        at: at.toISOString(),
        agents: { total: agents.length, online: byStatus('online'), busy: byStatus('busy'), degraded: byStatus('degraded'), offline: byStatus('offline') },
        tasks: { waiting: taskCount(undefined, ['waiting']), queued: taskCount(undefined, ['queued']), assigned: taskCount(undefined, ['assigned']), running: taskCount(undefined, ['running']) },
        services: services.map((x) => ({
          service: x.service, instanceId: x.instanceId, lastSeenAt: x.lastSeen.toISOString(), up: at.getTime() - x.lastSeen.getTime() <= this.serviceStaleMs,
          cpuUsage: x.sample.cpuUsage, memoryRssBytes: x.sample.memoryRssBytes,
        })),
      },
      agents,
      services,
    };
  }

  /** Drops per-minute rows older than the longest window, and failed tasks nobody retried for a day. */
  async prune(db: Queryable, at: Date): Promise<void> {
    await db.query(`DELETE FROM ${this.s}.pm_minute WHERE bucket < $1`, [new Date(at.getTime() - WINDOW_MS['24h'] - 5 * 60_000)]);
    await db.query(`DELETE FROM ${this.s}.pm_task WHERE state = 'failed' AND updated_at < $1`, [new Date(at.getTime() - WINDOW_MS['24h'])]);
  }
}

function toWindow(window: PerformanceWindow, from: Date, to: Date, rows: readonly WindowRow[]): PerformanceWindowData {
  const sum = (pick: (r: WindowRow) => number, subset: readonly WindowRow[] = rows) => subset.reduce((n, r) => n + pick(r), 0);
  const completed = sum((r) => r.completed);
  const failed = sum((r) => r.failed + r.timed_out);
  const byAgent = new Map<string, WindowRow[]>();
  for (const r of rows) if (r.agent_id !== '') byAgent.set(r.agent_id, [...(byAgent.get(r.agent_id) ?? []), r]);
  const minutes = Math.max(1, (to.getTime() - from.getTime()) / 60_000);
  return {
    window, from: from.toISOString(), to: to.toISOString(),
    tasksCreated: sum((r) => r.created), tasksCompleted: completed, tasksFailed: failed, retries: sum((r) => r.retries),
    successRate: round(ratio(completed, completed + failed, 1)), errorRate: round(ratio(failed, completed + failed, 0)),
    avgResponseTimeMs: round(ratio(sum((r) => r.response_ms_sum), completed, 0), 1), tokensPerSecond: round(ratio(sum((r) => r.tps_sum), completed, 0), 2),
    completionTokens: sum((r) => r.completion_tokens), completedPerMinute: round(completed / minutes, 2),
    workflowExecutionsStarted: sum((r) => r.wf_started), workflowExecutionsCompleted: sum((r) => r.wf_completed), workflowExecutionsFailed: sum((r) => r.wf_failed),
    agents: [...byAgent].sort(([a], [b]) => a.localeCompare(b)).map(([agentId, subset]) => {
      const c = sum((r) => r.completed, subset);
      const f = sum((r) => r.failed + r.timed_out, subset);
      return {
        agentId, tasksCompleted: c, tasksFailed: f, avgResponseTimeMs: round(ratio(sum((r) => r.response_ms_sum, subset), c, 0), 1),
        tokensPerSecond: round(ratio(sum((r) => r.tps_sum, subset), c, 0), 2), successRate: round(ratio(c, c + f, 1)),
      };
    }),
  };
}
