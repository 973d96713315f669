import type { AlertSeverity } from '@hive/contracts';
import { sampleTimestampNs } from '../metrics-store/line-protocol';
import type { MetricPoint } from '../metrics-store/metric-point';
import { Measurements } from '../metrics-store/metrics-schema';
import type { MonitorReading } from './monitor-reader';

/** The hive_cluster point of one monitor round. */
export function clusterPoint(reading: MonitorReading, firing: Readonly<Record<AlertSeverity, number>>, lagSeconds: number): MetricPoint {
  const five = reading.performance.windows.find((w) => w.window === '5m');
  const c = reading.cluster;
  return {
    measurement: Measurements.cluster, tags: {}, timestampNs: sampleTimestampNs(reading.at),
    fields: {
      queue_length: reading.performance.queueLength, active_tasks: reading.performance.activeTasks,
      tasks_waiting: c.tasks.waiting, tasks_queued: c.tasks.queued, tasks_assigned: c.tasks.assigned, tasks_running: c.tasks.running,
      agents_total: c.agents.total, agents_online: c.agents.online, agents_busy: c.agents.busy, agents_degraded: c.agents.degraded, agents_offline: c.agents.offline,
      services_up: c.services.filter((x) => x.up).length,
      alerts_firing: firing.info + firing.warning + firing.critical, alerts_critical: firing.critical,
      success_rate_5m: five?.successRate ?? 1, error_rate_5m: five?.errorRate ?? 0, tokens_per_second_5m: five?.tokensPerSecond ?? 0,
      avg_response_time_ms_5m: five?.avgResponseTimeMs ?? 0, completed_per_minute_5m: five?.completedPerMinute ?? 0, retries_5m: five?.retries ?? 0,
      monitor_lag_seconds: lagSeconds,
    },
  };
}
