import type { PoolClient } from 'pg';
import type { AgentHealthSampledData, AgentPerformanceUpdateData, AgentRegisteredData, AgentStatusChangedData, Envelope, McpToolCallCompletedData,
  McpToolCallFailedData, ServiceMetricsSampledData, TaskCompletedData, TaskFailedData, TaskTimedOutData, WorkflowExecutionCompletedData } from '@hive/contracts';
import { Topics } from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';
import { eventTimestampNs } from '../metrics-store/line-protocol';
import type { MetricPoint } from '../metrics-store/metric-point';
import { AGENT_STATUS_CODES, Measurements } from '../metrics-store/metrics-schema';

/** Where a task stands, as far as queue length and active tasks are concerned. */
type TaskState = 'waiting' | 'queued' | 'assigned' | 'running' | 'failed';

interface TaskRow { task_id: string; tenant: string; state: TaskState; agent_id: string | null; created_at: Date }

/** Counters of one (minute, tenant, agent) bucket; '' is "no agent". */
interface MinuteCounters {
  bucket: string; tenant: string; agent_id: string;
  created: number; completed: number; failed: number; timed_out: number; cancelled: number; retries: number;
  response_ms_sum: number; tps_sum: number; completion_tokens: number; completion_ms_sum: number;
  wf_started: number; wf_completed: number; wf_failed: number; wf_duration_ms_sum: number; workflows_created: number;
}

const COUNTERS = ['created', 'completed', 'failed', 'timed_out', 'cancelled', 'retries', 'response_ms_sum', 'tps_sum', 'completion_tokens',
  'completion_ms_sum', 'wf_started', 'wf_completed', 'wf_failed', 'wf_duration_ms_sum', 'workflows_created'] as const;

const minuteOf = (iso: string): string => {
  const d = new Date(iso);
  d.setUTCSeconds(0, 0);
  return d.toISOString();
};

/**
 * The performance monitor's read model, built from every event topic and the
 * telemetry topics: tasks by state (queue length, active tasks), per-minute
 * counters per tenant and agent (windowed rates), agents (status, capacity,
 * last health sample) and service instances (last process sample). Each batch
 * also yields the metric points for the metrics store; the consumer hands
 * them over after its transaction commits ({@link pointsOf}).
 */
export class MonitorProjection implements Projection {
  readonly name = 'monitor';
  readonly version = 1;
  readonly topics = [
    Topics.agentEvents.name, Topics.taskEvents.name, Topics.workflowEvents.name, Topics.executionEvents.name, Topics.mcpEvents.name,
    Topics.agentTelemetry.name, Topics.serviceTelemetry.name,
  ];
  private readonly s: string;
  private readonly points = new WeakMap<ConsumedMessage, MetricPoint[]>();

  constructor(schema: string) {
    this.s = schemaIdent(schema);
  }

  /** The points a message produced in its (committed) batch. */
  pointsOf(message: ConsumedMessage): readonly MetricPoint[] {
    return this.points.get(message) ?? [];
  }

  async init(db: Queryable): Promise<void> {
    const s = this.s;
    await db.query(`
      CREATE TABLE IF NOT EXISTS ${s}.pm_task (
        task_id text PRIMARY KEY, tenant text NOT NULL, state text NOT NULL, agent_id text, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
      CREATE INDEX IF NOT EXISTS pm_task_state ON ${s}.pm_task (state, agent_id);
      CREATE TABLE IF NOT EXISTS ${s}.pm_minute (
        bucket timestamptz NOT NULL, tenant text NOT NULL, agent_id text NOT NULL,
        ${COUNTERS.map((c) => `${c} double precision NOT NULL DEFAULT 0`).join(', ')},
        PRIMARY KEY (bucket, tenant, agent_id));
      CREATE TABLE IF NOT EXISTS ${s}.pm_agent (
        agent_id text PRIMARY KEY, tenant text NOT NULL, registered boolean NOT NULL DEFAULT true, status text NOT NULL DEFAULT 'offline',
        max_concurrent integer NOT NULL DEFAULT 1, available boolean NOT NULL DEFAULT false,
        cpu_usage double precision, memory_usage double precision, gpu_usage double precision, tokens_per_second double precision,
        health_response_ms double precision, last_health_at timestamptz, updated_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE IF NOT EXISTS ${s}.pm_service_instance (
        service text NOT NULL, instance_id text NOT NULL, last_seen timestamptz NOT NULL, sample jsonb NOT NULL,
        PRIMARY KEY (service, instance_id));
    `);
  }

