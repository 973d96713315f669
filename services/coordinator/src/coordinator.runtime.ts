import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { hiveCatalogue, ReportTaskCompleted, ReportTaskFailed, ReportTaskProgress, ReportTaskStarted, Topics } from '@hive/contracts';
import { DurableTimers, type Timer } from '@hive/event-store';
import { CheckpointedConsumer, CommandProcessor, HiveEventing } from '@hive/messaging';
import { ProjectionRunner } from '@hive/projections';
import { AgentView } from './agents/agent-view';
import { CoordinatorConfig } from './config/coordinator.config';
import { inFlightOn } from './scheduling/agent-load';
import { TenantLimits } from './scheduling/tenant-limits';
import { schedulerChannel, SchedulerService } from './scheduling/scheduler.service';
import { taskCommandBatch } from './task/handling-commands/task-commands.processor';
import { TaskCommandHandler, TIMER_TASK_RETRY, TIMER_TASK_TIMEOUT, type TaskBatchItem, type TaskTimerPayload } from './task/task-command.handler';
import { TaskReadModel } from './task/task-read-model';

/**
 * Wires the coordinator: its command consumer, its view of the agents, the
 * durable timers (timeouts, retries) and the scheduler. Every instance
 * consumes commands (partitions are shared by the group); the timers and the
 * scheduler run on whichever instance holds their lease.
 */
@Injectable()
export class CoordinatorRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CoordinatorRuntime.name);
  readonly tasks: TaskReadModel;
  readonly agents: AgentView;
  readonly timers: DurableTimers;
  readonly handler: TaskCommandHandler;
  readonly scheduler: SchedulerService;
  readonly limits: TenantLimits;
  private readonly commands: CheckpointedConsumer;
  private readonly projections: ProjectionRunner;

  constructor(private readonly eventing: HiveEventing, config: CoordinatorConfig) {
    const { schema, pool } = eventing;
    this.limits = TenantLimits.parse(config.TENANT_LIMITS, { maxConcurrentTasks: config.TENANT_MAX_CONCURRENT_TASKS, tokenBudget: config.TENANT_TOKEN_BUDGET });
    this.tasks = new TaskReadModel(schema);
    this.agents = new AgentView(schema, schedulerChannel(schema), (tx, lost) => this.requeueLost(tx, lost));
    this.timers = new DurableTimers({ pool, connectionString: config.DATABASE_URL, schema, onFire: (timers, tx) => this.fire(timers, tx) });
    this.handler = new TaskCommandHandler(eventing.store, this.tasks, this.timers, schedulerChannel(schema));
    this.scheduler = new SchedulerService({
      pool, connectionString: config.DATABASE_URL, schema, tasks: this.tasks, agents: this.agents, handler: this.handler,
      intervalMs: config.SCHEDULER_INTERVAL_MS, batch: config.SCHEDULER_BATCH,
      tenantLimits: this.limits,
    });
    this.commands = new CheckpointedConsumer({
      name: 'task-commands',
      groupId: `${eventing.topicPrefix}coordinator.commands`,
      topics: [eventing.topic(Topics.coordinatorCommands.name)],
      kafka: eventing.kafka,
      pool,
      checkpoints: eventing.checkpoints,
      catalogue: hiveCatalogue,
      // The agent manager's reports are its own bookkeeping: it does not wait for their acceptance.
      handler: new CommandProcessor(eventing.store, 'coordinator', {}, taskCommandBatch(this.handler, this.agents, this.tasks, this.limits, schema),
        new Set([ReportTaskStarted.type, ReportTaskProgress.type, ReportTaskCompleted.type, ReportTaskFailed.type])),
    });
    this.projections = new ProjectionRunner({
      kafka: eventing.kafka, pool, schema, catalogue: hiveCatalogue, topicPrefix: eventing.topicPrefix, projections: [this.agents.projection()],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.tasks.migrate(this.eventing.pool);
    await DurableTimers.migrate(this.eventing.pool, this.eventing.schema);
    await this.projections.start();
    await this.commands.start();
    this.timers.start();
    this.scheduler.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.scheduler.stop();
    await this.timers.stop();
    await this.commands.stop();
    await this.projections.stop();
  }

  /** An agent went offline or was deregistered: every attempt it had in flight goes back to the queue. */
  private async requeueLost(tx: PoolClient, lost: { tenant: string; agentId: string; at: string; reason: string }): Promise<void> {
    const attempts = await inFlightOn(tx, this.eventing.schema, lost.tenant, lost.agentId, lost.at);
    const now = new Date().toISOString();
    const meta = { correlationId: randomUUID(), causationId: null };
    const results = await this.handler.executeBatch(tx, attempts.map(({ tenant, taskId, attempt }) => ({
      tenant, command: { type: 'Requeue' as const, data: { taskId, agentId: lost.agentId, attempt, reason: lost.reason }, now }, meta,
    })));
    for (const result of results) if (!result.ok) this.logger.warn(`requeue refused: ${result.error.message}`);
    if (attempts.length > 0) this.logger.log(`requeued ${attempts.length} task(s): ${lost.reason}`);
  }

  private async fire(timers: readonly Timer[], tx: PoolClient): Promise<void> {
    const items: TaskBatchItem[] = [];
    for (const timer of timers) {
      // Timers fire by the database's clock; never let this instance's clock make a due timer look early.
      const now = new Date(Math.max(Date.now(), timer.dueAt.getTime())).toISOString();
      const { tenant, taskId, attempt } = timer.payload as TaskTimerPayload;
      const meta = { correlationId: timer.id, causationId: null };
      if (timer.kind === TIMER_TASK_TIMEOUT) items.push({ tenant, command: { type: 'TimeOut', data: { taskId, attempt }, now }, meta });
      else if (timer.kind === TIMER_TASK_RETRY) items.push({ tenant, command: { type: 'RetryDue', data: { taskId, attempt }, now }, meta });
      else this.logger.warn(`unknown timer kind "${timer.kind}" (${timer.id}) dropped`);
    }
    // A refused timer command wrote nothing; dropping it is right (e.g. the task was removed).
    for (const [index, result] of (await this.handler.executeBatch(tx, items)).entries()) {
      if (!result.ok) this.logger.warn(`timer ${items[index].meta.correlationId} refused: ${result.error.message}`);
    }
  }
}
