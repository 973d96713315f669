import type { Pool } from 'pg';
import { SHARED_AGENT_TENANT } from '@hive/contracts';
import { hiveViewTables, type HiveViewTables } from './hive-view.projection';

type Row = Record<string, unknown>;
const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : null);

export const agentView = (r: Row) => ({
  shared: r['tenant'] === SHARED_AGENT_TENANT, agentId: r['agent_id'], name: r['name'], endpoint: r['endpoint'], model: r['model'], provider: r['provider'], capabilities: r['capabilities'],
  specialization: r['specialization'] ?? null, maxConcurrent: r['max_concurrent'], status: r['status'], statusReason: r['status_reason'] ?? null,
  registeredAt: iso(r['registered_at']), updatedAt: iso(r['updated_at']),
});

export const taskView = (r: Row) => ({
  taskId: r['task_id'], title: r['title'], type: r['type'], priority: r['priority'], status: r['status'], final: r['final'],
  agentId: r['agent_id'] ?? null, attempt: r['attempt'], result: r['result'] ?? null, resultJson: r['result_json'] ?? null, error: r['error'] ?? null,
  dependsOn: (r['spec'] as { dependsOn?: unknown } | null)?.dependsOn ?? [], responseTimeMs: r['response_time_ms'] ?? null,
  createdAt: iso(r['created_at']), updatedAt: iso(r['updated_at']), finishedAt: iso(r['finished_at']),
});
export type TaskView = ReturnType<typeof taskView>;

export const workflowView = (r: Row) => ({
  workflowId: r['workflow_id'], name: r['name'], description: r['description'] ?? null, version: r['version'], active: r['active'],
  activeVersion: r['active_version'] ?? null, nodeTypes: r['node_types'], exposedAsTool: r['exposed'] === true, createdAt: iso(r['created_at']), updatedAt: iso(r['updated_at']),
});

export const executionView = (r: Row) => ({
  executionId: r['execution_id'], workflowId: r['workflow_id'], workflowVersion: r['workflow_version'], status: r['status'], input: r['input'] ?? null,
  output: r['output'] ?? null, error: r['error'] ?? null, failedNode: r['failed_node'] ?? null, durationMs: r['duration_ms'] ?? null,
  startedAt: iso(r['started_at']), finishedAt: iso(r['finished_at']),
});

const ACTIVE_TASK_STATUSES = ['waiting', 'queued', 'assigned', 'running', 'retry_scheduled'];

/** Queries over the bridge's read models; every one is scoped to a tenant. */
export class HiveViewReadModel {
  private readonly t: HiveViewTables;

  constructor(private readonly pool: Pool, schema: string) {
    this.t = hiveViewTables(schema);
  }

