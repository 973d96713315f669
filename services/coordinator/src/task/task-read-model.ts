import type { PoolClient } from 'pg';
import { schemaIdent, type Queryable } from '@hive/event-store';
import { estimateTaskTokens } from '../scheduling/tenant-limits';
import type { ReadyTask } from '../scheduling/scheduling-policy';
import type { DependencyStatus } from './task.commands';
import type { TaskState } from './task.decider';

type KnownTask = Exclude<TaskState, { status: 'none' }>;

/**
 * The coordinator's own table of its tasks, written in the same transaction
 * as each task's events (an inline projection of an aggregate it owns), so
 * the scheduler and the dependency checks read exactly what was decided.
 */
export class TaskReadModel {
  private readonly s: string;

  constructor(schema: string) {
    this.s = schemaIdent(schema);
  }

  async migrate(db: Queryable): Promise<void> {
    await db.query(`
      CREATE SCHEMA IF NOT EXISTS ${this.s};
      CREATE TABLE IF NOT EXISTS ${this.s}.tasks (
        tenant            text NOT NULL,
        task_id           text NOT NULL,
        sequence          bigserial NOT NULL,
        status            text NOT NULL,
        priority          integer NOT NULL,
        required          jsonb NOT NULL,
        model             text,
        agent_id          text,
        attempt           integer NOT NULL,
        estimated_tokens  integer NOT NULL,
        used_tokens       integer NOT NULL DEFAULT 0,
        depends_on        text[] NOT NULL,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, task_id)
      );
      ALTER TABLE ${this.s}.tasks ADD COLUMN IF NOT EXISTS assigned_at timestamptz;
      ALTER TABLE ${this.s}.tasks ADD COLUMN IF NOT EXISTS trace_headers jsonb;
      CREATE INDEX IF NOT EXISTS tasks_ready ON ${this.s}.tasks (priority DESC, sequence) WHERE status = 'ready';
      CREATE INDEX IF NOT EXISTS tasks_in_flight ON ${this.s}.tasks (agent_id) WHERE status IN ('assigned', 'running');
      CREATE TABLE IF NOT EXISTS ${this.s}.task_dependencies (
        tenant      text NOT NULL,
        depends_on  text NOT NULL,
        task_id     text NOT NULL,
        PRIMARY KEY (tenant, depends_on, task_id)
      );`);
  }

