import type { PoolClient } from 'pg';
import {
  Topics, type TaskAssignedData, type TaskCancelledData, type TaskCompletedData, type TaskCreatedData, type TaskFailedData,
  type TaskProgressData, type TaskRequeuedData, type TaskRetryScheduledData, type TaskStartedData, type TaskTimedOutData,
} from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';

export const tasksTable = (schema: string): string => `${schemaIdent(schema)}.tasks`;

/** Columns an event can change after creation. */
const PATCH_COLUMNS = ['status', 'agent_id', 'attempt', 'tokens_so_far', 'result', 'result_json', 'metrics', 'error', 'retry_at', 'started_at', 'finished_at'] as const;
type PatchColumn = (typeof PATCH_COLUMNS)[number];
type Patch = Partial<Record<PatchColumn, unknown>>;

interface TaskChange {
  tenant: string;
  task_id: string;
  created?: Record<string, unknown>;
  patch: Patch;
  updated_at: string;
  events: number;
}

/** What one event changes on its task (in event order, later changes win). */
function patchOf(type: string, data: unknown, at: string): Patch | undefined {
  switch (type) {
    case 'task.ready': return { status: 'ready' };
    case 'task.assigned': {
      const d = data as TaskAssignedData;
      return { status: 'assigned', agent_id: d.agentId, attempt: d.attempt };
    }
    case 'task.started': {
      const d = data as TaskStartedData;
      return { status: 'running', agent_id: d.agentId, started_at: at, tokens_so_far: 0 };
    }
    case 'task.progress': return { tokens_so_far: (data as TaskProgressData).tokensSoFar };
    case 'task.completed': {
      const d = data as TaskCompletedData;
      return {
        status: 'completed', result: d.result, result_json: d.resultJson ?? null, agent_id: d.agentId, finished_at: at,
        metrics: { model: d.model, promptTokens: d.promptTokens, completionTokens: d.completionTokens, tokensPerSecond: d.tokensPerSecond, responseTimeMs: d.responseTimeMs },
      };
    }
    case 'task.failed': return { status: 'failed', error: (data as TaskFailedData).reason, finished_at: at };
    case 'task.timed_out': return { status: 'timed_out', error: `timed out after ${(data as TaskTimedOutData).timeoutMs} ms`, finished_at: at };
    case 'task.retry_scheduled': return { status: 'retry_scheduled', retry_at: (data as TaskRetryScheduledData).notBefore, finished_at: null };
    case 'task.requeued': return { status: 'ready', agent_id: null, error: (data as TaskRequeuedData).reason };
    case 'task.cancelled': return { status: 'cancelled', error: (data as TaskCancelledData).reason, finished_at: at };
    default: return undefined;
  }
}

/**
 * The gateway's tasks read model (GET /api/tasks...), from hive.task.events.
 * A batch is folded per task in memory, then written with two set-based
 * statements (insert the new tasks, patch the changed ones), so its cost does
 * not grow with round trips per event.
 */
export function tasksProjection(schema: string): Projection {
  const table = tasksTable(schema);
  const setters = PATCH_COLUMNS.map((c) => `${c} = CASE WHEN p.patch ? '${c}' THEN ${cast(c)} ELSE t.${c} END`).join(',\n            ');
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
      const changes = new Map<string, TaskChange>();
      for (const { envelope } of messages) {
        const taskId = (envelope.data as { taskId?: unknown }).taskId;
        if (typeof taskId !== 'string') continue;
        const key = `${envelope.tenant}\u0000${taskId}`;
        let change = changes.get(key);
        if (envelope.type === 'task.created') {
          const d = envelope.data as TaskCreatedData;
          change ??= { tenant: envelope.tenant, task_id: taskId, patch: {}, updated_at: envelope.occurredAt, events: 0 };
          change.created = { title: d.title, type: d.type, priority: d.priority, spec: d, created_at: envelope.occurredAt };
          change.updated_at = envelope.occurredAt;
          changes.set(key, change);
          continue;
        }
        const patch = patchOf(envelope.type, envelope.data, envelope.occurredAt);
        if (!patch) continue;
        change ??= { tenant: envelope.tenant, task_id: taskId, patch: {}, updated_at: envelope.occurredAt, events: 0 };
        Object.assign(change.patch, patch);
        change.updated_at = envelope.occurredAt;
        change.events++;
        changes.set(key, change);
      }
      if (changes.size === 0) return;
      const all = [...changes.values()];
      const created = all.filter((c) => c.created).map((c) => ({ tenant: c.tenant, task_id: c.task_id, ...c.created }));
      if (created.length > 0) {
        await tx.query(
          `INSERT INTO ${table} (tenant, task_id, title, type, priority, status, spec, created_at, updated_at)
           SELECT r.tenant, r.task_id, r.title, r.type, r.priority, 'pending', r.spec, r.created_at, r.created_at
           FROM jsonb_to_recordset($1::jsonb) AS r(tenant text, task_id text, title text, type text, priority int, spec jsonb, created_at timestamptz)
           ON CONFLICT DO NOTHING`,
          [JSON.stringify(created)]);
      }
      const patched = all.filter((c) => c.events > 0).map((c) => ({ tenant: c.tenant, task_id: c.task_id, patch: c.patch, updated_at: c.updated_at, events: c.events }));
      if (patched.length > 0) {
        await tx.query(
          `UPDATE ${table} AS t SET
            ${setters},
            updated_at = p.updated_at, version = t.version + p.events
           FROM jsonb_to_recordset($1::jsonb) AS p(tenant text, task_id text, patch jsonb, updated_at timestamptz, events int)
           WHERE t.tenant = p.tenant AND t.task_id = p.task_id`,
          [JSON.stringify(patched)]);
      }
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${table}`);
    },
  };
}

/** The SQL that reads a patched column from the batch's jsonb patch. */
function cast(column: PatchColumn): string {
  switch (column) {
    case 'attempt':
    case 'tokens_so_far': return `(p.patch->>'${column}')::int`;
    case 'result_json':
    case 'metrics': return `NULLIF(p.patch->'${column}', 'null'::jsonb)`;
    case 'retry_at':
    case 'started_at':
    case 'finished_at': return `(p.patch->>'${column}')::timestamptz`;
    case 'status':
    case 'agent_id':
    case 'result':
    case 'error': return `p.patch->>'${column}'`;
  }
}
