import type { PoolClient } from 'pg';
import {
  AssignTask, CancelTask, CreateTask, ReportTaskCompleted, ReportTaskFailed, ReportTaskProgress, ReportTaskStarted, RetryTask,
  type AssignTaskData, type CancelTaskData, type CreateTaskData, type Envelope, type ReportTaskCompletedData, type ReportTaskFailedData,
  type ReportTaskProgressData, type ReportTaskStartedData, type RetryTaskData,
} from '@hive/contracts';
import { DomainError } from '@hive/event-store';
import type { CommandAcceptance, CommandHandlerFn } from '@hive/messaging';
import type { AgentView } from '../../agents/agent-view';
import { schedulerActiveOf } from '../../scheduling/agent-load';
import type { TaskCommandHandler } from '../task-command.handler';
import type { TaskCommand } from '../task.commands';
import type { TaskReadModel } from '../task-read-model';

/**
 * Maps the coordinator's command topic onto Task commands: each handler reads
 * what the decider cannot (dependency states, the agent's capacity), then
 * runs the command and its consequences in the consumer's transaction.
 */
export function taskCommandHandlers(handler: TaskCommandHandler, tasks: TaskReadModel, agents: AgentView, schema: string): Record<string, CommandHandlerFn> {
  const run = async (envelope: Envelope, tx: PoolClient, command: TaskCommand): Promise<CommandAcceptance> => {
    const result = await handler.execute(tx, envelope.tenant, command, { correlationId: envelope.correlationId, causationId: envelope.id });
    return { aggregateId: command.data.taskId, streamVersion: result.version };
  };
  const now = () => new Date().toISOString();
  return {
    [CreateTask.type]: async (envelope, tx) => {
      const data = envelope.data as CreateTaskData;
      const dependencyStates = await tasks.dependencyStates(tx, envelope.tenant, data.dependsOn, true);
      return run(envelope, tx, { type: 'CreateTask', data, dependencyStates });
    },
    [CancelTask.type]: (envelope, tx) => run(envelope, tx, { type: 'CancelTask', data: envelope.data as CancelTaskData }),
    [AssignTask.type]: async (envelope, tx) => {
      const data = envelope.data as AssignTaskData;
      const agent = await agents.lockOne(tx, envelope.tenant, data.agentId);
      if (!agent) throw new DomainError('not_found', `agent "${data.agentId}" does not exist`);
      if (agent.status === 'offline') throw new DomainError('unavailable', `agent "${data.agentId}" is offline`);
      const active = await schedulerActiveOf(tx, schema, agent.tenant, agent.agentId);
      if (active >= agent.maxConcurrent) {
        throw new DomainError('limit_exceeded', `agent "${data.agentId}" is running ${active} of its ${agent.maxConcurrent} concurrent tasks`);
      }
      return run(envelope, tx, { type: 'AssignTask', data });
    },
    [RetryTask.type]: async (envelope, tx) => {
      const data = envelope.data as RetryTaskData;
      const dependencyStates = await tasks.dependencyStates(tx, envelope.tenant, await tasks.dependsOn(tx, envelope.tenant, data.taskId), true);
      return run(envelope, tx, { type: 'RetryTask', data, dependencyStates });
    },
    [ReportTaskStarted.type]: (envelope, tx) => run(envelope, tx, { type: 'StartTask', data: envelope.data as ReportTaskStartedData }),
    [ReportTaskProgress.type]: (envelope, tx) => run(envelope, tx, { type: 'ReportProgress', data: envelope.data as ReportTaskProgressData }),
    [ReportTaskCompleted.type]: (envelope, tx) => run(envelope, tx, { type: 'ReportCompleted', data: envelope.data as ReportTaskCompletedData }),
    [ReportTaskFailed.type]: (envelope, tx) => {
      const data = envelope.data as ReportTaskFailedData;
      if (data.agentId === undefined) throw new DomainError('invalid', 'a failure report must name the agent that ran the attempt');
      return run(envelope, tx, { type: 'ReportFailed', data: { ...data, agentId: data.agentId }, now: now() });
    },
  };
}