  async reset(tx: PoolClient): Promise<void> {
    await tx.query(`TRUNCATE ${this.s}.pm_task, ${this.s}.pm_minute, ${this.s}.pm_agent, ${this.s}.pm_service_instance`);
  }

  async handle(messages: readonly ConsumedMessage[], tx: PoolClient): Promise<void> {
    const taskIds = [...new Set(messages.filter((m) => m.envelope.type.startsWith('task.')).map((m) => (m.envelope.data as { taskId: string }).taskId))];
    const tasks = new Map<string, TaskRow | null>();
    if (taskIds.length > 0) {
      const { rows } = await tx.query<TaskRow>(`SELECT task_id, tenant, state, agent_id, created_at FROM ${this.s}.pm_task WHERE task_id = ANY($1)`, [taskIds]);
      for (const row of rows) tasks.set(row.task_id, row);
    }
    const touchedTasks = new Set<string>();
    const minutes = new Map<string, MinuteCounters>();
    const agents = new Map<string, Record<string, unknown>>();
    const services = new Map<string, { service: string; instance_id: string; last_seen: string; sample: ServiceMetricsSampledData }>();

    const bump = (e: Envelope, agentId: string | undefined, changes: Partial<Record<(typeof COUNTERS)[number], number>>) => {
      const bucket = minuteOf(e.occurredAt);
      const key = `${bucket}|${e.tenant}|${agentId ?? ''}`;
      let counters = minutes.get(key);
      if (!counters) {
        counters = { bucket, tenant: e.tenant, agent_id: agentId ?? '', ...Object.fromEntries(COUNTERS.map((c) => [c, 0])) } as MinuteCounters;
        minutes.set(key, counters);
      }
      for (const [name, value] of Object.entries(changes)) counters[name as (typeof COUNTERS)[number]] += value ?? 0;
    };
    const setTask = (e: Envelope, taskId: string, state: TaskState | 'gone', agentId?: string | null) => {
      touchedTasks.add(taskId);
      const current = tasks.get(taskId);
      if (state === 'gone') tasks.set(taskId, null);
      else tasks.set(taskId, { task_id: taskId, tenant: current?.tenant ?? e.tenant, state, agent_id: agentId === undefined ? current?.agent_id ?? null : agentId, created_at: current?.created_at ?? new Date(e.occurredAt) });
    };
    const agentPatch = (agentId: string, tenant: string, patch: Record<string, unknown>) => {
      agents.set(agentId, { ...(agents.get(agentId) ?? { agent_id: agentId, tenant }), ...patch });
    };

    for (const message of messages) {
      const e = message.envelope;
      const ts = eventTimestampNs(e.occurredAt, e.id);
      const points: MetricPoint[] = [];
      const taskPoint = (event: string, agentId: string | undefined, fields: Record<string, number>) =>
        points.push({ measurement: Measurements.task, tags: { tenant: e.tenant, agent: agentId ?? '', event }, fields: { count: 1, ...fields }, timestampNs: ts });
      switch (e.type) {
        case 'task.created': {
          const { taskId } = e.data as { taskId: string };
          setTask(e, taskId, 'waiting', null);
          bump(e, undefined, { created: 1 });
          taskPoint('created', undefined, {});
          break;
        }
        case 'task.ready':
        case 'task.requeued':
          setTask(e, (e.data as { taskId: string }).taskId, 'queued', null);
          break;
        case 'task.assigned': {
          const d = e.data as { taskId: string; agentId: string };
          setTask(e, d.taskId, 'assigned', d.agentId);
          break;
        }
        case 'task.started': {
          const d = e.data as { taskId: string; agentId: string };
          setTask(e, d.taskId, 'running', d.agentId);
          break;
        }
        case 'task.completed': {
          const d = e.data as TaskCompletedData;
          const createdAt = tasks.get(d.taskId)?.created_at;
          const completionMs = createdAt ? Math.max(0, Date.parse(e.occurredAt) - createdAt.getTime()) : NaN;
          setTask(e, d.taskId, 'gone');
          bump(e, d.agentId, {
            completed: 1, response_ms_sum: d.responseTimeMs, tps_sum: d.tokensPerSecond, completion_tokens: d.completionTokens,
            completion_ms_sum: Number.isFinite(completionMs) ? completionMs : 0,
          });
          taskPoint('completed', d.agentId, {
            attempt: d.attempt, response_time_ms: d.responseTimeMs, tokens_per_second: d.tokensPerSecond, prompt_tokens: d.promptTokens,
            completion_tokens: d.completionTokens, completion_time_ms: completionMs,
          });
          break;
        }
        case 'task.failed': {
          const d = e.data as TaskFailedData;
          setTask(e, d.taskId, 'failed');
          bump(e, d.agentId, { failed: 1 });
          taskPoint('failed', d.agentId, { attempt: d.attempt, retriable: d.retriable ? 1 : 0 });
          break;
        }
        case 'task.timed_out': {
          const d = e.data as TaskTimedOutData;
          setTask(e, d.taskId, 'failed');
          bump(e, d.agentId, { timed_out: 1 });
          taskPoint('timed_out', d.agentId, { attempt: d.attempt, timeout_ms: d.timeoutMs });
          break;
        }
        case 'task.retry_scheduled': {
          const d = e.data as { taskId: string; attempt: number };
          setTask(e, d.taskId, 'waiting', null);
          bump(e, undefined, { retries: 1 });
          taskPoint('retry_scheduled', undefined, { attempt: d.attempt });
          break;
        }
        case 'task.cancelled':
          setTask(e, (e.data as { taskId: string }).taskId, 'gone');
          bump(e, undefined, { cancelled: 1 });
          taskPoint('cancelled', undefined, {});
          break;
        case 'agent.registered': {
          const d = e.data as AgentRegisteredData;
          agentPatch(d.agentId, e.tenant, { registered: true, max_concurrent: d.maxConcurrent });
          break;
        }
        case 'agent.updated': {
          const d = e.data as { agentId: string; maxConcurrent?: number };
          if (d.maxConcurrent !== undefined) agentPatch(d.agentId, e.tenant, { max_concurrent: d.maxConcurrent });
          break;
        }
        case 'agent.deregistered':
          agentPatch((e.data as { agentId: string }).agentId, e.tenant, { registered: false, status: 'offline', available: false });
          break;
        case 'agent.status_changed': {
          const d = e.data as AgentStatusChangedData;
          agentPatch(d.agentId, e.tenant, { status: d.to });
          points.push({ measurement: Measurements.agentStatus, tags: { agent: d.agentId, status: d.to }, fields: { status_code: AGENT_STATUS_CODES[d.to], available: d.to === 'online' || d.to === 'busy' ? 1 : 0 }, timestampNs: ts });
          break;
        }
        case 'agent.health_sampled': {
          const d = e.data as AgentHealthSampledData;
          agentPatch(d.agentId, e.tenant, {
            available: d.available, cpu_usage: d.cpuUsage, memory_usage: d.memoryUsage, gpu_usage: d.gpuUsage, tokens_per_second: d.tokensPerSecond,
            health_response_ms: d.responseTimeMs, last_health_at: d.timestamp,
          });
          points.push({ measurement: Measurements.agentHealth, tags: { agent: d.agentId }, fields: {
            response_time_ms: d.responseTimeMs, tokens_per_second: d.tokensPerSecond, cpu_usage: d.cpuUsage, memory_usage: d.memoryUsage,
            gpu_usage: d.gpuUsage, available: d.available ? 1 : 0, loaded_models: d.loadedModels?.length ?? NaN,
          }, timestampNs: eventTimestampNs(d.timestamp, e.id) });
          break;
        }
        case 'agent.performance_update': {
          const d = e.data as AgentPerformanceUpdateData;
          points.push({ measurement: Measurements.agentPerformance, tags: { agent: d.agentId }, fields: {
            tokens_per_second: d.tokensPerSecond, response_time_ms: d.responseTimeMs, active_tasks: d.activeTasks, queue_length: d.queueLength,
            tasks_completed: d.tasksCompleted, tasks_failed: d.tasksFailed, success_rate: d.successRate, error_rate: d.errorRate, retry_count: d.retryCount,
          }, timestampNs: eventTimestampNs(d.windowEnd, e.id) });
          break;
        }
        case 'service.metrics_sampled': {
          const d = e.data as ServiceMetricsSampledData;
          services.set(`${d.service}|${d.instanceId}`, { service: d.service, instance_id: d.instanceId, last_seen: d.timestamp, sample: d });
          points.push({ measurement: Measurements.service, tags: { service: d.service, instance: d.instanceId }, fields: {
            cpu_usage: d.cpuUsage, memory_usage: d.memoryUsage, memory_rss_bytes: d.memoryRssBytes, heap_used_bytes: d.heapUsedBytes,
            event_loop_lag_ms: d.eventLoopLagMs, disk_usage: d.diskUsage ?? NaN, network_rx_bytes_per_second: d.networkRxBytesPerSecond ?? NaN,
            network_tx_bytes_per_second: d.networkTxBytesPerSecond ?? NaN, uptime_seconds: d.uptimeSeconds,
          }, timestampNs: eventTimestampNs(d.timestamp, e.id) });
          break;
        }
        case 'workflow.imported':
          bump(e, undefined, { workflows_created: 1 });
          break;
        case 'workflow.execution_started':
        case 'workflow.execution_completed':
        case 'workflow.execution_failed':
        case 'workflow.execution_cancelled': {
          const d = e.data as { workflowId: string } & Partial<WorkflowExecutionCompletedData>;
          const event = e.type.slice('workflow.execution_'.length);
          if (event === 'started') bump(e, undefined, { wf_started: 1 });
          if (event === 'completed') bump(e, undefined, { wf_completed: 1, wf_duration_ms_sum: d.durationMs ?? 0 });
          if (event === 'failed') bump(e, undefined, { wf_failed: 1 });
          points.push({ measurement: Measurements.workflowExecution, tags: { tenant: e.tenant, workflow: d.workflowId, event }, fields: { count: 1, duration_ms: d.durationMs ?? NaN }, timestampNs: ts });
          break;
        }
        case 'mcp.tool_call_completed':
        case 'mcp.tool_call_failed': {
          const d = e.data as Partial<McpToolCallCompletedData> & Partial<McpToolCallFailedData> & { serverId: string; tool: string };
          const failed = e.type === 'mcp.tool_call_failed' || d.isError === true;
          points.push({ measurement: Measurements.mcpToolCall, tags: { server: d.serverId, tool: d.tool, event: failed ? 'failed' : 'completed' }, fields: { count: 1, duration_ms: d.durationMs ?? NaN }, timestampNs: ts });
          break;
        }
        default:
          break;
      }
      this.points.set(message, points);
    }

    await this.writeTasks(tx, tasks, touchedTasks);
    await this.writeMinutes(tx, [...minutes.values()]);
    // Shared rows (minute counters, agents) are locked in one global order: concurrent partition batches never deadlock.
    await this.writeAgents(tx, [...agents.values()].sort((a, b) => String(a['agent_id']).localeCompare(String(b['agent_id']))));
    if (services.size > 0) {
      await tx.query(
        `INSERT INTO ${this.s}.pm_service_instance (service, instance_id, last_seen, sample)
         SELECT r.service, r.instance_id, r.last_seen, r.sample FROM jsonb_to_recordset($1::jsonb) AS r(service text, instance_id text, last_seen timestamptz, sample jsonb)
         ON CONFLICT (service, instance_id) DO UPDATE SET last_seen = excluded.last_seen, sample = excluded.sample
         WHERE ${this.s}.pm_service_instance.last_seen <= excluded.last_seen`,
        [JSON.stringify([...services.values()])],
      );
    }
  }

