import { Injectable } from '@nestjs/common';
import { HiveEventing } from '@hive/messaging';
import { listPage, type ListQuery, type ListSpec, type Page } from '../common/list-page';
import { tasksTable } from './tasks.projection';

export interface TaskView {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly type: string;
  readonly priority: number;
  readonly status: string;
  readonly agentId: string | null;
  readonly attempt: number;
  readonly requiredCapabilities: unknown;
  readonly dependsOn: unknown;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly tokensSoFar: number | null;
  readonly result: string | null;
  readonly resultJson: unknown;
  readonly metrics: unknown;
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : null);

export const taskView = (row: Record<string, unknown>): TaskView => {
  const spec = row['spec'] as Record<string, unknown>;
  return {
    id: String(row['task_id']), title: String(row['title']), description: (spec['description'] as string | undefined) ?? null, type: String(row['type']),
    priority: Number(row['priority']), status: String(row['status']), agentId: (row['agent_id'] as string | null) ?? null, attempt: Number(row['attempt']),
    requiredCapabilities: spec['requiredCapabilities'], dependsOn: spec['dependsOn'], timeoutMs: Number(spec['timeoutMs']), maxRetries: Number(spec['maxRetries']),
    tokensSoFar: (row['tokens_so_far'] as number | null) ?? null, result: (row['result'] as string | null) ?? null, resultJson: row['result_json'] ?? null,
    metrics: row['metrics'] ?? null, error: (row['error'] as string | null) ?? null,
    createdAt: iso(row['created_at']) ?? '', updatedAt: iso(row['updated_at']) ?? '', startedAt: iso(row['started_at']), finishedAt: iso(row['finished_at']),
  };
};

@Injectable()
export class TasksReadModel {
  private readonly spec: ListSpec;

  constructor(private readonly eventing: HiveEventing) {
    this.spec = {
      table: tasksTable(eventing.schema), idColumn: 'task_id',
      sorts: { createdAt: { column: 'created_at', type: 'timestamptz' }, priority: { column: 'priority', type: 'integer' }, updatedAt: { column: 'updated_at', type: 'timestamptz' } },
      filters: { status: 'status', type: 'type', agentId: 'agent_id' },
    };
  }

  async get(tenant: string, taskId: string): Promise<TaskView | undefined> {
    // A named statement: parsed and planned once per connection, this is the hottest read.
    const { rows } = await this.eventing.pool.query({ name: 'gateway-task-by-id', text: `SELECT * FROM ${this.spec.table} WHERE tenant = $1 AND task_id = $2`, values: [tenant, taskId] });
    return rows[0] ? taskView(rows[0] as Record<string, unknown>) : undefined;
  }

  list(tenant: string, query: ListQuery): Promise<Page<TaskView>> {
    return listPage(this.eventing.pool, this.spec, [tenant], query, taskView);
  }

  async countsByStatus(tenant: string): Promise<Record<string, number>> {
    const { rows } = await this.eventing.pool.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM ${this.spec.table} WHERE tenant = $1 GROUP BY status`, [tenant]);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** Completed-task figures over the last `minutes`, overall and per agent. */
  async performance(tenant: string, minutes: number): Promise<{ overall: Record<string, number | null>; agents: Array<Record<string, unknown>> }> {
    const sql = (group: string) => `SELECT ${group ? `${group} AS agent_id,` : ''} count(*) FILTER (WHERE status = 'completed') AS completed,
        count(*) FILTER (WHERE status IN ('failed', 'timed_out')) AS failed,
        avg((metrics->>'tokensPerSecond')::float) AS avg_tps,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY (metrics->>'responseTimeMs')::float) AS p50_ms,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY (metrics->>'responseTimeMs')::float) AS p95_ms,
        sum((metrics->>'completionTokens')::float) AS completion_tokens
      FROM ${this.spec.table} WHERE tenant = $1 AND finished_at > now() - make_interval(mins => $2) ${group ? `AND ${group} IS NOT NULL GROUP BY ${group} ORDER BY ${group}` : ''}`;
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    const shape = (r: Record<string, unknown>) => ({
      completed: num(r['completed']) ?? 0, failed: num(r['failed']) ?? 0, avgTokensPerSecond: num(r['avg_tps']),
      p50ResponseMs: num(r['p50_ms']), p95ResponseMs: num(r['p95_ms']), completionTokens: num(r['completion_tokens']) ?? 0,
      tasksPerMinute: (num(r['completed']) ?? 0) / minutes,
    });
    const [overall, agents] = await Promise.all([this.eventing.pool.query(sql(''), [tenant, minutes]), this.eventing.pool.query(sql('agent_id'), [tenant, minutes])]);
    return { overall: shape(overall.rows[0] as Record<string, unknown>), agents: agents.rows.map((r: Record<string, unknown>) => ({ agentId: r['agent_id'], ...shape(r) })) };
  }
}
