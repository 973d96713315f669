import { Counter, Gauge } from 'prom-client';
import type { AlertSeverity } from '@hive/contracts';
import type { HiveMetricsRegistry } from '@hive/observability';
import type { MonitorReading } from './snapshots/monitor-reader';

/**
 * The Hive document's domain metrics, computed by the monitor from events and
 * exposed on its /metrics (every monitor instance computes them from the shared
 * projections; aggregate with max() across instances).
 */
export class MonitorMetrics {
  readonly activeAgents: Gauge;
  readonly taskQueueLength: Gauge;
  readonly activeTasks: Gauge;
  readonly workflowExecutions: Counter<'status'>;
  readonly executionSuccessRate: Gauge;
  readonly workflowsCreatedDaily: Gauge;
  readonly agentUtilization: Gauge;
  readonly averageTaskCompletionTime: Gauge;
  readonly agentHealthStatus: Gauge<'agent_id'>;
  readonly alertsFiring: Gauge<'severity'>;
  readonly pointsWritten: Counter;
  readonly pointsDropped: Counter;
  readonly pointsBuffered: Gauge;
  readonly lagSeconds: Gauge;

  constructor(metrics: HiveMetricsRegistry) {
    const registers = [metrics.registry];
    this.activeAgents = new Gauge({ name: 'hive_active_agents_total', help: 'Registered agents that are online or busy.', registers });
    this.taskQueueLength = new Gauge({ name: 'hive_task_queue_length', help: 'Tasks ready and waiting for an agent.', registers });
    this.activeTasks = new Gauge({ name: 'hive_active_tasks', help: 'Tasks assigned to an agent or running.', registers });
    this.workflowExecutions = new Counter({ name: 'hive_workflow_executions_total', help: 'Workflow execution events seen by this instance, by status (started, completed, failed, cancelled).', labelNames: ['status'], registers });
    this.executionSuccessRate = new Gauge({ name: 'hive_execution_success_rate', help: 'Workflow executions completed / (completed + failed) over the last hour (1 when none finished).', registers });
    this.workflowsCreatedDaily = new Gauge({ name: 'hive_workflows_created_daily', help: 'Workflows imported in the last 24 hours.', registers });
    this.agentUtilization = new Gauge({ name: 'hive_agent_utilization_percent', help: 'Tasks assigned or running as a percentage of the capacity (maxConcurrent) of available agents.', registers });
    this.averageTaskCompletionTime = new Gauge({ name: 'hive_average_task_completion_time', help: 'Mean response time (seconds, request to last token) of tasks completed in the last 5 minutes.', registers });
    this.agentHealthStatus = new Gauge({ name: 'hive_agent_health_status', help: '1 when the agent answered its last health check and is not offline, else 0.', labelNames: ['agent_id'], registers });
    this.alertsFiring = new Gauge({ name: 'hive_alerts_firing', help: 'Alerts firing, by severity.', labelNames: ['severity'], registers });
    this.pointsWritten = new Counter({ name: 'hive_metrics_points_written_total', help: 'Points written to the metrics store.', registers });
    this.pointsDropped = new Counter({ name: 'hive_metrics_points_dropped_total', help: 'Points dropped because the write buffer was full (oldest first).', registers });
    this.pointsBuffered = new Gauge({ name: 'hive_metrics_points_buffered', help: 'Points waiting to be written to the metrics store.', registers });
    this.lagSeconds = new Gauge({ name: 'hive_monitor_lag_seconds', help: 'For the last batch applied: seconds between the newest event time in it and the moment it was applied (the monitor\'s lag behind the event stream).', registers });
  }

  update(reading: MonitorReading, firing: Readonly<Record<AlertSeverity, number>> | undefined): void {
    const c = reading.cluster;
    this.activeAgents.set(c.agents.online + c.agents.busy);
    this.taskQueueLength.set(reading.performance.queueLength);
    this.activeTasks.set(reading.performance.activeTasks);
    const hour = reading.performance.windows.find((w) => w.window === '1h');
    const finished = (hour?.workflowExecutionsCompleted ?? 0) + (hour?.workflowExecutionsFailed ?? 0);
    this.executionSuccessRate.set(finished > 0 ? (hour?.workflowExecutionsCompleted ?? 0) / finished : 1);
    this.averageTaskCompletionTime.set((reading.performance.windows.find((w) => w.window === '5m')?.avgResponseTimeMs ?? 0) / 1000);
    const available = reading.agents.filter((a) => a.available && a.status !== 'offline');
    const capacity = available.reduce((n, a) => n + a.maxConcurrent, 0);
    const load = reading.agents.reduce((n, a) => n + a.activeTasks + a.queueLength, 0);
    this.agentUtilization.set(capacity > 0 ? (100 * load) / capacity : 0);
    this.agentHealthStatus.reset();
    for (const a of reading.agents) this.agentHealthStatus.set({ agent_id: a.agentId }, a.available && a.status !== 'offline' ? 1 : 0);
    if (firing) for (const [severity, n] of Object.entries(firing)) this.alertsFiring.set({ severity }, n);
  }
}
