import type { PoolClient } from 'pg';
import type { JsonObject } from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';

export interface TaskSpec {
  readonly tenant: string;
  readonly taskId: string;
  readonly prompt: string;
  readonly system?: string;
  readonly model?: string;
  readonly payload?: JsonObject;
  readonly timeoutMs: number;
}

export interface NewRun {
  readonly tenant: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly agentId: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** The trace of the task.assigned event (traceparent, tracestate), so the provider call joins it. */
  readonly traceHeaders?: Readonly<Record<string, string>>;
}

export const runKey = (tenant: string, taskId: string, attempt: number): string => `${tenant}/${taskId}/${attempt}`;

export interface ClaimedRun extends TaskSpec {
  readonly attempt: number;
  readonly agentId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly traceHeaders: Readonly<Record<string, string>>;
}

/**
 * What the task runtime knows: the specs of tasks (from task.created) and the
 * runs assigned to agents of this service (from task.assigned), each run
 * pending -> running -> done. Written by the task-events consumer in its
 * transaction; runs are claimed with SKIP LOCKED so instances never share one.
 */
export class TaskRunsRepository {
  private readonly s: string;

  constructor(schema: string) {
    this.s = schemaIdent(schema);
  }

  async migrate(db: Queryable): Promise<void> {
    await db.query(`
      CREATE TABLE IF NOT EXISTS ${this.s}.task_specs (
        tenant text NOT NULL, task_id text NOT NULL, prompt text NOT NULL, system text, model text, payload jsonb, timeout_ms integer NOT NULL,
        PRIMARY KEY (tenant, task_id));
      CREATE TABLE IF NOT EXISTS ${this.s}.task_runs (
        tenant text NOT NULL, task_id text NOT NULL, attempt integer NOT NULL, agent_id text NOT NULL,
        state text NOT NULL, correlation_id text NOT NULL, causation_id text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant, task_id, attempt));
      CREATE INDEX IF NOT EXISTS task_runs_pending ON ${this.s}.task_runs (updated_at) WHERE state = 'pending';
      ALTER TABLE ${this.s}.task_runs ADD COLUMN IF NOT EXISTS trace_headers jsonb;
      CREATE INDEX IF NOT EXISTS task_runs_open ON ${this.s}.task_runs (agent_id) WHERE state <> 'done';`)
  }

  async saveSpecs(tx: PoolClient, specs: readonly TaskSpec[]): Promise<void> {
    if (specs.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.s}.task_specs (tenant, task_id, prompt, system, model, payload, timeout_ms)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(tenant text, task_id text, prompt text, system text, model text, payload jsonb, timeout_ms int)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(specs.map((spec) => ({
        tenant: spec.tenant, task_id: spec.taskId, prompt: spec.prompt, system: spec.system ?? null, model: spec.model ?? null, payload: spec.payload ?? null, timeout_ms: spec.timeoutMs,
      })))],
    );
  }

  async addRuns(tx: PoolClient, runs: ReadonlyArray<NewRun>): Promise<void> {
    if (runs.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.s}.task_runs (tenant, task_id, attempt, agent_id, state, correlation_id, causation_id, trace_headers)
       SELECT tenant, task_id, attempt, agent_id, 'pending', correlation_id, causation_id, trace_headers
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant text, task_id text, attempt int, agent_id text, correlation_id text, causation_id text, trace_headers jsonb)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(runs.map((run) => ({
        tenant: run.tenant, task_id: run.taskId, attempt: run.attempt, agent_id: run.agentId, correlation_id: run.correlationId, causation_id: run.causationId,
        trace_headers: run.traceHeaders && Object.keys(run.traceHeaders).length > 0 ? run.traceHeaders : null,
      })))],
    );
  }

  /** Ends every open run of the task (cancelled, timed out, requeued); returns the attempts that were not done yet. */
  async endRuns(tx: PoolClient, tenant: string, taskId: string): Promise<number[]> {
    const { rows } = await tx.query<{ attempt: number }>(
      `UPDATE ${this.s}.task_runs SET state = 'done', updated_at = now() WHERE tenant = $1 AND task_id = $2 AND state <> 'done' RETURNING attempt`,
      [tenant, taskId],
    );
    return rows.map((row) => row.attempt);
  }

  async claim(db: Queryable, limit: number): Promise<ClaimedRun[]> {
    const { rows } = await db.query<{
      tenant: string; task_id: string; attempt: number; agent_id: string; correlation_id: string; causation_id: string;
      prompt: string; system: string | null; model: string | null; payload: JsonObject | null; timeout_ms: number; trace_headers: Record<string, string> | null;
    }>(
      `UPDATE ${this.s}.task_runs r SET state = 'running', updated_at = now()
       FROM ${this.s}.task_specs s
       WHERE s.tenant = r.tenant AND s.task_id = r.task_id
         AND (r.tenant, r.task_id, r.attempt) IN (
           SELECT tenant, task_id, attempt FROM ${this.s}.task_runs WHERE state = 'pending' ORDER BY updated_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING r.tenant, r.task_id, r.attempt, r.agent_id, r.correlation_id, r.causation_id, r.trace_headers, s.prompt, s.system, s.model, s.payload, s.timeout_ms`,
      [limit],
    );
    return rows.map((row) => ({
      tenant: row.tenant, taskId: row.task_id, attempt: row.attempt, agentId: row.agent_id, correlationId: row.correlation_id, causationId: row.causation_id,
      prompt: row.prompt, system: row.system ?? undefined, model: row.model ?? undefined, payload: row.payload ?? undefined, timeoutMs: row.timeout_ms,
      traceHeaders: row.trace_headers ?? {},
    }));
  }

  /** Runs in progress per agent id, across every instance of this service. */
  async runningByAgent(db: Queryable): Promise<Map<string, number>> {
    const { rows } = await db.query<{ agent_id: string; n: number }>(
      `SELECT agent_id, count(*)::int AS n FROM ${this.s}.task_runs WHERE state <> 'done' GROUP BY agent_id`,
    );
    return new Map(rows.map((row) => [row.agent_id, row.n]));
  }

  /** Marks runs done; answers the keys (`tenant/taskId/attempt`) of those that were still running (not ended meanwhile). */
  async finishMany(tx: PoolClient, runs: ReadonlyArray<Pick<ClaimedRun, 'tenant' | 'taskId' | 'attempt'>>): Promise<Set<string>> {
    if (runs.length === 0) return new Set();
    const { rows } = await tx.query<{ tenant: string; task_id: string; attempt: number }>(
      `UPDATE ${this.s}.task_runs r SET state = 'done', updated_at = now()
       FROM unnest($1::text[], $2::text[], $3::int[]) AS f(tenant, task_id, attempt)
       WHERE r.tenant = f.tenant AND r.task_id = f.task_id AND r.attempt = f.attempt AND r.state = 'running'
       RETURNING r.tenant, r.task_id, r.attempt`,
      [runs.map((run) => run.tenant), runs.map((run) => run.taskId), runs.map((run) => run.attempt)],
    );
    return new Set(rows.map((row) => runKey(row.tenant, row.task_id, row.attempt)));
  }
}
