import type { RegisterAgentData } from '../commands/agent-manager/register-agent.command';
import type { UpdateAgentData } from '../commands/agent-manager/update-agent.command';
import type { DeregisterAgentData } from '../commands/agent-manager/deregister-agent.command';
import type { BenchmarkAgentData } from '../commands/agent-manager/benchmark-agent.command';
import type { CreateTaskData } from '../commands/coordinator/create-task.command';
import type { CancelTaskData } from '../commands/coordinator/cancel-task.command';
import type { AssignTaskData } from '../commands/coordinator/assign-task.command';
import type { RetryTaskData } from '../commands/coordinator/retry-task.command';
import type { ImportWorkflowData } from '../commands/workflow-engine/import-workflow.command';
import type { ActivateWorkflowData } from '../commands/workflow-engine/activate-workflow.command';
import type { DeactivateWorkflowData } from '../commands/workflow-engine/deactivate-workflow.command';
import type { StartExecutionData } from '../commands/workflow-engine/start-execution.command';
import type { CancelExecutionData } from '../commands/workflow-engine/cancel-execution.command';
import type { RetryExecutionData } from '../commands/workflow-engine/retry-execution.command';
import type { RegisterMcpServerData } from '../commands/mcp-bridge/register-mcp-server.command';
import type { CallMcpToolData } from '../commands/mcp-bridge/call-mcp-tool.command';
import type { AgentRegisteredData } from '../events/agent/agent-registered.event';
import type { AgentUpdatedData } from '../events/agent/agent-updated.event';
import type { AgentDeregisteredData } from '../events/agent/agent-deregistered.event';
import type { AgentStatusChangedData } from '../events/agent/agent-status-changed.event';
import type { AgentCapabilitiesDetectedData } from '../events/agent/agent-capabilities-detected.event';
import type { AgentBenchmarkedData } from '../events/agent/agent-benchmarked.event';
import type { AgentPerformanceUpdateData } from '../events/agent/agent-performance-update.event';
import type { AgentHealthSampledData } from '../events/agent/agent-health-sampled.event';
import type { TaskCreatedData } from '../events/task/task-created.event';
import type { TaskReadyData } from '../events/task/task-ready.event';
import type { TaskAssignedData } from '../events/task/task-assigned.event';
import type { TaskStartedData } from '../events/task/task-started.event';
import type { TaskProgressData } from '../events/task/task-progress.event';
import type { TaskCompletedData } from '../events/task/task-completed.event';
import type { TaskFailedData } from '../events/task/task-failed.event';
import type { TaskRetryScheduledData } from '../events/task/task-retry-scheduled.event';
import type { TaskCancelledData } from '../events/task/task-cancelled.event';
import type { TaskTimedOutData } from '../events/task/task-timed-out.event';
import type { TaskRequeuedData } from '../events/task/task-requeued.event';
import type { WorkflowImportedData } from '../events/workflow/workflow-imported.event';
import type { WorkflowVersionCreatedData } from '../events/workflow/workflow-version-created.event';
import type { WorkflowActivatedData } from '../events/workflow/workflow-activated.event';
import type { WorkflowDeactivatedData } from '../events/workflow/workflow-deactivated.event';
import type { WorkflowExecutionStartedData } from '../events/execution/workflow-execution-started.event';
import type { WorkflowNodeStartedData } from '../events/execution/workflow-node-started.event';
import type { WorkflowNodeCompletedData } from '../events/execution/workflow-node-completed.event';
import type { WorkflowNodeFailedData } from '../events/execution/workflow-node-failed.event';
import type { WorkflowExecutionCompletedData } from '../events/execution/workflow-execution-completed.event';
import type { WorkflowExecutionFailedData } from '../events/execution/workflow-execution-failed.event';
import type { WorkflowExecutionCancelledData } from '../events/execution/workflow-execution-cancelled.event';
import type { McpServerRegisteredData } from '../events/mcp/mcp-server-registered.event';
import type { McpServerStatusChangedData } from '../events/mcp/mcp-server-status-changed.event';
import type { McpToolCallCompletedData } from '../events/mcp/mcp-tool-call-completed.event';
import type { McpToolCallFailedData } from '../events/mcp/mcp-tool-call-failed.event';
import type { SystemAlertData } from '../events/system/system-alert.event';
import type { SystemAlertResolvedData } from '../events/system/system-alert-resolved.event';
import type { SystemMaintenanceData } from '../events/system/system-maintenance.event';
import type { ServiceMetricsSampledData } from '../events/service/service-metrics-sampled.event';
import type { PerformanceSnapshotData } from '../events/metrics/performance-snapshot.event';
import type { ClusterSnapshotData } from '../events/metrics/cluster-snapshot.event';
import type { CommandAcceptedData, CommandRejectedData } from '../results/command-result';

