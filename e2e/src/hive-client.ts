import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import { hiveCatalogue, Topics, type Envelope } from '@hive/contracts';
import { drainTopic, waitFor, type TestEnvironment } from '@hive/testing';

/**
 * What a program outside Hive does through Kafka alone: send commands to the
 * owning service's topic, wait for their outcome on hive.command.results,
 * and read the event topics.
 */
export class HiveKafkaClient {
  private producer: Producer | undefined;
  private live: Consumer | undefined;
  /** Command outcomes and task events as they arrive (live mode). */
  readonly outcomes = new Map<string, Envelope>();
  readonly tasks = new Map<string, Envelope<string, { taskId: string; agentId?: string; attempt?: number }>[]>();

  constructor(private readonly env: TestEnvironment) {}

  async connect(): Promise<void> {
    this.producer = this.env.kafka.producer();
    await this.producer.connect();
  }

  /** Follows hive.command.results and hive.task.events continuously, for tests with many commands. */
  async follow(): Promise<void> {
    this.live = this.env.kafka.consumer({ groupId: `e2e-follow-${randomUUID()}`, maxWaitTimeInMs: 50 });
    await this.live.connect();
    await this.live.subscribe({ topics: [this.env.topicPrefix + Topics.commandResults.name, this.env.topicPrefix + Topics.taskEvents.name], fromBeginning: true });
    await this.live.run({
      eachMessage: async ({ topic, message }) => {
        const envelope = JSON.parse(message.value?.toString() ?? '{}') as Envelope;
        if (topic.endsWith(Topics.commandResults.name)) this.outcomes.set((envelope.data as { commandId: string }).commandId, envelope);
        else {
          const data = envelope.data as { taskId: string };
          this.tasks.set(data.taskId, [...(this.tasks.get(data.taskId) ?? []), envelope as Envelope<string, { taskId: string }>]);
        }
      },
    });
  }

  async disconnect(): Promise<void> {
    await this.live?.disconnect();
    await this.producer?.disconnect();
  }

  /** Sends many commands in one request. */
  async sendMany(commands: ReadonlyArray<{ command: Envelope; key: string }>): Promise<void> {
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const { command, key } of commands) {
      const topic = this.env.topicPrefix + (hiveCatalogue.find(command.type, command.version)?.topic ?? '');
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key, value: JSON.stringify(command) }]);
    }
    await this.producer?.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }

  envelope(type: string, tenant: string, data: unknown): Envelope {
    return { id: randomUUID(), type, version: 1, source: 'e2e', tenant, occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null, data };
  }

  /** Sends a command to its owning service's topic (from the catalogue), keyed by its aggregate id. */
  async send(command: Envelope, key: string): Promise<Envelope> {
    const definition = hiveCatalogue.find(command.type, command.version);
    if (!definition) throw new Error(`unknown command ${command.type}`);
    await this.producer?.send({ topic: this.env.topicPrefix + definition.topic, messages: [{ key, value: JSON.stringify(command) }] });
    return command;
  }

  async outcome(command: Envelope, timeoutMs = 30_000): Promise<Envelope> {
    return waitFor(async () => (await this.events(Topics.commandResults.name)).find((r) => (r.data as { commandId: string }).commandId === command.id),
      { timeoutMs, intervalMs: 200, description: `the outcome of ${command.type} ${command.id}` });
  }

  async events(topic: string): Promise<Envelope[]> {
    return (await drainTopic(this.env.kafka, this.env.topicPrefix + topic)).map((m) => JSON.parse(m.value ?? '{}') as Envelope);
  }

  async taskEvents(taskIds?: ReadonlySet<string>): Promise<Array<Envelope<string, { taskId: string; agentId?: string; attempt?: number }>>> {
    const all = (await this.events(Topics.taskEvents.name)) as Array<Envelope<string, { taskId: string; agentId?: string; attempt?: number }>>;
    return taskIds ? all.filter((e) => taskIds.has(e.data.taskId)) : all;
  }

  /** Each agent's latest status from agent.status_changed (undefined until its first change). */
  async agentStatuses(agentIds: ReadonlySet<string>): Promise<Array<string | undefined>> {
    const latest = new Map<string, string>();
    for (const event of await this.events(Topics.agentEvents.name)) {
      const data = event.data as { agentId: string; to?: string };
      if (event.type === 'agent.status_changed' && data.to) latest.set(data.agentId, data.to);
    }
    return [...agentIds].map((id) => latest.get(id));
  }
}
