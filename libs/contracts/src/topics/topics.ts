/** How a Kafka topic is created. Names here are logical; a deployment may prefix them. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** Milliseconds to keep records; -1 keeps them forever (event topics). */
  readonly retentionMs: number;
  readonly cleanupPolicy: 'delete' | 'compact';
  /** Whether consumers of this topic dead-letter to `<name>.dlq`. */
  readonly deadLetter: boolean;
  readonly description: string;
  /** Further topic configuration (Kafka topic config names). */
  readonly config?: Readonly<Record<string, string>>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const FOREVER = -1;

const events = (name: string, description: string): TopicSpec => ({
  name, partitions: 6, retentionMs: FOREVER, cleanupPolicy: 'delete', deadLetter: true, description,
});
const commands = (name: string, description: string): TopicSpec => ({
  name, partitions: 6, retentionMs: 7 * DAY_MS, cleanupPolicy: 'delete', deadLetter: true, description,
});

/**
 * Every topic Hive uses. Event topics keep everything (a new or rebuilt
 * service reads from offset 0); telemetry and commands are time-bounded.
 * Keys are aggregate ids so one aggregate's messages stay in order.
 */
export const Topics = {
  agentEvents: events('hive.agent.events', 'Agent lifecycle: registration, status, capabilities, benchmarks. Key: agent id.'),
  taskEvents: events('hive.task.events', 'Task lifecycle from creation to a terminal state. Key: task id.'),
  workflowEvents: events('hive.workflow.events', 'Workflow definitions and their versions. Key: workflow id.'),
  executionEvents: events('hive.execution.events', 'Workflow executions, node by node. Key: execution id.'),
  mcpEvents: events('hive.mcp.events', 'MCP server registry and tool calls. Key: server id or call id.'),
  systemEvents: events('hive.system.events', 'Alerts and maintenance notices. Key: alert rule or subject.'),
  agentTelemetry: {
    name: 'hive.agent.telemetry', partitions: 6, retentionMs: 3 * DAY_MS, cleanupPolicy: 'delete', deadLetter: false,
    description: 'High-volume health samples and performance figures; not domain events. Key: agent id.',
  },
  serviceTelemetry: {
    name: 'hive.service.telemetry', partitions: 3, retentionMs: 1 * DAY_MS, cleanupPolicy: 'delete', deadLetter: false,
    description: 'Periodic process samples (cpu, memory, disk, network) of every service instance; not domain events. Key: service/instance.',
  },
  monitorTelemetry: {
    name: 'hive.monitor.telemetry', partitions: 1, retentionMs: 1 * DAY_MS, cleanupPolicy: 'delete', deadLetter: false,
    description: "The performance monitor's periodic snapshots (windowed performance, cluster status) for the gateway's read models. Key: snapshot kind and scope.",
  },
  agentManagerCommands: commands('hive.agent-manager.commands', 'Commands owned by the agent manager. Key: agent id.'),
  coordinatorCommands: commands('hive.coordinator.commands', 'Commands owned by the coordinator. Key: task id.'),
  workflowEngineCommands: commands('hive.workflow-engine.commands', 'Commands owned by the workflow engine. Key: workflow or execution id.'),
  mcpBridgeCommands: commands('hive.mcp-bridge.commands', 'Commands owned by the MCP bridge. Key: server id or call id.'),
  performanceMonitorCommands: commands('hive.performance-monitor.commands', 'Commands owned by the performance monitor. Key: rule id.'),
  commandResults: {
    name: 'hive.command.results', partitions: 6, retentionMs: 1 * DAY_MS, cleanupPolicy: 'delete', deadLetter: false,
    description: 'The outcome of every command (accepted with the resulting version, or rejected with a reason). Key: command id.',
  },
  relayCheckpoints: {
    name: 'hive.relay.checkpoints', partitions: 1, retentionMs: FOREVER, cleanupPolicy: 'compact', deadLetter: false,
    description: 'Internal: the last outbox position each relay published (key: relay id), written in the same Kafka transaction as the messages.',
    // Compact often: a relay reads this topic from the start when it takes over.
    config: { 'segment.ms': String(10 * 60 * 1000), 'min.cleanable.dirty.ratio': '0.01' },
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof Topics;

export const deadLetterTopicName = (topic: string): string => `${topic}.dlq`;

/** The topics to create, dead-letter topics included. */
export function allTopicSpecs(): TopicSpec[] {
  const specs: TopicSpec[] = [];
  for (const spec of Object.values(Topics) as TopicSpec[]) {
    specs.push(spec);
    if (spec.deadLetter) {
      specs.push({
        name: deadLetterTopicName(spec.name), partitions: 1, retentionMs: FOREVER, cleanupPolicy: 'delete', deadLetter: false,
        description: `Messages of ${spec.name} that could not be handled, with the error and original coordinates in headers.`,
      });
    }
  }
  return specs;
}