const acacia = {
  agentId: 'acacia',
  name: 'ACACIA Infrastructure Specialist',
  endpoint: 'http://192.168.1.72:11434',
  model: 'deepseek-r1:7b',
  provider: 'ollama',
  capabilities: [
    { name: 'devops', proficiency: 0.95 },
    { name: 'architecture', proficiency: 0.9 },
    { name: 'deployment', proficiency: 0.88 },
  ],
  hardware: { gpuType: 'AMD Radeon RX 7900 XTX', vramGb: 24, cpuCores: 16, ramGb: 64 },
  performanceTargets: { minTps: 15, maxResponseTime: 30 },
  maxConcurrent: 2,
  specialization: 'infrastructure',
} as const satisfies RegisterAgentData;

const task = {
  taskId: '5b0f3c1e-8f2d-4c55-9a8e-0c1d2e3f4a5b',
  title: 'Review the deployment manifest',
  description: 'Check the Kubernetes manifest for missing resource limits.',
  type: 'code_review',
  priority: 5,
  requiredCapabilities: [{ name: 'devops', minProficiency: 0.8 }, { name: 'deployment' }],
  prompt: 'Review this manifest and list missing resource limits:\n...',
  system: 'You are a careful reviewer.',
  model: 'deepseek-r1:7b',
  // Free-form JSON, nested objects and arrays included: must survive validation untouched.
  payload: { options: { temperature: 0.2, stop: ['###'] }, format: 'json', context: [{ file: 'deploy.yaml', lines: [1, 40] }] },
  dependsOn: ['0e6f1c2d-3b4a-4c5d-8e9f-a0b1c2d3e4f5'],
  timeoutMs: 120_000,
  maxRetries: 3,
  executionId: 'exec-42',
  nodeName: 'Review manifest',
} as const satisfies CreateTaskData;

/** An n8n workflow as exported by n8n (free-form JSON). */
const n8nWorkflow = {
  name: 'Review pull request',
  nodes: [
    { id: 'a1', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], parameters: { path: 'review', httpMethod: 'POST' } },
    { id: 'b2', name: 'Review', type: '@n8n/n8n-nodes-langchain.lmChatOllama', typeVersion: 1, position: [220, 0], parameters: { model: 'deepseek-r1:7b' } },
  ],
  connections: { Webhook: { main: [[{ node: 'Review', type: 'main', index: 0 }]] } },
  settings: { executionOrder: 'v1' },
  pinData: {},
};

const stdioServer = {
  serverId: 'code_review',
  name: 'Code review tools',
  transport: 'stdio',
  command: 'npx',
  args: ['-y', '@acme/code-review-mcp'],
  capabilities: ['code_analysis', 'security_scan'],
  version: '1.2.0',
} as const satisfies RegisterMcpServerData;

const AT = '2025-07-06T12:00:00.000Z';

/**
 * One valid `data` per message definition, keyed by `type@version`. Realistic
 * values (the Hive document's agents, an exported n8n workflow), so the tests
 * exercise what services will really send.
 */
const taskStarted = { taskId: task.taskId, agentId: 'acacia', attempt: 1, model: 'deepseek-r1:7b' } satisfies TaskStartedData;
const taskProgress = { taskId: task.taskId, agentId: 'acacia', attempt: 1, tokensSoFar: 128, elapsedMs: 7000 } satisfies TaskProgressData;
const taskCompleted = {
  taskId: task.taskId, agentId: 'acacia', attempt: 1, model: 'deepseek-r1:7b',
  result: '{"missing":["cpu","memory"]}', resultJson: { missing: ['cpu', 'memory'], details: { container: 'api' } },
  promptTokens: 512, completionTokens: 256, tokensPerSecond: 18.2, responseTimeMs: 14100,
} satisfies TaskCompletedData;
const taskFailed = { taskId: task.taskId, agentId: 'acacia', attempt: 1, reason: 'connect ECONNREFUSED 192.168.1.72:11434', retriable: true } satisfies TaskFailedData;

