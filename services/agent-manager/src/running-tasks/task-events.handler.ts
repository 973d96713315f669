import type { PoolClient } from 'pg';
import {
  SHARED_AGENT_TENANT, type TaskAssignedData, type TaskCancelledData, type TaskCreatedData, type TaskRequeuedData, type TaskTimedOutData,
} from '@hive/contracts';
import { traceHeadersFor } from '@hive/event-store';
import type { BatchHandler, ConsumedMessage } from '@hive/messaging';
import type { AgentRegistry } from '../agent/agent-registry';
import type { NewRun, TaskRunsRepository, TaskSpec } from './task-runs.repository';

export interface RunEnded {
  readonly tenant: string;
  readonly taskId: string;
  readonly attempts: readonly number[];
  readonly reason: string;
}

/**
 * Reads hive.task.events for the runtime: remembers task specs, turns each
 * task.assigned to one of this service's agents into a pending run, and ends
 * runs whose attempt the coordinator cancelled, timed out or requeued.
 * Ended runs are collected so the consumer can abort them after commit.
 */
export class TaskEventsHandler implements BatchHandler {
  readonly ended: RunEnded[] = [];

  constructor(private readonly runs: TaskRunsRepository, private readonly registry: AgentRegistry) {}

  async handle(messages: readonly ConsumedMessage[], tx: PoolClient): Promise<void> {
    const specs: TaskSpec[] = [];
    const ended: RunEnded[] = [];
    let assigned: NewRun[] = [];
    // Specs before the runs that need them, and the runs before an event that may end them: order kept, one write per kind.
    const writeRuns = async () => {
      await this.runs.saveSpecs(tx, specs.splice(0));
      const managed = await this.registry.managedAmong(tx, assigned, SHARED_AGENT_TENANT);
      await this.runs.addRuns(tx, assigned.filter((run) => managed.has(`${run.tenant}/${run.agentId}`)));
      assigned = [];
    };
    for (const { envelope } of messages) {
      const tenant = envelope.tenant;
      switch (envelope.type) {
        case 'task.created': {
          const data = envelope.data as TaskCreatedData;
          specs.push({ tenant, taskId: data.taskId, prompt: data.prompt, system: data.system, model: data.model, payload: data.payload, timeoutMs: data.timeoutMs });
          break;
        }
        case 'task.assigned': {
          const data = envelope.data as TaskAssignedData;
          assigned.push({
            tenant, taskId: data.taskId, attempt: data.attempt, agentId: data.agentId, correlationId: envelope.correlationId, causationId: envelope.id,
            traceHeaders: traceHeadersFor(envelope.id),
          });
          break;
        }
        case 'task.cancelled':
        case 'task.timed_out':
        case 'task.requeued': {
          if (assigned.length > 0) await writeRuns();
          const data = envelope.data as TaskCancelledData | TaskTimedOutData | TaskRequeuedData;
          const attempts = await this.runs.endRuns(tx, tenant, data.taskId);
          if (attempts.length > 0) ended.push({ tenant, taskId: data.taskId, attempts, reason: envelope.type });
          break;
        }
        default:
          break;
      }
    }
    await writeRuns();
    // Only after the whole batch committed are the aborts real: the consumer drains `ended` in afterCommit.
    this.ended.push(...ended);
  }
}