  private async writeTasks(tx: PoolClient, tasks: Map<string, TaskRow | null>, touched: Set<string>): Promise<void> {
    if (touched.size === 0) return;
    const gone = [...touched].filter((id) => tasks.get(id) === null);
    const live = [...touched].flatMap((id) => {
      const row = tasks.get(id);
      return row ? [{ ...row, created_at: row.created_at.toISOString() }] : [];
    });
    if (gone.length > 0) await tx.query(`DELETE FROM ${this.s}.pm_task WHERE task_id = ANY($1)`, [gone]);
    if (live.length > 0) {
      await tx.query(
        `INSERT INTO ${this.s}.pm_task (task_id, tenant, state, agent_id, created_at, updated_at)
         SELECT r.task_id, r.tenant, r.state, r.agent_id, r.created_at, now()
         FROM jsonb_to_recordset($1::jsonb) AS r(task_id text, tenant text, state text, agent_id text, created_at timestamptz)
         ON CONFLICT (task_id) DO UPDATE SET state = excluded.state, agent_id = excluded.agent_id, updated_at = now()`,
        [JSON.stringify(live)],
      );
    }
  }

  private async writeMinutes(tx: PoolClient, rows: MinuteCounters[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.s}.pm_minute (bucket, tenant, agent_id, ${COUNTERS.join(', ')})
       SELECT r.bucket, r.tenant, r.agent_id, ${COUNTERS.map((c) => `r.${c}`).join(', ')}
       FROM jsonb_to_recordset($1::jsonb) AS r(bucket timestamptz, tenant text, agent_id text, ${COUNTERS.map((c) => `${c} double precision`).join(', ')})
       ORDER BY r.bucket, r.tenant, r.agent_id
       ON CONFLICT (bucket, tenant, agent_id) DO UPDATE SET ${COUNTERS.map((c) => `${c} = ${this.s}.pm_minute.${c} + excluded.${c}`).join(', ')}`,
      [JSON.stringify(rows)],
    );
  }

  private async writeAgents(tx: PoolClient, rows: Array<Record<string, unknown>>): Promise<void> {
    const columns = ['registered', 'status', 'max_concurrent', 'available', 'cpu_usage', 'memory_usage', 'gpu_usage', 'tokens_per_second', 'health_response_ms', 'last_health_at'];
    const types: Record<string, string> = { registered: 'boolean', status: 'text', max_concurrent: 'integer', available: 'boolean', last_health_at: 'timestamptz' };
    for (const row of rows) {
      // One statement per agent: only the columns this batch changed are written (agents are few; batches touch a handful).
      const set = columns.filter((c) => row[c] !== undefined);
      const values = set.map((c) => row[c]);
      await tx.query(
        `INSERT INTO ${this.s}.pm_agent (agent_id, tenant${set.map((c) => `, ${c}`).join('')}) VALUES ($1, $2${set.map((c, i) => `, $${i + 3}::${types[c] ?? 'double precision'}`).join('')})
         ON CONFLICT (agent_id) DO UPDATE SET updated_at = now()${set.map((c) => `, ${c} = excluded.${c}`).join('')}`,
        [row['agent_id'], row['tenant'], ...values],
      );
    }
  }
}
