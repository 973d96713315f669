import type { PoolClient } from 'pg';
import { SHARED_AGENT_TENANT, Topics, type AgentCapabilitiesDetectedData, type AgentDeregisteredData, type AgentRegisteredData, type AgentStatusChangedData, type AgentUpdatedData, type AgentBenchmarkedData } from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';
import type { SchedulableAgent } from '../scheduling/scheduling-policy';

export { SHARED_AGENT_TENANT };

export type AgentLostHandler = (tx: PoolClient, lost: { tenant: string; agentId: string; at: string; reason: string }) => Promise<void>;

interface AgentRow {
  tenant: string;
  agent_id: string;
  status: SchedulableAgent['status'];
  model: string;
  models: string[];
  capabilities: Array<{ name: string; proficiency: number }>;
  max_concurrent: number;
  tokens_per_second: number | null;
  response_time_ms: number | null;
}

/**
 * The coordinator's view of the agents, built from hive.agent.events: what
 * the scheduler needs (status, capabilities, capacity, measured speed). The
 * agent manager owns Agent; this is a read model, rebuilt from the topic.
 */
export class AgentView {
  private readonly table: string;

  /**
   * @param wakeChannel NOTIFY channel told when agents change (the scheduler's).
   * @param onAgentLost called in the projection's transaction when an agent goes offline or is
   *   deregistered, at the event's time, before the view forgets it: its in-flight tasks are requeued there.
   */
  constructor(
    private readonly schema: string,
    private readonly wakeChannel: string,
    private readonly onAgentLost: AgentLostHandler = async () => undefined,
  ) {
    this.table = `${schemaIdent(schema)}.agents`;
  }

  projection(): Projection {
    return {
      name: 'agents',
      version: 1,
      topics: [Topics.agentEvents.name],
      init: (db) => this.migrate(db),
      handle: (messages, tx) => this.apply(messages, tx),
      reset: async (tx) => {
        await tx.query(`TRUNCATE ${this.table}`);
      },
    };
  }

  async migrate(db: Queryable): Promise<void> {
    await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(this.schema)};
      CREATE TABLE IF NOT EXISTS ${this.table} (
        tenant            text NOT NULL,
        agent_id          text NOT NULL,
        status            text NOT NULL,
        model             text NOT NULL,
        models            text[] NOT NULL,
        capabilities      jsonb NOT NULL,
        max_concurrent    integer NOT NULL,
        tokens_per_second double precision,
        response_time_ms  double precision,
        PRIMARY KEY (tenant, agent_id)
      )`);
  }

  /** Agents a scheduling round may use, locked for the round's transaction so manual assignments cannot overbook them. */
  async lockSchedulable(tx: PoolClient): Promise<Array<Omit<SchedulableAgent, 'active'> & { tenant: string }>> {
    const { rows } = await tx.query<AgentRow>(`SELECT * FROM ${this.table} ORDER BY tenant, agent_id FOR UPDATE`);
    return rows.map(toSchedulable);
  }

  /** One agent, locked: for a manual assignment. */
  async lockOne(tx: PoolClient, tenant: string, agentId: string): Promise<(Omit<SchedulableAgent, 'active'> & { tenant: string }) | undefined> {
    const { rows } = await tx.query<AgentRow>(
      `SELECT * FROM ${this.table} WHERE agent_id = $2 AND tenant IN ($1, $3) ORDER BY (tenant = $1) DESC LIMIT 1 FOR UPDATE`,
      [tenant, agentId, SHARED_AGENT_TENANT],
    );
    return rows[0] && toSchedulable(rows[0]);
  }

  private async apply(messages: readonly ConsumedMessage[], tx: PoolClient): Promise<void> {
    if (messages.some(({ envelope }) => envelope.type.startsWith('agent.'))) await tx.query(`SELECT pg_notify($1, '')`, [this.wakeChannel]);
    for (const { envelope } of messages) {
      const tenant = envelope.tenant;
      switch (envelope.type) {
        case 'agent.registered': {
          const data = envelope.data as AgentRegisteredData;
          await tx.query(
            `INSERT INTO ${this.table} (tenant, agent_id, status, model, models, capabilities, max_concurrent)
             VALUES ($1, $2, 'offline', $3, ARRAY[$3], $4, $5) ON CONFLICT (tenant, agent_id) DO NOTHING`,
            [tenant, data.agentId, data.model, JSON.stringify(data.capabilities), data.maxConcurrent],
          );
          break;
        }
        case 'agent.updated': {
          const data = envelope.data as AgentUpdatedData;
          await tx.query(
            `UPDATE ${this.table} SET
               model = COALESCE($3, model),
               models = CASE WHEN $3::text IS NULL THEN models ELSE array(SELECT DISTINCT unnest(models || ARRAY[$3::text])) END,
               capabilities = COALESCE($4::jsonb, capabilities),
               max_concurrent = COALESCE($5, max_concurrent)
             WHERE tenant = $1 AND agent_id = $2`,
            [tenant, data.agentId, data.model ?? null, data.capabilities ? JSON.stringify(data.capabilities) : null, data.maxConcurrent ?? null],
          );
          break;
        }
        case 'agent.deregistered': {
          const data = envelope.data as AgentDeregisteredData;
          await this.onAgentLost(tx, { tenant, agentId: data.agentId, at: envelope.occurredAt, reason: `agent ${data.agentId} was deregistered` });
          await tx.query(`DELETE FROM ${this.table} WHERE tenant = $1 AND agent_id = $2`, [tenant, data.agentId]);
          break;
        }
        case 'agent.status_changed': {
          const data = envelope.data as AgentStatusChangedData;
          await tx.query(`UPDATE ${this.table} SET status = $3 WHERE tenant = $1 AND agent_id = $2`, [tenant, data.agentId, data.to]);
          if (data.to === 'offline' && data.from !== 'offline') {
            await this.onAgentLost(tx, { tenant, agentId: data.agentId, at: envelope.occurredAt, reason: `agent ${data.agentId} went offline${data.reason ? `: ${data.reason}` : ''}` });
          }
          break;
        }
        case 'agent.capabilities_detected': {
          const data = envelope.data as AgentCapabilitiesDetectedData;
          await tx.query(
            `UPDATE ${this.table} SET capabilities = $3, models = array(SELECT DISTINCT unnest(ARRAY[model] || $4::text[])) WHERE tenant = $1 AND agent_id = $2`,
            [tenant, data.agentId, JSON.stringify(data.capabilities), data.models],
          );
          break;
        }
        case 'agent.benchmarked': {
          const data = envelope.data as AgentBenchmarkedData;
          await tx.query(
            `UPDATE ${this.table} SET tokens_per_second = $3, response_time_ms = $4 WHERE tenant = $1 AND agent_id = $2`,
            [tenant, data.agentId, data.tokensPerSecond, data.latencyMs],
          );
          break;
        }
        default:
          break;
      }
    }
  }
}

function toSchedulable(row: AgentRow): Omit<SchedulableAgent, 'active'> & { tenant: string } {
  return {
    tenant: row.tenant,
    agentId: row.agent_id,
    ownerTenant: row.tenant === SHARED_AGENT_TENANT ? null : row.tenant,
    status: row.status,
    capabilities: row.capabilities,
    models: row.models,
    maxConcurrent: row.max_concurrent,
    tokensPerSecond: row.tokens_per_second ?? undefined,
    p50ResponseTimeMs: row.response_time_ms ?? undefined,
  };
}
