/**
 * The measurements the performance monitor writes (documented for dashboard
 * authors in services/performance-monitor/METRICS.md). InfluxDB stores them as
 * measurement + tags + numeric fields; VictoriaMetrics exposes each field as
 * the series `<measurement>_<field>` with the tags as labels.
 */
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
  /** Cluster-wide figures, one point per snapshot interval. */
  cluster: 'hive_cluster',
  /** One point per alert firing or resolving. */
  alert: 'hive_alert',
} as const;

/** Agent statuses as numbers (only numeric fields survive VictoriaMetrics). */
export const AGENT_STATUS_CODES = { online: 0, busy: 1, degraded: 2, offline: 3 } as const;
