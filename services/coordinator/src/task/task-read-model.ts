import type { PoolClient } from 'pg';
import { schemaIdent, type Queryable } from '@hive/event-store';
import { estimateTaskTokens } from '../scheduling/tenant-limits';
import type { ReadyTask } from '../scheduling/scheduling-policy';
import type { DependencyStates, DependencyStatus } from './task.commands';
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
      CREATE INDEX IF NOT EXISTS tasks_ready ON ${this.s}.tasks (priority DESC, sequence) WHERE status = 'ready';
      CREATE INDEX IF NOT EXISTS tasks_in_flight ON ${this.s}.tasks (agent_id) WHERE status IN ('assigned', 'running');
      CREATE TABLE IF NOT EXISTS ${this.s}.task_dependencies (
        tenant      text NOT NULL,
        depends_on  text NOT NULL,
        task_id     text NOT NULL,
        PRIMARY KEY (tenant, depends_on, task_id)
      );`);
  }

  /** Writes a task's state after a decision. */
  async save(tx: PoolClient, tenant: string, state: KnownTask, created: boolean): Promise<void> {
    const spec = state.spec;
    const agentId = 'agentId' in state ? (state.agentId ?? null) : null;
    const used = state.status === 'completed' ? state.promptTokens + state.completionTokens : 0;
    await tx.query(
      `INSERT INTO ${this.s}.tasks AS t (tenant, task_id, status, priority, required, model, agent_id, attempt, estimated_tokens, used_tokens, depends_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (tenant, task_id) DO UPDATE SET status = EXCLUDED.status, agent_id = EXCLUDED.agent_id, attempt = EXCLUDED.attempt,
         used_tokens = EXCLUDED.used_tokens, updated_at = now(),
         assigned_at = CASE WHEN EXCLUDED.status = 'assigned' AND t.status <> 'assigned' THEN now() ELSE t.assigned_at END`,
      [tenant, spec.taskId, state.status, spec.priority, JSON.stringify(spec.requiredCapabilities), spec.model ?? null, agentId, state.attempt,
        estimateTaskTokens(spec), used, spec.dependsOn],
    );
    if (created && spec.dependsOn.length > 0) {
      await tx.query(
        `INSERT INTO ${this.s}.task_dependencies (tenant, depends_on, task_id) SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING`,
        [tenant, spec.dependsOn, spec.taskId],
      );
    }
  }

  /**
   * How each of the given tasks stands, for the decider; missing ids do not exist (in this tenant).
   * With `lock`, the rows are share-locked until the transaction ends: a dependency finishing
   * concurrently either commits first (and is read as finished) or waits until the new dependant
   * is committed (and then finds it), so no dependant is left pending forever.
   */
  async dependencyStates(db: Queryable, tenant: string, taskIds: readonly string[], lock = false): Promise<DependencyStates> {
    if (taskIds.length === 0) return {};
    const { rows } = await db.query<{ task_id: string; status: string }>(
      `SELECT task_id, status FROM ${this.s}.tasks WHERE tenant = $1 AND task_id = ANY($2::text[]) ORDER BY task_id${lock ? ' FOR SHARE' : ''}`,
      [tenant, taskIds],
    );
    const states: Record<string, DependencyStatus> = {};
    for (const row of rows) states[row.task_id] = toDependencyStatus(row.status);
    return states;
  }

  async dependsOn(db: Queryable, tenant: string, taskId: string): Promise<string[]> {
    const { rows } = await db.query<{ depends_on: string[] }>(`SELECT depends_on FROM ${this.s}.tasks WHERE tenant = $1 AND task_id = $2`, [tenant, taskId]);
    return rows[0]?.depends_on ?? [];
  }

  /**
   * The pending tasks that wait on `taskId`, locked until the transaction ends. Two dependencies of
   * one task finishing in concurrent transactions would otherwise each read the other as unfinished
   * and leave the dependant pending forever (write skew): with the lock, the second waits for the
   * first to commit and then reads both as they are, or finds the dependant no longer pending.
   */
  async dependants(tx: PoolClient, tenant: string, taskId: string): Promise<Array<{ taskId: string; dependsOn: string[] }>> {
    const { rows } = await tx.query<{ task_id: string; depends_on: string[] }>(
      `SELECT t.task_id, t.depends_on FROM ${this.s}.task_dependencies d
       JOIN ${this.s}.tasks t ON t.tenant = d.tenant AND t.task_id = d.task_id
       WHERE d.tenant = $1 AND d.depends_on = $2 AND t.status = 'pending'
       ORDER BY t.task_id FOR UPDATE OF t`,
      [tenant, taskId],
    );
    return rows.map((row) => ({ taskId: row.task_id, dependsOn: row.depends_on }));
  }

  async ready(db: Queryable, limit: number): Promise<ReadyTask[]> {
    const { rows } = await db.query<{ tenant: string; task_id: string; priority: number; sequence: string; required: ReadyTask['requiredCapabilities']; model: string | null; attempt: number; estimated_tokens: number }>(
      `SELECT tenant, task_id, priority, sequence, required, model, attempt, estimated_tokens FROM ${this.s}.tasks
       WHERE status = 'ready' ORDER BY priority DESC, sequence LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      taskId: row.task_id, tenant: row.tenant, priority: row.priority, sequence: Number(row.sequence), requiredCapabilities: row.required,
      model: row.model ?? undefined, attempt: row.attempt + 1, estimatedTokens: row.estimated_tokens,
    }));
  }

  /** Per tenant: tasks in flight, their reserved token estimates, and the tokens completed tasks used. */
  async tenantUsage(db: Queryable): Promise<Map<string, { active: number; reserved: number; used: number }>> {
    const { rows } = await db.query<{ tenant: string; active: number; reserved: string; used: string }>(
      `SELECT tenant,
         count(*) FILTER (WHERE status IN ('assigned', 'running'))::int AS active,
         COALESCE(sum(estimated_tokens) FILTER (WHERE status IN ('assigned', 'running')), 0) AS reserved,
         COALESCE(sum(used_tokens), 0) AS used
       FROM ${this.s}.tasks GROUP BY tenant`,
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
