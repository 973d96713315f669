import type { PoolClient } from 'pg';
import { handleCommand, type DurableTimers, type PostgresEventStore } from '@hive/event-store';
import type { TaskCommand, DependencyOutcome } from './task.commands';
import { taskDecider, taskStreamId, type TaskState } from './task.decider';
import type { TaskReadModel } from './task-read-model';

export interface CommandMeta {
  readonly correlationId: string;
  readonly causationId: string | null;
}

type KnownTask = Exclude<TaskState, { status: 'none' }>;

export const TIMER_TASK_TIMEOUT = 'task.timeout';
export const TIMER_TASK_RETRY = 'task.retry_due';
export interface TaskTimerPayload {
  readonly tenant: string;
  readonly taskId: string;
  readonly attempt: number;
}

const timeoutTimerId = (tenant: string, taskId: string) => `task-timeout/${tenant}/${taskId}`;
const retryTimerId = (tenant: string, taskId: string) => `task-retry/${tenant}/${taskId}`;
const ENDED_BADLY = new Set(['failed', 'cancelled', 'timed_out']);
const WAKES_SCHEDULER = new Set(['task.ready', 'task.completed', 'task.failed', 'task.cancelled', 'task.timed_out', 'task.requeued']);

/**
 * Runs one Task command inside the caller's transaction and everything that
 * follows from its events in the same transaction: the coordinator's task
 * table, the attempt's timeout and the retry's timer, dependants made ready
 * or taken down, and a wake-up for the scheduler.
 */
export class TaskCommandHandler {
  constructor(
    private readonly store: PostgresEventStore,
    private readonly tasks: TaskReadModel,
    private readonly timers: DurableTimers,
    private readonly schedulerChannel: string,
  ) {}

  async execute(tx: PoolClient, tenant: string, command: TaskCommand, meta: CommandMeta): Promise<{ version: number; state: TaskState }> {
    const taskId = command.data.taskId;
    const result = await handleCommand(this.store, tx, taskStreamId(tenant, taskId), taskDecider, command, {
      tenant, correlationId: meta.correlationId, causationId: meta.causationId, key: taskId,
    });
    if (result.envelopes.length === 0 || result.state.status === 'none') return { version: result.nextVersion, state: result.state };
    const state = result.state;
    const types = result.envelopes.map((envelope) => envelope.type);
    await this.tasks.save(tx, tenant, state, types.includes('task.created'));
    await this.followUp(tx, tenant, state, types, meta);
    return { version: result.nextVersion, state };
  }

  private async followUp(tx: PoolClient, tenant: string, state: KnownTask, types: readonly string[], meta: CommandMeta): Promise<void> {
    const taskId = state.spec.taskId;
    const payload: TaskTimerPayload = { tenant, taskId, attempt: state.attempt };
    if (types.includes('task.assigned')) {
      await this.timers.schedule(tx, [{ id: timeoutTimerId(tenant, taskId), kind: TIMER_TASK_TIMEOUT, dueAt: new Date(Date.now() + state.spec.timeoutMs), payload }]);
    } else if (state.status !== 'assigned' && state.status !== 'running') {
      await this.timers.cancel(tx, [timeoutTimerId(tenant, taskId)]);
    }
    if (state.status === 'retry_scheduled') {
      // RetryDue names the attempt that will run, as task.retry_scheduled does: the failed one + 1.
      const retry: TaskTimerPayload = { ...payload, attempt: state.attempt + 1 };
      await this.timers.schedule(tx, [{ id: retryTimerId(tenant, taskId), kind: TIMER_TASK_RETRY, dueAt: new Date(state.notBefore), payload: retry }]);
    }
    const next: CommandMeta = { correlationId: meta.correlationId, causationId: meta.causationId };
    if (state.status === 'completed') {
      for (const dependant of await this.tasks.dependants(tx, tenant, taskId)) {
        const dependencyStates = await this.tasks.dependencyStates(tx, tenant, dependant.dependsOn);
        if (dependant.dependsOn.every((id) => dependencyStates[id] === 'completed')) {
          await this.execute(tx, tenant, { type: 'MarkReady', data: { taskId: dependant.taskId }, dependencyStates }, next);
        }
      }
    } else if (ENDED_BADLY.has(state.status)) {
      const outcome = state.status as DependencyOutcome;
      const reason = state.status === 'failed' ? state.reason : state.status === 'cancelled' ? state.reason : 'timed out';
      for (const dependant of await this.tasks.dependants(tx, tenant, taskId)) {
        await this.execute(tx, tenant, { type: 'DependencyFailed', data: { taskId: dependant.taskId, dependencyId: taskId, outcome, reason } }, next);
      }
    }
    if (types.some((type) => WAKES_SCHEDULER.has(type))) await tx.query('SELECT pg_notify($1, \'\')', [this.schedulerChannel]);
  }
}
