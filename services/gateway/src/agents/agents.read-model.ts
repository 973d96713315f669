import { Injectable } from '@nestjs/common';
import { SHARED_AGENT_TENANT } from '@hive/contracts';
import { HiveEventing } from '@hive/messaging';
import { listPage, type ListQuery, type ListSpec, type Page } from '../common/list-page';
import { agentsTable } from './agents.projection';

export interface AgentView {
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly model: string;
  readonly provider: string;
  readonly capabilities: unknown;
  readonly hardware: unknown;
  readonly performanceTargets: unknown;
  readonly maxConcurrent: number;
  readonly specialization: string | null;
  readonly status: string;
  readonly statusReason: string | null;
  readonly lastBenchmark: unknown;
  /** Registered by the platform operator and serving every tenant. */
  readonly shared: boolean;
  readonly registeredAt: string;
  readonly updatedAt: string;
}

const agentView = (row: Record<string, unknown>): AgentView => ({
  id: String(row['agent_id']), name: String(row['name']), endpoint: String(row['endpoint']), model: String(row['model']), provider: String(row['provider']),
  capabilities: row['capabilities'], hardware: row['hardware'] ?? null, performanceTargets: row['performance_targets'] ?? null,
  maxConcurrent: Number(row['max_concurrent']), specialization: (row['specialization'] as string | null) ?? null, status: String(row['status']),
  statusReason: (row['status_reason'] as string | null) ?? null, lastBenchmark: row['last_benchmark'] ?? null, shared: row['tenant'] === SHARED_AGENT_TENANT,
  registeredAt: (row['registered_at'] as Date).toISOString(), updatedAt: ((row['updated_at'] ?? row['registered_at']) as Date).toISOString(),
});

/** Agents a tenant sees: its own, and the platform's shared agents (read-only for other tenants). */
@Injectable()
export class AgentsReadModel {
  private readonly spec: ListSpec;

  constructor(private readonly eventing: HiveEventing) {
    this.spec = {
      table: agentsTable(eventing.schema), idColumn: 'agent_id', where: 'deregistered_at IS NULL',
      sorts: { registeredAt: { column: 'registered_at', type: 'timestamptz' }, id: { column: 'agent_id', type: 'text' }, status: { column: 'status', type: 'text' } },
      filters: { status: 'status', model: 'model', provider: 'provider' },
    };
  }

  private visible(tenant: string): string[] {
    return tenant === SHARED_AGENT_TENANT ? [tenant] : [tenant, SHARED_AGENT_TENANT];
  }

  /** An agent the tenant can see (own first). */
  async get(tenant: string, agentId: string): Promise<AgentView | undefined> {
    const { rows } = await this.eventing.pool.query(
      `SELECT * FROM ${this.spec.table} WHERE tenant = ANY($1::text[]) AND agent_id = $2 AND deregistered_at IS NULL ORDER BY tenant = $3 DESC LIMIT 1`,
      [this.visible(tenant), agentId, tenant]);
    return rows[0] ? agentView(rows[0] as Record<string, unknown>) : undefined;
  }

  /** An agent the tenant owns, deregistered or not (what commands may address). */
  async owned(tenant: string, agentId: string): Promise<AgentView | undefined> {
    const { rows } = await this.eventing.pool.query(`SELECT * FROM ${this.spec.table} WHERE tenant = $1 AND agent_id = $2`, [tenant, agentId]);
    return rows[0] ? agentView(rows[0] as Record<string, unknown>) : undefined;
  }

  list(tenant: string, query: ListQuery): Promise<Page<AgentView>> {
    return listPage(this.eventing.pool, this.spec, this.visible(tenant), query, agentView);
  }

  async countsByStatus(tenant: string): Promise<Record<string, number>> {
    const { rows } = await this.eventing.pool.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM ${this.spec.table} WHERE tenant = ANY($1::text[]) AND deregistered_at IS NULL GROUP BY status`, [this.visible(tenant)]);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
