import type { PoolClient } from 'pg';
import {
  AssignTask, CancelTask, CreateTask, ReportTaskCompleted, ReportTaskFailed, ReportTaskProgress, ReportTaskStarted, RetryTask,
  type AssignTaskData, type CancelTaskData, type CreateTaskData, type Envelope, type ReportTaskCompletedData, type ReportTaskFailedData,
  type ReportTaskProgressData, type ReportTaskStartedData, type RetryTaskData,
} from '@hive/contracts';
import { DomainError } from '@hive/event-store';
import { FatalMessageError, type BatchCommandHandlerFn, type CommandAcceptance } from '@hive/messaging';
import type { AgentView } from '../../agents/agent-view';
import { schedulerActiveOf } from '../../scheduling/agent-load';
import type { TenantLimits } from '../../scheduling/tenant-limits';
import type { TaskBatchResult, TaskCommandHandler, TaskRequest } from '../task-command.handler';
import type { TaskReadModel } from '../task-read-model';

/**
 * Maps the coordinator's command topic onto Task commands. A batch from the
 * consumer is decided together (TaskCommandHandler.executeBatch), except a
 * manual assignment, which first locks its agent and checks its capacity and
 * is applied on its own, in its place in the batch.
 */
export function taskCommandBatch(handler: TaskCommandHandler, agents: AgentView, tasks: TaskReadModel, limits: TenantLimits, schema: string): BatchCommandHandlerFn {
  const assign = async (envelope: Envelope, tx: PoolClient): Promise<CommandAcceptance | DomainError> => {
    const data = envelope.data as AssignTaskData;
    const agent = await agents.lockOne(tx, envelope.tenant, data.agentId);
    if (!agent) return new DomainError('not_found', `agent "${data.agentId}" does not exist`);
    if (agent.status === 'offline') return new DomainError('unavailable', `agent "${data.agentId}" is offline`);
    const active = await schedulerActiveOf(tx, schema, agent.tenant, agent.agentId);
    if (active >= agent.maxConcurrent) {
      return new DomainError('limit_exceeded', `agent "${data.agentId}" is running ${active} of its ${agent.maxConcurrent} concurrent tasks`);
    }
    return outcomeOf(data.taskId, (await handler.executeBatch(tx, [{ tenant: envelope.tenant, command: { type: 'AssignTask', data }, meta: metaOf(envelope) }]))[0]);
  };

  /**
   * A tenant that has spent its token budget may not queue more work: its new tasks are refused with
   * the figures (tasks it already queued wait, with the reason token_budget_exhausted, in the scheduler).
   */
  const overBudget = async (commands: readonly Envelope[], tx: PoolClient): Promise<Map<string, DomainError>> => {
    const budgeted = [...new Set(commands.filter((command) => command.type === CreateTask.type).map((command) => command.tenant))]
      .filter((tenant) => limits.of(tenant).tokenBudget !== undefined);
    const refusals = new Map<string, DomainError>();
    if (budgeted.length === 0) return refusals;
    const usage = await tasks.tenantUsage(tx, budgeted);
    for (const tenant of budgeted) {
      const budget = limits.of(tenant).tokenBudget ?? Infinity;
      const used = usage.get(tenant)?.used ?? 0;
      if (used >= budget) refusals.set(tenant, new DomainError('limit_exceeded', `tenant "${tenant}" has used its token budget: ${used} of ${budget} tokens`));
    }
    return refusals;
  };

  return async (commands, tx) => {
    const outcomes: Array<CommandAcceptance | DomainError> = [];
    const refused = await overBudget(commands, tx);
    let run: Array<{ envelope: Envelope; request: TaskRequest | DomainError }> = [];
    const flushRun = async () => {
      const valid = run.filter((entry): entry is { envelope: Envelope; request: TaskRequest } => !(entry.request instanceof DomainError));
      const results = await handler.executeBatch(tx, valid.map(({ envelope, request }) => ({ tenant: envelope.tenant, command: request, meta: metaOf(envelope) })));
      let next = 0;
      for (const { request } of run) outcomes.push(request instanceof DomainError ? request : outcomeOf(request.data.taskId, results[next++]));
      run = [];
    };
    for (const envelope of commands) {
      if (envelope.type === AssignTask.type) {
        await flushRun();
        outcomes.push(await assign(envelope, tx));
      } else {
        const refusal = envelope.type === CreateTask.type ? refused.get(envelope.tenant) : undefined;
        run.push({ envelope, request: refusal ?? toRequest(envelope) });
      }
    }
    await flushRun();
    return outcomes;
  };
}

const metaOf = (envelope: Envelope) => ({ correlationId: envelope.correlationId, causationId: envelope.id });

function outcomeOf(taskId: string, result: TaskBatchResult): CommandAcceptance | DomainError {
  return result.ok ? { aggregateId: taskId, streamVersion: result.version } : result.error;
}

/** The Task command a message asks for; a message the coordinator cannot handle fails its batch. */
function toRequest(envelope: Envelope): TaskRequest | DomainError {
  switch (envelope.type) {
    case CreateTask.type:
      return { type: 'CreateTask', data: envelope.data as CreateTaskData };
    case CancelTask.type:
      return { type: 'CancelTask', data: envelope.data as CancelTaskData };
    case RetryTask.type:
      return { type: 'RetryTask', data: envelope.data as RetryTaskData };
    case ReportTaskStarted.type:
      return { type: 'StartTask', data: envelope.data as ReportTaskStartedData };
    case ReportTaskProgress.type:
      return { type: 'ReportProgress', data: envelope.data as ReportTaskProgressData };
    case ReportTaskCompleted.type:
      return { type: 'ReportCompleted', data: envelope.data as ReportTaskCompletedData };
    case ReportTaskFailed.type: {
      const data = envelope.data as ReportTaskFailedData;
      if (data.agentId === undefined) return new DomainError('invalid', 'a failure report must name the agent that ran the attempt');
      return { type: 'ReportFailed', data: { ...data, agentId: data.agentId }, now: new Date().toISOString() };
    }
    default:
      throw new FatalMessageError(`the coordinator has no handler for command "${envelope.type}"`);
  }
}
