import { Injectable } from '@nestjs/common';
import { HiveEventing } from '@hive/messaging';
import { listPage, type ListQuery, type ListSpec, type Page } from '../common/list-page';
import { executionsTable } from './executions.projection';

export interface ExecutionView {
  readonly id: string;
  readonly workflowId: string;
  readonly workflowVersion: number;
  readonly status: string;
  readonly attempt: number;
  readonly progress: number;
  readonly input: unknown;
  readonly output: unknown;
  readonly error: string | null;
  readonly failedNode: string | null;
  readonly nodes: unknown;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
}

const executionView = (row: Record<string, unknown>): ExecutionView => ({
  id: String(row['execution_id']), workflowId: String(row['workflow_id']), workflowVersion: Number(row['workflow_version']), status: String(row['status']),
  attempt: Number(row['attempt']), progress: Number(row['progress']), input: row['input'], output: row['output'] ?? null, error: (row['error'] as string | null) ?? null,
  failedNode: (row['failed_node'] as string | null) ?? null, nodes: row['nodes'], startedAt: (row['started_at'] as Date).toISOString(),
  updatedAt: (row['updated_at'] as Date).toISOString(), finishedAt: row['finished_at'] ? (row['finished_at'] as Date).toISOString() : null,
  durationMs: (row['duration_ms'] as number | null) ?? null,
});

@Injectable()
export class ExecutionsReadModel {
  private readonly spec: ListSpec;

  constructor(private readonly eventing: HiveEventing) {
    this.spec = {
      table: executionsTable(eventing.schema), idColumn: 'execution_id',
      sorts: { startedAt: { column: 'started_at', type: 'timestamptz' }, updatedAt: { column: 'updated_at', type: 'timestamptz' } },
      filters: { workflowId: 'workflow_id', status: 'status' },
    };
  }

  async get(tenant: string, executionId: string): Promise<ExecutionView | undefined> {
    const { rows } = await this.eventing.pool.query(`SELECT * FROM ${this.spec.table} WHERE tenant = $1 AND execution_id = $2`, [tenant, executionId]);
    return rows[0] ? executionView(rows[0] as Record<string, unknown>) : undefined;
  }

  list(tenant: string, query: ListQuery): Promise<Page<ExecutionView>> {
    return listPage(this.eventing.pool, this.spec, [tenant], query, executionView);
  }

  async countsByStatus(tenant: string): Promise<Record<string, number>> {
    const { rows } = await this.eventing.pool.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM ${this.spec.table} WHERE tenant = $1 GROUP BY status`, [tenant]);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