  /**
   * Writes the states of many tasks after a batch of decisions, in one statement: each row is the
   * task's final state in the batch, `created` adds its dependency edges, `assigned` stamps assigned_at.
   */
  async saveMany(tx: PoolClient, saves: ReadonlyArray<{ tenant: string; state: KnownTask; created: boolean; assigned: boolean; traceHeaders?: Readonly<Record<string, string>> }>): Promise<void> {
    if (saves.length === 0) return;
    const rows = saves.map(({ tenant, state, created, assigned, traceHeaders }) => ({
      tenant, task_id: state.spec.taskId, status: state.status, priority: state.spec.priority, required: state.spec.requiredCapabilities,
      model: state.spec.model ?? null, agent_id: 'agentId' in state ? (state.agentId ?? null) : null, attempt: state.attempt,
      estimated_tokens: estimateTaskTokens(state.spec), used_tokens: state.status === 'completed' ? state.promptTokens + state.completionTokens : 0,
      depends_on: state.spec.dependsOn, assigned, created,
      trace_headers: traceHeaders && Object.keys(traceHeaders).length > 0 ? traceHeaders : null,
    }));
    await tx.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(tenant text, task_id text, status text, priority int, required jsonb, model text,
           agent_id text, attempt int, estimated_tokens int, used_tokens int, depends_on text[], assigned boolean, created boolean, trace_headers jsonb)
       ), saved AS (
         INSERT INTO ${this.s}.tasks AS t (tenant, task_id, status, priority, required, model, agent_id, attempt, estimated_tokens, used_tokens, depends_on, assigned_at, trace_headers)
         SELECT tenant, task_id, status, priority, required, model, agent_id, attempt, estimated_tokens, used_tokens, depends_on, CASE WHEN assigned THEN now() END, trace_headers
         FROM input
         ON CONFLICT (tenant, task_id) DO UPDATE SET status = EXCLUDED.status, agent_id = EXCLUDED.agent_id, attempt = EXCLUDED.attempt,
           used_tokens = EXCLUDED.used_tokens, updated_at = now(), assigned_at = COALESCE(EXCLUDED.assigned_at, t.assigned_at)
         RETURNING 1
       ), edges AS (
         INSERT INTO ${this.s}.task_dependencies (tenant, depends_on, task_id)
         SELECT tenant, unnest(depends_on), task_id FROM input WHERE created
         ON CONFLICT DO NOTHING RETURNING 1
       )
       SELECT (SELECT count(*) FROM saved) AS saved, (SELECT count(*) FROM edges) AS edges`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * How the given tasks stand, for the decider (a task missing from the answer does not exist). With
   * `lock`, the rows are share-locked until the transaction ends: a dependency finishing concurrently
   * either commits first (and is read as finished) or waits until the new dependant is committed (and
   * then finds it), so no dependant is left pending forever.
   */
  async statesOf(tx: PoolClient, wanted: ReadonlyArray<{ tenant: string; taskIds: readonly string[] }>, lock: boolean): Promise<Array<{ tenant: string; taskId: string; status: DependencyStatus }>> {
    const tenants = wanted.flatMap(({ tenant, taskIds }) => taskIds.map(() => tenant));
    const ids = wanted.flatMap(({ taskIds }) => taskIds);
    if (ids.length === 0) return [];
    const { rows } = await tx.query<{ tenant: string; task_id: string; status: string }>(
      `SELECT t.tenant, t.task_id, t.status FROM ${this.s}.tasks t
       WHERE (t.tenant, t.task_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
       ORDER BY t.tenant, t.task_id${lock ? ' FOR SHARE' : ''}`,
      [tenants, ids],
    );
    return rows.map((row) => ({ tenant: row.tenant, taskId: row.task_id, status: toDependencyStatus(row.status) }));
  }

  /**
   * Locks the given tasks' own rows (FOR UPDATE) before their dependants are looked up. A task created
   * concurrently share-locks its dependencies' rows while it reads their states (statesOf with lock):
   * either its transaction commits first (and this one, waiting here, then finds the new dependant), or
   * this one does (and the creation, waiting on its share lock, then reads the finished state).
   */
  async lockRows(tx: PoolClient, tasks: ReadonlyArray<{ tenant: string; taskId: string }>): Promise<void> {
    if (tasks.length === 0) return;
    await tx.query(
      `SELECT 1 FROM ${this.s}.tasks WHERE (tenant, task_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
       ORDER BY tenant, task_id FOR UPDATE`,
      [tasks.map((task) => task.tenant), tasks.map((task) => task.taskId)],
    );
  }

  /**
   * The pending tasks that wait on any of the given ones, locked until the transaction ends. Two
   * dependencies of one task finishing in concurrent transactions would otherwise each read the other
   * as unfinished and leave the dependant pending forever (write skew): with the lock, the second
   * waits for the first to commit and then reads both as they are, or finds the dependant no longer pending.
   */
  async lockDependants(tx: PoolClient, finished: ReadonlyArray<{ tenant: string; taskId: string }>): Promise<Array<{ tenant: string; taskId: string }>> {
    if (finished.length === 0) return [];
    const { rows } = await tx.query<{ tenant: string; task_id: string }>(
      `SELECT DISTINCT ON (t.tenant, t.task_id) t.tenant, t.task_id FROM (
         SELECT t.tenant, t.task_id FROM ${this.s}.task_dependencies d
         JOIN ${this.s}.tasks t ON t.tenant = d.tenant AND t.task_id = d.task_id
         WHERE (d.tenant, d.depends_on) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND t.status = 'pending'
         ORDER BY t.tenant, t.task_id FOR UPDATE OF t
       ) t`,
      [finished.map((task) => task.tenant), finished.map((task) => task.taskId)],
    );
    return rows.map((row) => ({ tenant: row.tenant, taskId: row.task_id }));
  }

  async ready(db: Queryable, limit: number): Promise<Array<ReadyTask & { traceHeaders?: Record<string, string> }>> {
    const { rows } = await db.query<{
      tenant: string; task_id: string; priority: number; sequence: string; required: ReadyTask['requiredCapabilities']; model: string | null; attempt: number;
      estimated_tokens: number; trace_headers: Record<string, string> | null;
    }>(
      `SELECT tenant, task_id, priority, sequence, required, model, attempt, estimated_tokens, trace_headers FROM ${this.s}.tasks
       WHERE status = 'ready' ORDER BY priority DESC, sequence LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      taskId: row.task_id, tenant: row.tenant, priority: row.priority, sequence: Number(row.sequence), requiredCapabilities: row.required,
      model: row.model ?? undefined, attempt: row.attempt + 1, estimatedTokens: row.estimated_tokens,
      ...(row.trace_headers ? { traceHeaders: row.trace_headers } : {}),
    }));
  }

  /** Per tenant: tasks in flight, their reserved token estimates, and the tokens completed tasks used. */
  async tenantUsage(db: Queryable, tenants?: readonly string[]): Promise<Map<string, { active: number; reserved: number; used: number }>> {
    const { rows } = await db.query<{ tenant: string; active: number; reserved: string; used: string }>(
      `SELECT tenant,
         count(*) FILTER (WHERE status IN ('assigned', 'running'))::int AS active,
         COALESCE(sum(estimated_tokens) FILTER (WHERE status IN ('assigned', 'running')), 0) AS reserved,
         COALESCE(sum(used_tokens), 0) AS used
       FROM ${this.s}.tasks ${tenants ? 'WHERE tenant = ANY($1::text[])' : ''} GROUP BY tenant`,
      tenants ? [tenants] : [],
    );
    return new Map(rows.map((row) => [row.tenant, { active: row.active, reserved: Number(row.reserved), used: Number(row.used) }]));
  }
}

function toDependencyStatus(status: string): DependencyStatus {
  switch (status) {
    case 'completed':
    case 'failed':
    case 'cancelled':
    case 'timed_out':
      return status;
    default:
      return 'active';
  }
}