export const sampleData: Readonly<Record<string, object>> = {
  'agent.registered@1': acacia satisfies AgentRegisteredData,
  'agent.updated@1': { agentId: 'acacia', model: 'qwen2.5-coder:14b', maxConcurrent: 3 } satisfies AgentUpdatedData,
  'agent.deregistered@1': { agentId: 'acacia', reason: 'hardware replaced' } satisfies AgentDeregisteredData,
  'agent.status_changed@1': { agentId: 'acacia', from: 'online', to: 'degraded', reason: 'tokens per second 9.1 below target 15' } satisfies AgentStatusChangedData,
  'agent.capabilities_detected@1': {
    agentId: 'acacia',
    models: ['deepseek-r1:7b', 'nomic-embed-text:latest'],
    detected: [{ name: 'reasoning', proficiency: 0.7 }, { name: 'embedding', proficiency: 0.6 }],
    capabilities: [...acacia.capabilities, { name: 'reasoning', proficiency: 0.7 }, { name: 'embedding', proficiency: 0.6 }],
  } satisfies AgentCapabilitiesDetectedData,
  'agent.benchmarked@1': {
    agentId: 'acacia', benchmarkId: 'bench-1', model: 'deepseek-r1:7b', prompt: 'Write a haiku about Kafka.',
    tokensPerSecond: 18.5, latencyMs: 4200, timeToFirstTokenMs: 310, promptTokens: 12, completionTokens: 72, meetsTargets: true,
  } satisfies AgentBenchmarkedData,
  'agent.performance_update@1': {
    agentId: 'acacia', windowStart: '2025-07-06T11:59:00.000Z', windowEnd: AT, tokensPerSecond: 17.9, responseTimeMs: 5120,
    activeTasks: 2, queueLength: 1, tasksCompleted: 9, tasksFailed: 1, successRate: 0.9, errorRate: 0.1, retryCount: 1,
  } satisfies AgentPerformanceUpdateData,
  'agent.health_sampled@1': {
    agentId: 'acacia', timestamp: AT, responseTimeMs: 12.5, tokensPerSecond: 18.5, cpuUsage: 67.2, memoryUsage: 40, gpuUsage: 88,
    available: true, loadedModels: ['deepseek-r1:7b'],
  } satisfies AgentHealthSampledData,

  'task.created@1': task satisfies TaskCreatedData,
  'task.ready@1': { taskId: task.taskId } satisfies TaskReadyData,
  'task.assigned@1': { taskId: task.taskId, agentId: 'acacia', attempt: 1, assignedBy: 'scheduler' } satisfies TaskAssignedData,
  'task.started@1': taskStarted,
  'task.progress@1': taskProgress,
  'task.completed@1': taskCompleted,
  'task.failed@1': taskFailed,
  'task.retry_scheduled@1': { taskId: task.taskId, attempt: 2, notBefore: '2025-07-06T12:00:05.000Z' } satisfies TaskRetryScheduledData,
  'task.cancelled@1': { taskId: task.taskId, reason: 'cancelled by user' } satisfies TaskCancelledData,
  'task.timed_out@1': { taskId: task.taskId, agentId: 'acacia', attempt: 2, timeoutMs: 120_000 } satisfies TaskTimedOutData,
  'task.requeued@1': { taskId: task.taskId, previousAgentId: 'acacia', reason: 'agent acacia went offline' } satisfies TaskRequeuedData,

  'workflow.imported@1': {
    workflowId: 'wf-review', name: 'Review pull request', description: 'Reviews a PR with an LLM', version: 1, n8nData: n8nWorkflow, active: true,
  } satisfies WorkflowImportedData,
  'workflow.version_created@1': {
    workflowId: 'wf-review', version: 2, previousVersion: 1, name: 'Review pull request', n8nData: { ...n8nWorkflow, settings: { executionOrder: 'v1', timezone: 'UTC' } },
  } satisfies WorkflowVersionCreatedData,
  'workflow.activated@1': { workflowId: 'wf-review', version: 2 } satisfies WorkflowActivatedData,
  'workflow.deactivated@1': { workflowId: 'wf-review', reason: 'replaced by wf-review-2' } satisfies WorkflowDeactivatedData,
  'workflow.execution_started@1': {
    executionId: 'exec-42', workflowId: 'wf-review', workflowVersion: 2, input: { body: { pr: 17, repo: 'hive' } }, attempt: 1,
  } satisfies WorkflowExecutionStartedData,
  'workflow.node_started@1': {
    executionId: 'exec-42', workflowId: 'wf-review', nodeName: 'Review', nodeType: '@n8n/n8n-nodes-langchain.lmChatOllama', runIndex: 0, taskId: task.taskId,
  } satisfies WorkflowNodeStartedData,
  'workflow.node_completed@1': {
    executionId: 'exec-42', workflowId: 'wf-review', nodeName: 'Review', nodeType: '@n8n/n8n-nodes-langchain.lmChatOllama', runIndex: 0,
    outputs: [{ output: 0, items: [{ json: { text: 'Looks good', score: 0.9 } }, { json: { text: 'Nit: naming' }, pairedItem: { item: 0 } }] }],
    progress: 50, durationMs: 14250,
  } satisfies WorkflowNodeCompletedData,
  'workflow.node_failed@1': {
    executionId: 'exec-42', workflowId: 'wf-review', nodeName: 'Review', nodeType: '@n8n/n8n-nodes-langchain.lmChatOllama', runIndex: 0,
    error: 'task 5b0f3c1e failed: no capable agent online', retriable: true,
  } satisfies WorkflowNodeFailedData,
  'workflow.execution_completed@1': {
    executionId: 'exec-42', workflowId: 'wf-review', output: [{ json: { text: 'Looks good' } }], durationMs: 15000,
  } satisfies WorkflowExecutionCompletedData,
  'workflow.execution_failed@1': { executionId: 'exec-42', workflowId: 'wf-review', error: 'node Review failed', failedNode: 'Review' } satisfies WorkflowExecutionFailedData,
  'workflow.execution_cancelled@1': { executionId: 'exec-42', workflowId: 'wf-review', reason: 'cancelled by user' } satisfies WorkflowExecutionCancelledData,

  'mcp.server_registered@1': { ...stdioServer, status: 'active' } satisfies McpServerRegisteredData,
  'mcp.server_status_changed@1': {
    serverId: 'code_review', from: 'active', to: 'unreachable', reason: 'process exited with code 1',
  } satisfies McpServerStatusChangedData,
  'mcp.tool_call_completed@1': {
    callId: 'call-7', idempotencyKey: 'exec-42:Scan:0', serverId: 'code_review', tool: 'security_scan',
    result: { content: [{ type: 'text', text: '0 findings' }], structuredContent: { findings: [] }, isError: false },
    isError: false, durationMs: 830,
  } satisfies McpToolCallCompletedData,
  'mcp.tool_call_failed@1': {
    callId: 'call-8', idempotencyKey: 'exec-42:Scan:1', serverId: 'code_review', tool: 'security_scan', reason: 'timed out after 30000 ms', retriable: true,
  } satisfies McpToolCallFailedData,

  'system.alert@1': {
    alertId: 'alert-1', rule: 'high_cpu', severity: 'warning', condition: 'cpu_usage > 85', value: 91.5, subject: 'acacia',
    message: 'CPU usage of acacia is 91.5% (> 85%)', state: 'firing',
  } satisfies SystemAlertData,
  'system.alert_resolved@1': {
    alertId: 'alert-1', rule: 'high_cpu', severity: 'warning', value: 60, subject: 'acacia', message: 'CPU usage of acacia back to 60%',
    firedAt: AT, state: 'resolved',
  } satisfies SystemAlertResolvedData,
  'system.maintenance@1': {
    maintenanceId: 'mnt-1', phase: 'scheduled', scope: 'agent', target: 'walnut', message: 'Draining walnut for a driver upgrade',
    startsAt: '2025-07-07T02:00:00.000Z', endsAt: '2025-07-07T03:00:00.000Z',
  } satisfies SystemMaintenanceData,
  'service.metrics_sampled@1': {
    service: 'coordinator', instanceId: 'hive-1:4242', timestamp: AT, cpuUsage: 12.5, memoryUsage: 1.2, memoryRssBytes: 120_000_000,
    heapUsedBytes: 60_000_000, eventLoopLagMs: 1.5, diskUsage: 41, networkRxBytesPerSecond: 2048, networkTxBytesPerSecond: 1024, uptimeSeconds: 3600,
  } satisfies ServiceMetricsSampledData,
  'metrics.performance_snapshot@1': {
    at: AT, queueLength: 4, activeTasks: 3,
    windows: [{
      window: '5m', from: '2025-07-06T11:55:00.000Z', to: AT, tasksCreated: 120, tasksCompleted: 110, tasksFailed: 2, retries: 1,
      successRate: 0.982, errorRate: 0.018, avgResponseTimeMs: 2300, tokensPerSecond: 18.5, completionTokens: 52_000, completedPerMinute: 22,
      workflowExecutionsStarted: 4, workflowExecutionsCompleted: 3, workflowExecutionsFailed: 0,
      agents: [{ agentId: 'acacia', tasksCompleted: 60, tasksFailed: 1, avgResponseTimeMs: 2100, tokensPerSecond: 19.1, successRate: 0.984 }],
    }],
  } satisfies PerformanceSnapshotData,
  'metrics.cluster_snapshot@1': {
    at: AT,
    agents: { total: 3, online: 2, busy: 1, degraded: 0, offline: 0 },
    tasks: { waiting: 2, queued: 4, assigned: 1, running: 3 },
    alertsFiring: { info: 0, warning: 1, critical: 0 },
    services: [{ service: 'coordinator', instanceId: 'hive-1:4242', lastSeenAt: AT, up: true, cpuUsage: 12.5, memoryRssBytes: 120_000_000 }],
  } satisfies ClusterSnapshotData,

  'RegisterAgent@1': acacia,
  'UpdateAgent@1': { agentId: 'acacia', capabilities: [{ name: 'devops', proficiency: 0.97 }], hardware: { ramGb: 128 } } satisfies UpdateAgentData,
  'DeregisterAgent@1': { agentId: 'acacia' } satisfies DeregisterAgentData,
  'BenchmarkAgent@1': { agentId: 'acacia', benchmarkId: 'bench-1', maxTokens: 128 } satisfies BenchmarkAgentData,
  'CreateTask@1': task,
  'CancelTask@1': { taskId: task.taskId, reason: 'no longer needed' } satisfies CancelTaskData,
  'AssignTask@1': { taskId: task.taskId, agentId: 'walnut' } satisfies AssignTaskData,
  'RetryTask@1': { taskId: task.taskId, reason: 'agent fixed' } satisfies RetryTaskData,
  // Reports from the agent manager carry the same data as the events they lead to.
  'ReportTaskStarted@1': taskStarted,
  'ReportTaskProgress@1': taskProgress,
  'ReportTaskCompleted@1': taskCompleted,
  'ReportTaskFailed@1': taskFailed,
  'ImportWorkflow@1': { workflowId: 'wf-review', name: 'Review pull request', n8nData: n8nWorkflow, activate: true } satisfies ImportWorkflowData,
  'ActivateWorkflow@1': { workflowId: 'wf-review', version: 1 } satisfies ActivateWorkflowData,
  'DeactivateWorkflow@1': { workflowId: 'wf-review' } satisfies DeactivateWorkflowData,
  'StartExecution@1': { executionId: 'exec-42', workflowId: 'wf-review', input: { body: { pr: 17 } } } satisfies StartExecutionData,
  'CancelExecution@1': { executionId: 'exec-42', reason: 'cancelled by user' } satisfies CancelExecutionData,
  'RetryExecution@1': { executionId: 'exec-42', fromNode: 'Review' } satisfies RetryExecutionData,
  'RegisterMcpServer@1': stdioServer,
  'CallMcpTool@1': {
    callId: 'call-7', idempotencyKey: 'exec-42:Scan:0', serverId: 'code_review', tool: 'security_scan',
    arguments: { path: 'src/', rules: ['secrets', 'injection'], options: { depth: 2 } }, timeoutMs: 30_000,
  } satisfies CallMcpToolData,
  'command.accepted@1': { commandId: 'cmd-1', commandType: 'CreateTask', aggregateId: task.taskId, streamVersion: 1 } satisfies CommandAcceptedData,
  'command.rejected@1': {
    commandId: 'cmd-2', commandType: 'AssignTask', aggregateId: task.taskId, code: 'conflict', reason: 'task is already completed',
  } satisfies CommandRejectedData,
};
