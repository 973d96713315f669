import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hiveCatalogue, Topics } from '@hive/contracts';
import { CheckpointedConsumer, CommandProcessor, HiveEventing } from '@hive/messaging';
import { agentCommandHandlers } from './agent/agent-command-handlers';
import { AgentRegistry } from './agent/agent-registry';
import { HealthMonitor } from './agent/monitoring-health/health-monitor';
import { AgentManagerConfig } from './config/agent-manager.config';
import { TaskEventsHandler } from './running-tasks/task-events.handler';
import { TaskRunner } from './running-tasks/task-runner';
import { TaskRunsRepository } from './running-tasks/task-runs.repository';

/**
 * Wires the agent manager: its command consumer (Agent), the health monitor,
 * and the task runtime (task events in, provider calls, reports out).
 */
@Injectable()
export class AgentManagerRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  readonly registry: AgentRegistry;
  readonly runs: TaskRunsRepository;
  readonly runner: TaskRunner;
  readonly health: HealthMonitor;
  private readonly commands: CheckpointedConsumer;
  private readonly taskEvents: CheckpointedConsumer;

  constructor(private readonly eventing: HiveEventing, config: AgentManagerConfig) {
    this.registry = new AgentRegistry(eventing.schema);
    this.runs = new TaskRunsRepository(eventing.schema);
    this.runner = new TaskRunner(eventing, this.runs, this.registry, config.MAX_RUNNING_TASKS);
    this.health = new HealthMonitor(eventing, this.registry, {
      intervalMs: config.HEALTH_INTERVAL_MS, probeTimeoutMs: config.HEALTH_PROBE_TIMEOUT_MS, concurrency: config.HEALTH_CONCURRENCY,
      connectionString: config.DATABASE_URL, runningByAgent: () => this.runs.runningByAgent(eventing.pool),
    });
    this.commands = new CheckpointedConsumer({
      name: 'agent-commands',
      groupId: `${eventing.topicPrefix}agent-manager.commands`,
      topics: [eventing.topic(Topics.agentManagerCommands.name)],
      kafka: eventing.kafka, pool: eventing.pool, checkpoints: eventing.checkpoints, catalogue: hiveCatalogue,
      handler: new CommandProcessor(eventing.store, 'agent-manager', agentCommandHandlers(eventing.store, this.registry)),
    });
    const taskEvents = new TaskEventsHandler(this.runs, this.registry);
    this.taskEvents = new CheckpointedConsumer({
      name: 'task-runtime',
      groupId: `${eventing.topicPrefix}agent-manager.task-runtime`,
      topics: [eventing.topic(Topics.taskEvents.name)],
      kafka: eventing.kafka, pool: eventing.pool, checkpoints: eventing.checkpoints, catalogue: hiveCatalogue,
      handler: taskEvents,
      afterCommit: () => {
        for (const ended of taskEvents.ended.splice(0)) this.runner.abort(ended.tenant, ended.taskId, ended.attempts, ended.reason);
        this.runner.kick();
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.migrate(this.eventing.pool);
    await this.runs.migrate(this.eventing.pool);
    await this.commands.start();
    await this.taskEvents.start();
    this.runner.start();
    this.health.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.health.stop();
    await this.taskEvents.stop();
    await this.runner.stop();
    await this.commands.stop();
  }
}
