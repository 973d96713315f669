import type { Value, ValueType } from '../condition/condition-expression';
import type { MonitorReading } from '../../snapshots/monitor-reader';

/**
 * What an alert rule is evaluated over: every registered agent (subject: the
 * agent id), every service instance seen in the last day (subject:
 * `service/instance`), or the cluster once (no subject).
 */
export const ALERT_SCOPES = ['agent', 'service', 'cluster'] as const;
export type AlertScope = (typeof ALERT_SCOPES)[number];

/** The metrics each scope offers to conditions. Times are seconds unless the name says otherwise; usages are percentages. */
export const SCOPE_METRICS: Record<AlertScope, Readonly<Record<string, ValueType>>> = {
  agent: {
    agent_available: 'boolean', status: 'string', cpu_usage: 'number', memory_usage: 'number', gpu_usage: 'number',
    tokens_per_second: 'number', health_response_time_ms: 'number', active_tasks: 'number', queue_length: 'number', max_concurrent: 'number',
    utilization_percent: 'number', seconds_since_health_check: 'number',
    // Last 5 minutes of tasks on the agent:
    avg_response_time: 'number', success_rate: 'number', error_rate: 'number', tasks_completed: 'number', tasks_failed: 'number',
  },
  service: {
    service: 'string', up: 'boolean', cpu_usage: 'number', memory_usage: 'number', memory_rss_bytes: 'number', heap_used_bytes: 'number',
    event_loop_lag_ms: 'number', disk_usage: 'number', seconds_since_sample: 'number',
  },
  cluster: {
    queue_length: 'number', active_tasks: 'number', agents_total: 'number', agents_available: 'number', agents_offline: 'number',
    // Last 5 minutes:
    avg_response_time: 'number', success_rate: 'number', error_rate: 'number', retry_count: 'number', tasks_failed: 'number',
    tasks_completed: 'number', tokens_per_second: 'number', workflow_executions_failed: 'number',
  },
};

export interface ScopeSubject {
  /** Absent for the cluster scope. */
  readonly subject: string | undefined;
  readonly values: Readonly<Record<string, Value>>;
}

/** The subjects of a scope and their metric values, from one reading. */
export function subjectsOf(scope: AlertScope, reading: MonitorReading, serviceStaleMs: number): ScopeSubject[] {
  const now = reading.at.getTime();
  switch (scope) {
    case 'agent':
      return reading.agents.map((a) => ({
        subject: a.agentId,
        values: {
          agent_available: a.available && a.status !== 'offline', status: a.status, cpu_usage: a.cpuUsage, memory_usage: a.memoryUsage, gpu_usage: a.gpuUsage,
          tokens_per_second: a.tokensPerSecond, health_response_time_ms: a.healthResponseTimeMs, active_tasks: a.activeTasks, queue_length: a.queueLength,
          max_concurrent: a.maxConcurrent, utilization_percent: (100 * (a.activeTasks + a.queueLength)) / Math.max(1, a.maxConcurrent),
          seconds_since_health_check: a.lastHealthAt ? (now - a.lastHealthAt.getTime()) / 1000 : Number.POSITIVE_INFINITY,
          avg_response_time: a.window.avgResponseTimeMs / 1000, success_rate: a.window.successRate, error_rate: 1 - a.window.successRate,
          tasks_completed: a.window.tasksCompleted, tasks_failed: a.window.tasksFailed,
        },
      }));
    case 'service':
      return reading.services.map((x) => ({
        subject: `${x.service}/${x.instanceId}`,
        values: {
          service: x.service, up: now - x.lastSeen.getTime() <= serviceStaleMs, cpu_usage: x.sample.cpuUsage, memory_usage: x.sample.memoryUsage,
          memory_rss_bytes: x.sample.memoryRssBytes, heap_used_bytes: x.sample.heapUsedBytes, event_loop_lag_ms: x.sample.eventLoopLagMs,
          disk_usage: x.sample.diskUsage ?? 0, seconds_since_sample: (now - x.lastSeen.getTime()) / 1000,
        },
      }));
    case 'cluster': {
      const w = reading.performance.windows.find((x) => x.window === '5m');
      const c = reading.cluster;
      return [{
        subject: undefined,
        values: {
          queue_length: reading.performance.queueLength, active_tasks: reading.performance.activeTasks, agents_total: c.agents.total,
          agents_available: c.agents.online + c.agents.busy, agents_offline: c.agents.offline,
          avg_response_time: (w?.avgResponseTimeMs ?? 0) / 1000, success_rate: w?.successRate ?? 1, error_rate: w?.errorRate ?? 0,
          retry_count: w?.retries ?? 0, tasks_failed: w?.tasksFailed ?? 0, tasks_completed: w?.tasksCompleted ?? 0,
          tokens_per_second: w?.tokensPerSecond ?? 0, workflow_executions_failed: w?.workflowExecutionsFailed ?? 0,
        },
      }];
    }
  }
}
