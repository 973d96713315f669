/**
 * The measurements the performance monitor writes: the contract with
 * dashboard authors (METRICS.md documents each; tests check that every point
 * written and every dashboard query stays within this schema). InfluxDB keeps
 * measurement + tags + numeric fields; VictoriaMetrics exposes each field as
 * the series `<measurement>_<field>` with the tags as labels.
 */
export interface MeasurementSchema {
  readonly tags: readonly string[];
  readonly fields: readonly string[];
}

export const Measurements = {
  /** One point per task lifecycle event that matters for performance (tag `event`). */
  task: 'hive_task',
  /** One point per agent health check (agent.health_sampled). */
  agentHealth: 'hive_agent_health',
  /** One point per agent performance window (agent.performance_update). */
  agentPerformance: 'hive_agent_performance',
  /** One point per agent status change. */
  agentStatus: 'hive_agent_status',
  /** One point per service process sample (service.metrics_sampled). */
  service: 'hive_service',
  /** One point per workflow execution lifecycle event. */
  workflowExecution: 'hive_workflow_execution',
  /** One point per MCP tool call outcome. */
  mcpToolCall: 'hive_mcp_tool_call',
  /** Cluster-wide figures, one point per monitor interval. */
  cluster: 'hive_cluster',
  /** One point per alert firing or resolving. */
  alert: 'hive_alert',
} as const;

export const METRICS_SCHEMA: Readonly<Record<(typeof Measurements)[keyof typeof Measurements], MeasurementSchema>> = {
  hive_task: {
    tags: ['tenant', 'agent', 'event'],
    fields: ['count', 'attempt', 'response_time_ms', 'tokens_per_second', 'prompt_tokens', 'completion_tokens', 'completion_time_ms', 'retriable', 'timeout_ms'],
  },
  hive_agent_health: {
    tags: ['agent'],
    fields: ['response_time_ms', 'tokens_per_second', 'cpu_usage', 'memory_usage', 'gpu_usage', 'available', 'loaded_models'],
  },
  hive_agent_performance: {
    tags: ['agent'],
    fields: ['tokens_per_second', 'response_time_ms', 'active_tasks', 'queue_length', 'tasks_completed', 'tasks_failed', 'success_rate', 'error_rate', 'retry_count'],
  },
  hive_agent_status: { tags: ['agent', 'status'], fields: ['status_code', 'available'] },
  hive_service: {
    tags: ['service', 'instance'],
    fields: ['cpu_usage', 'memory_usage', 'memory_rss_bytes', 'heap_used_bytes', 'event_loop_lag_ms', 'disk_usage', 'network_rx_bytes_per_second',
      'network_tx_bytes_per_second', 'uptime_seconds'],
  },
  hive_workflow_execution: { tags: ['tenant', 'workflow', 'event'], fields: ['count', 'duration_ms'] },
  hive_mcp_tool_call: { tags: ['server', 'tool', 'event'], fields: ['count', 'duration_ms'] },
  hive_cluster: {
    tags: [],
    fields: ['queue_length', 'active_tasks', 'tasks_waiting', 'tasks_queued', 'tasks_assigned', 'tasks_running', 'agents_total', 'agents_online', 'agents_busy',
      'agents_degraded', 'agents_offline', 'services_up', 'alerts_firing', 'alerts_critical', 'success_rate_5m', 'error_rate_5m', 'tokens_per_second_5m',
      'avg_response_time_ms_5m', 'completed_per_minute_5m', 'retries_5m', 'monitor_lag_seconds'],
  },
  hive_alert: { tags: ['rule', 'severity', 'subject'], fields: ['firing', 'value'] },
};

/** Agent statuses as numbers (only numeric fields survive VictoriaMetrics). */
export const AGENT_STATUS_CODES = { online: 0, busy: 1, degraded: 2, offline: 3 } as const;