  async agents(tenant: string, filter: { status?: string; capability?: string; limit: number }) {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.t.agents} WHERE tenant IN ($1, '${SHARED_AGENT_TENANT}') AND ($2::text IS NULL OR status = $2)
      AND ($3::text IS NULL OR capabilities @> jsonb_build_array(jsonb_build_object('name', $3::text))) ORDER BY registered_at DESC, agent_id LIMIT $4`,
    [tenant, filter.status ?? null, filter.capability ?? null, filter.limit]);
    return rows.map(agentView);
  }

  async agent(tenant: string, agentId: string) {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.t.agents} WHERE tenant IN ($1, '${SHARED_AGENT_TENANT}') AND agent_id = $2 ORDER BY tenant = $1 DESC LIMIT 1`, [tenant, agentId]);
    return rows[0] ? agentView(rows[0] as Row) : undefined;
  }

  async tasks(tenant: string, filter: { status?: string; state?: 'active' | 'finished'; limit: number }) {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.t.tasks} WHERE tenant = $1 AND ($2::text IS NULL OR status = $2)
      AND ($3::text IS NULL OR ($3 = 'active' AND status = ANY($5::text[])) OR ($3 = 'finished' AND final))
      ORDER BY created_at DESC, task_id LIMIT $4`, [tenant, filter.status ?? null, filter.state ?? null, filter.limit, ACTIVE_TASK_STATUSES]);
    return rows.map(taskView);
  }

  async task(tenant: string, taskId: string) {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.t.tasks} WHERE tenant = $1 AND task_id = $2`, [tenant, taskId]);
    return rows[0] ? taskView(rows[0] as Row) : undefined;
  }

  async tasksById(tenant: string, taskIds: readonly string[]) {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.t.tasks} WHERE tenant = $1 AND task_id = ANY($2::text[])`, [tenant, taskIds]);
    return new Map(rows.map((r) => [String((r as Row)['task_id']), taskView(r as Row)]));
  }

  async workflows(tenant: string, filter: { active?: boolean; limit: number }) {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.t.workflows} WHERE tenant = $1 AND ($2::boolean IS NULL OR active = $2) ORDER BY created_at DESC, workflow_id LIMIT $3`,
      [tenant, filter.active ?? null, filter.limit]);
    return rows.map(workflowView);
  }

  /** The tenant's workflows tagged `mcp`, offered as tools. */
  async exposedWorkflows(tenant: string) {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.t.workflows} WHERE tenant = $1 AND exposed ORDER BY created_at, workflow_id LIMIT 100`, [tenant]);
    return rows.map(workflowView);
  }

  async workflow(tenant: string, workflowId: string) {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.t.workflows} WHERE tenant = $1 AND workflow_id = $2`, [tenant, workflowId]);
    return rows[0] ? workflowView(rows[0] as Row) : undefined;
  }

  async executions(tenant: string, filter: { workflowId?: string; status?: string; limit: number }) {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.t.executions} WHERE tenant = $1 AND ($2::text IS NULL OR workflow_id = $2) AND ($3::text IS NULL OR status = $3)
      ORDER BY started_at DESC, execution_id LIMIT $4`, [tenant, filter.workflowId ?? null, filter.status ?? null, filter.limit]);
    return rows.map(executionView);
  }

  async execution(tenant: string, executionId: string) {
    const { rows } = await this.pool.query(`SELECT * FROM ${this.t.executions} WHERE tenant = $1 AND execution_id = $2`, [tenant, executionId]);
    return rows[0] ? executionView(rows[0] as Row) : undefined;
  }

  /** Counts by status of the tenant's agents, tasks, workflows and executions. */
  async counts(tenant: string) {
    const count = async (table: string, column: string, shared = false) => {
      const { rows } = await this.pool.query<{ key: string; n: string }>(
        `SELECT ${column}::text AS key, count(*) AS n FROM ${table} WHERE tenant = $1 ${shared ? `OR tenant = '${SHARED_AGENT_TENANT}'` : ''} GROUP BY 1`, [tenant]);
      return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
    };
    return {
      agents: await count(this.t.agents, 'status', true),
      tasks: await count(this.t.tasks, 'status'),
      workflows: await count(this.t.workflows, `CASE WHEN active THEN 'active' ELSE 'inactive' END`),
      executions: await count(this.t.executions, 'status'),
    };
  }

  /** Task performance of the tenant over the last `windowMinutes`: throughput, success rate, latency and tokens. */
  async taskMetrics(tenant: string, windowMinutes: number) {
    const { rows } = await this.pool.query(`SELECT count(*) FILTER (WHERE status = 'completed') AS completed,
        count(*) FILTER (WHERE final AND status <> 'completed') AS failed,
        avg(response_time_ms) FILTER (WHERE status = 'completed') AS avg_response_ms,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms) FILTER (WHERE status = 'completed') AS p95_response_ms,
        avg(tokens_per_second) FILTER (WHERE status = 'completed') AS avg_tokens_per_second,
        coalesce(sum(tokens) FILTER (WHERE status = 'completed'), 0) AS tokens
      FROM ${this.t.tasks} WHERE tenant = $1 AND finished_at > now() - make_interval(mins => $2)`, [tenant, windowMinutes]);
    const r = rows[0] as Row;
    const completed = Number(r['completed']);
    const failed = Number(r['failed']);
    const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);
    return {
      windowMinutes, completed, failed, successRate: completed + failed > 0 ? num(completed / (completed + failed)) : null,
      avgResponseMs: num(r['avg_response_ms']), p95ResponseMs: num(r['p95_response_ms']), avgTokensPerSecond: num(r['avg_tokens_per_second']), tokens: Number(r['tokens']),
    };
  }
}
