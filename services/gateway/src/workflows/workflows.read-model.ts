import { Injectable } from '@nestjs/common';
import { HiveEventing } from '@hive/messaging';
import { listPage, type ListQuery, type ListSpec, type Page } from '../common/list-page';
import { workflowsTable, workflowVersionsTable } from './workflows.projection';

export interface WorkflowView {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly latestVersion: number;
  readonly activeVersion: number | null;
  readonly active: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly n8nData?: unknown;
}

export interface WorkflowVersionView {
  readonly version: number;
  readonly name: string;
  readonly description: string | null;
  readonly n8nData: unknown;
  readonly createdAt: string;
}

const workflowView = (row: Record<string, unknown>): WorkflowView => ({
  id: String(row['workflow_id']), name: String(row['name']), description: (row['description'] as string | null) ?? null, latestVersion: Number(row['latest_version']),
  activeVersion: (row['active_version'] as number | null) ?? null, active: Boolean(row['active']),
  createdAt: (row['created_at'] as Date).toISOString(), updatedAt: (row['updated_at'] as Date).toISOString(),
});

@Injectable()
export class WorkflowsReadModel {
  private readonly spec: ListSpec;
  private readonly versions: string;

  constructor(private readonly eventing: HiveEventing) {
    this.versions = workflowVersionsTable(eventing.schema);
    this.spec = {
      table: workflowsTable(eventing.schema), idColumn: 'workflow_id',
      sorts: { createdAt: { column: 'created_at', type: 'timestamptz' }, updatedAt: { column: 'updated_at', type: 'timestamptz' }, name: { column: 'name', type: 'text' } },
      filters: { active: 'active' },
    };
  }

  async get(tenant: string, workflowId: string): Promise<WorkflowView | undefined> {
    const { rows } = await this.eventing.pool.query(
      `SELECT w.*, v.n8n_data FROM ${this.spec.table} w LEFT JOIN ${this.versions} v ON v.tenant = w.tenant AND v.workflow_id = w.workflow_id AND v.version = COALESCE(w.active_version, w.latest_version)
       WHERE w.tenant = $1 AND w.workflow_id = $2`, [tenant, workflowId]);
    const row = rows[0] as Record<string, unknown> | undefined;
    return row ? { ...workflowView(row), n8nData: row['n8n_data'] ?? null } : undefined;
  }

  list(tenant: string, query: ListQuery): Promise<Page<WorkflowView>> {
    return listPage(this.eventing.pool, this.spec, [tenant], query, workflowView);
  }

  async listVersions(tenant: string, workflowId: string): Promise<WorkflowVersionView[]> {
    const { rows } = await this.eventing.pool.query(`SELECT * FROM ${this.versions} WHERE tenant = $1 AND workflow_id = $2 ORDER BY version`, [tenant, workflowId]);
    return rows.map((row: Record<string, unknown>) => ({
      version: Number(row['version']), name: String(row['name']), description: (row['description'] as string | null) ?? null, n8nData: row['n8n_data'],
      createdAt: (row['created_at'] as Date).toISOString(),
    }));
  }
}
