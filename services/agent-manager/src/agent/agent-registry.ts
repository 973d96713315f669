import type { PoolClient } from 'pg';
import type { AgentProvider, AgentStatus } from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { AgentState } from './agent.decider';

export interface ManagedAgent {
  readonly tenant: string;
  readonly agentId: string;
  readonly endpoint: string;
  readonly provider: AgentProvider;
  readonly model: string;
  readonly maxConcurrent: number;
  readonly status: AgentStatus;
  readonly maxResponseTimeMs?: number;
}

interface Row {
  tenant: string;
  agent_id: string;
  endpoint: string;
  provider: AgentProvider;
  model: string;
  max_concurrent: number;
  status: AgentStatus;
  max_response_time_ms: number | null;
}

const toAgent = (row: Row): ManagedAgent => ({
  tenant: row.tenant, agentId: row.agent_id, endpoint: row.endpoint, provider: row.provider, model: row.model,
  maxConcurrent: row.max_concurrent, status: row.status, maxResponseTimeMs: row.max_response_time_ms ?? undefined,
});

/**
 * The agent manager's table of the agents it owns, written in the same
 * transaction as each agent's events: what the health monitor probes and
 * what the task runtime calls.
 */
export class AgentRegistry {
  private readonly table: string;

  constructor(private readonly schema: string) {
    this.table = `${schemaIdent(schema)}.agents`;
  }

  async migrate(db: Queryable): Promise<void> {
    await db.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
      tenant text NOT NULL, agent_id text NOT NULL, endpoint text NOT NULL, provider text NOT NULL, model text NOT NULL,
      max_concurrent integer NOT NULL, status text NOT NULL, max_response_time_ms double precision,
      PRIMARY KEY (tenant, agent_id))`);
  }

  async save(tx: PoolClient, tenant: string, state: AgentState): Promise<void> {
    if (state.status === 'unregistered') return;
    if (state.status === 'deregistered') {
      await tx.query(`DELETE FROM ${this.table} WHERE tenant = $1 AND agent_id = $2`, [tenant, state.profile.agentId]);
      return;
    }
    const p = state.profile;
    const maxResponse = p.performanceTargets?.maxResponseTime === undefined ? null : p.performanceTargets.maxResponseTime * 1000;
    await tx.query(
      `INSERT INTO ${this.table} (tenant, agent_id, endpoint, provider, model, max_concurrent, status, max_response_time_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant, agent_id) DO UPDATE SET endpoint = EXCLUDED.endpoint, provider = EXCLUDED.provider, model = EXCLUDED.model,
         max_concurrent = EXCLUDED.max_concurrent, status = EXCLUDED.status, max_response_time_ms = EXCLUDED.max_response_time_ms`,
      [tenant, p.agentId, p.endpoint, p.provider, p.model, p.maxConcurrent, state.health, maxResponse],
    );
  }

  async all(db: Queryable): Promise<ManagedAgent[]> {
    const { rows } = await db.query<Row>(`SELECT * FROM ${this.table} ORDER BY tenant, agent_id`);
    return rows.map(toAgent);
  }

  /** The agent a task of `tenant` was assigned to: the tenant's own agent of that id, else the shared one. */
  /**
   * Which of the given (task tenant, agent id) pairs name an agent of this service: the tenant's own,
   * or a shared one. Answers the keys `tenant/agentId` of the pairs that do, in one query.
   */
  async managedAmong(db: Queryable, pairs: ReadonlyArray<{ tenant: string; agentId: string }>, sharedTenant: string): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const { rows } = await db.query<{ tenant: string; agent_id: string }>(
      `SELECT DISTINCT p.tenant, p.agent_id FROM unnest($1::text[], $2::text[]) AS p(tenant, agent_id)
       WHERE EXISTS (SELECT 1 FROM ${this.table} a WHERE a.agent_id = p.agent_id AND a.tenant IN (p.tenant, $3))`,
      [pairs.map((pair) => pair.tenant), pairs.map((pair) => pair.agentId), sharedTenant],
    );
    return new Set(rows.map((row) => `${row.tenant}/${row.agent_id}`));
  }

  /**
   * The agent each (task tenant, agent id) pair runs on: the tenant's own agent of that id, else the
   * shared one. Keyed `tenant/agentId`; pairs without an agent are missing. One query for all.
   */
  async forTasks(db: Queryable, pairs: ReadonlyArray<{ tenant: string; agentId: string }>, sharedTenant: string): Promise<Map<string, ManagedAgent>> {
    if (pairs.length === 0) return new Map();
    const { rows } = await db.query<Row & { task_tenant: string }>(
      `SELECT DISTINCT ON (p.tenant, p.agent_id) p.tenant AS task_tenant, a.*
       FROM unnest($1::text[], $2::text[]) AS p(tenant, agent_id)
       JOIN ${this.table} a ON a.agent_id = p.agent_id AND a.tenant IN (p.tenant, $3)
       ORDER BY p.tenant, p.agent_id, (a.tenant = p.tenant) DESC`,
      [pairs.map((pair) => pair.tenant), pairs.map((pair) => pair.agentId), sharedTenant],
    );
    return new Map(rows.map((row) => [`${row.task_tenant}/${row.agent_id}`, toAgent(row)]));
  }

  async forTask(db: Queryable, tenant: string, agentId: string, sharedTenant: string): Promise<ManagedAgent | undefined> {
    const { rows } = await db.query<Row>(
      `SELECT * FROM ${this.table} WHERE agent_id = $2 AND tenant IN ($1, $3) ORDER BY (tenant = $1) DESC LIMIT 1`,
      [tenant, agentId, sharedTenant],
    );
    return rows[0] && toAgent(rows[0]);
  }
}
