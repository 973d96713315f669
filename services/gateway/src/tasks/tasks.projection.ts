import type { PoolClient } from 'pg';
import {
  Topics, type TaskAssignedData, type TaskCancelledData, type TaskCompletedData, type TaskCreatedData, type TaskFailedData,
  type TaskProgressData, type TaskRequeuedData, type TaskRetryScheduledData, type TaskStartedData, type TaskTimedOutData,
} from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';

export const tasksTable = (schema: string): string => `${schemaIdent(schema)}.tasks`;

/** The gateway's tasks read model (GET /api/tasks...), from hive.task.events. */
export function tasksProjection(schema: string): Projection {
  const table = tasksTable(schema);
  const update = (tx: PoolClient, tenant: string, taskId: string, at: string, set: string, values: unknown[]) =>
    tx.query(`UPDATE ${table} SET ${set}, updated_at = $3, version = version + 1 WHERE tenant = $1 AND task_id = $2`, [tenant, taskId, at, ...values]);
  return {
    name: 'tasks',
    version: 1,
    topics: [Topics.taskEvents.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${table} (
          tenant text NOT NULL, task_id text NOT NULL, title text NOT NULL, type text NOT NULL, priority integer NOT NULL,
          status text NOT NULL, spec jsonb NOT NULL, agent_id text, attempt integer NOT NULL DEFAULT 0, tokens_so_far integer,
          result text, result_json jsonb, metrics jsonb, error text, retry_at timestamptz,
          created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, started_at timestamptz, finished_at timestamptz,
          version integer NOT NULL DEFAULT 1, PRIMARY KEY (tenant, task_id));
        CREATE INDEX IF NOT EXISTS tasks_by_created ON ${table} (tenant, created_at, task_id);
        CREATE INDEX IF NOT EXISTS tasks_by_status ON ${table} (tenant, status)`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      for (const { envelope } of messages) {
        const { tenant, occurredAt: at } = envelope;
        switch (envelope.type) {
          case 'task.created': {
            const d = envelope.data as TaskCreatedData;
            await tx.query(
              `INSERT INTO ${table} (tenant, task_id, title, type, priority, status, spec, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $7) ON CONFLICT DO NOTHING`,
              [tenant, d.taskId, d.title, d.type, d.priority, JSON.stringify(d), at]);
            break;
          }
          case 'task.ready':
            await update(tx, tenant, (envelope.data as { taskId: string }).taskId, at, `status = 'ready'`, []);
            break;
          case 'task.assigned': {
            const d = envelope.data as TaskAssignedData;
            await update(tx, tenant, d.taskId, at, `status = 'assigned', agent_id = $4, attempt = $5`, [d.agentId, d.attempt]);
            break;
          }
          case 'task.started': {
            const d = envelope.data as TaskStartedData;
            await update(tx, tenant, d.taskId, at, `status = 'running', started_at = $3, tokens_so_far = 0`, []);
            break;
          }
          case 'task.progress': {
            const d = envelope.data as TaskProgressData;
            await update(tx, tenant, d.taskId, at, `tokens_so_far = $4`, [d.tokensSoFar]);
            break;
          }
          case 'task.completed': {
            const d = envelope.data as TaskCompletedData;
            const metrics = { model: d.model, promptTokens: d.promptTokens, completionTokens: d.completionTokens, tokensPerSecond: d.tokensPerSecond, responseTimeMs: d.responseTimeMs };
            await update(tx, tenant, d.taskId, at, `status = 'completed', result = $4, result_json = $5, metrics = $6, finished_at = $3, agent_id = $7`,
              [d.result, d.resultJson === undefined ? null : JSON.stringify(d.resultJson), JSON.stringify(metrics), d.agentId]);
            break;
          }
          case 'task.failed': {
            const d = envelope.data as TaskFailedData;
            await update(tx, tenant, d.taskId, at, `status = 'failed', error = $4, finished_at = $3`, [d.reason]);
            break;
          }
          case 'task.timed_out': {
            const d = envelope.data as TaskTimedOutData;
            await update(tx, tenant, d.taskId, at, `status = 'timed_out', error = $4, finished_at = $3`, [`timed out after ${d.timeoutMs} ms`]);
            break;
          }
          case 'task.retry_scheduled': {
            const d = envelope.data as TaskRetryScheduledData;
            await update(tx, tenant, d.taskId, at, `status = 'retry_scheduled', retry_at = $4, finished_at = NULL`, [d.notBefore]);
            break;
          }
          case 'task.requeued': {
            const d = envelope.data as TaskRequeuedData;
            await update(tx, tenant, d.taskId, at, `status = 'ready', agent_id = NULL, error = $4`, [d.reason]);
            break;
          }
          case 'task.cancelled': {
            const d = envelope.data as TaskCancelledData;
            await update(tx, tenant, d.taskId, at, `status = 'cancelled', error = $4, finished_at = $3`, [d.reason]);
            break;
          }
          default:
            break;
        }
      }
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${table}`);
    },
  };
}
