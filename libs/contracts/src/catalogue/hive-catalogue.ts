import { BenchmarkAgent } from '../commands/agent-manager/benchmark-agent.command';
import { DeregisterAgent } from '../commands/agent-manager/deregister-agent.command';
import { RegisterAgent } from '../commands/agent-manager/register-agent.command';
import { UpdateAgent } from '../commands/agent-manager/update-agent.command';
import { AssignTask } from '../commands/coordinator/assign-task.command';
import { CancelTask } from '../commands/coordinator/cancel-task.command';
import { CreateTask } from '../commands/coordinator/create-task.command';
import { RetryTask } from '../commands/coordinator/retry-task.command';
import { ReportTaskStarted } from '../commands/coordinator/report-task-started.command';
import { ReportTaskProgress } from '../commands/coordinator/report-task-progress.command';
import { ReportTaskCompleted } from '../commands/coordinator/report-task-completed.command';
import { ReportTaskFailed } from '../commands/coordinator/report-task-failed.command';
import { CallMcpTool } from '../commands/mcp-bridge/call-mcp-tool.command';
import { RegisterMcpServer } from '../commands/mcp-bridge/register-mcp-server.command';
import { ActivateWorkflow } from '../commands/workflow-engine/activate-workflow.command';
import { CancelExecution } from '../commands/workflow-engine/cancel-execution.command';
import { DeactivateWorkflow } from '../commands/workflow-engine/deactivate-workflow.command';
import { ImportWorkflow } from '../commands/workflow-engine/import-workflow.command';
import { RetryExecution } from '../commands/workflow-engine/retry-execution.command';
import { StartExecution } from '../commands/workflow-engine/start-execution.command';
import { AgentBenchmarked } from '../events/agent/agent-benchmarked.event';
import { AgentCapabilitiesDetected } from '../events/agent/agent-capabilities-detected.event';
import { AgentDeregistered } from '../events/agent/agent-deregistered.event';
import { AgentHealthSampled } from '../events/agent/agent-health-sampled.event';
import { AgentPerformanceUpdate } from '../events/agent/agent-performance-update.event';
import { AgentRegistered } from '../events/agent/agent-registered.event';
import { AgentStatusChanged } from '../events/agent/agent-status-changed.event';
import { AgentUpdated } from '../events/agent/agent-updated.event';
import { WorkflowExecutionCancelled } from '../events/execution/workflow-execution-cancelled.event';
import { WorkflowExecutionCompleted } from '../events/execution/workflow-execution-completed.event';
import { WorkflowExecutionFailed } from '../events/execution/workflow-execution-failed.event';
import { WorkflowExecutionStarted } from '../events/execution/workflow-execution-started.event';
import { WorkflowNodeCompleted } from '../events/execution/workflow-node-completed.event';
import { WorkflowNodeFailed } from '../events/execution/workflow-node-failed.event';
import { WorkflowNodeStarted } from '../events/execution/workflow-node-started.event';
import { McpServerRegistered } from '../events/mcp/mcp-server-registered.event';
import { McpServerStatusChanged } from '../events/mcp/mcp-server-status-changed.event';
import { McpToolCallCompleted } from '../events/mcp/mcp-tool-call-completed.event';
import { McpToolCallFailed } from '../events/mcp/mcp-tool-call-failed.event';
import { SystemAlertResolved } from '../events/system/system-alert-resolved.event';
import { SystemAlert } from '../events/system/system-alert.event';
import { SystemMaintenance } from '../events/system/system-maintenance.event';
import { TaskAssigned } from '../events/task/task-assigned.event';
import { TaskCancelled } from '../events/task/task-cancelled.event';
import { TaskCompleted } from '../events/task/task-completed.event';
import { TaskCreated } from '../events/task/task-created.event';
import { TaskFailed } from '../events/task/task-failed.event';
import { TaskProgress } from '../events/task/task-progress.event';
import { TaskReady } from '../events/task/task-ready.event';
import { TaskRequeued } from '../events/task/task-requeued.event';
import { TaskRetryScheduled } from '../events/task/task-retry-scheduled.event';
import { TaskStarted } from '../events/task/task-started.event';
import { TaskTimedOut } from '../events/task/task-timed-out.event';
import { WorkflowActivated } from '../events/workflow/workflow-activated.event';
import { WorkflowDeactivated } from '../events/workflow/workflow-deactivated.event';
import { WorkflowImported } from '../events/workflow/workflow-imported.event';
import { WorkflowVersionCreated } from '../events/workflow/workflow-version-created.event';
import { CommandAccepted, CommandRejected } from '../results/command-result';
import { ServiceMetricsSampled } from '../events/service/service-metrics-sampled.event';
import { PerformanceSnapshot } from '../events/metrics/performance-snapshot.event';
import { ClusterSnapshot } from '../events/metrics/cluster-snapshot.event';
import { MessageCatalogue } from './message-catalogue';
import type { MessageDefinition } from './message-definition';

/** Every message Hive defines. Append new definitions here (and a new version beside an old one, never in place). */
export const hiveMessages: readonly MessageDefinition[] = [
  // agent events (hive.agent.events) and telemetry (hive.agent.telemetry)
  AgentRegistered,
  AgentUpdated,
  AgentDeregistered,
  AgentStatusChanged,
  AgentCapabilitiesDetected,
  AgentBenchmarked,
  AgentPerformanceUpdate,
  AgentHealthSampled,
  // task events (hive.task.events)
  TaskCreated,
  TaskReady,
  TaskAssigned,
  TaskStarted,
  TaskProgress,
  TaskCompleted,
  TaskFailed,
  TaskRetryScheduled,
  TaskCancelled,
  TaskTimedOut,
  TaskRequeued,
  // workflow events (hive.workflow.events)
  WorkflowImported,
  WorkflowVersionCreated,
  WorkflowActivated,
  WorkflowDeactivated,
  // execution events (hive.execution.events)
  WorkflowExecutionStarted,
  WorkflowNodeStarted,
  WorkflowNodeCompleted,
  WorkflowNodeFailed,
  WorkflowExecutionCompleted,
  WorkflowExecutionFailed,
  WorkflowExecutionCancelled,
  // MCP events (hive.mcp.events)
  McpServerRegistered,
  McpServerStatusChanged,
  McpToolCallCompleted,
  McpToolCallFailed,
  // system events (hive.system.events)
  SystemAlert,
  SystemAlertResolved,
  SystemMaintenance,
  // service telemetry (hive.service.telemetry) and monitor snapshots (hive.monitor.telemetry)
  ServiceMetricsSampled,
  PerformanceSnapshot,
  ClusterSnapshot,
  // agent-manager commands
  RegisterAgent,
  UpdateAgent,
  DeregisterAgent,
  BenchmarkAgent,
  // coordinator commands
  CreateTask,
  CancelTask,
  AssignTask,
  RetryTask,
  ReportTaskStarted,
  ReportTaskProgress,
  ReportTaskCompleted,
  ReportTaskFailed,
  // workflow-engine commands
  ImportWorkflow,
  ActivateWorkflow,
  DeactivateWorkflow,
  StartExecution,
  CancelExecution,
  RetryExecution,
  // mcp-bridge commands
  RegisterMcpServer,
  CallMcpTool,
  // command results (hive.command.results)
  CommandAccepted,
  CommandRejected,
];

export const hiveCatalogue = new MessageCatalogue(hiveMessages);
