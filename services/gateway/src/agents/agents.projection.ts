import type { PoolClient } from 'pg';
import { Topics, type AgentRegisteredData } from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';

/** The gateway's agents read model (GET /api/agents), built from hive.agent.events. */
export function agentsProjection(schema: string): Projection {
  const table = `${schemaIdent(schema)}.agents`;
  return {
    name: 'agents',
    version: 1,
    topics: [Topics.agentEvents.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${table} (
          tenant              text NOT NULL,
          agent_id            text NOT NULL,
          name                text NOT NULL,
          endpoint            text NOT NULL,
          model               text NOT NULL,
          provider            text NOT NULL,
          capabilities        jsonb NOT NULL,
          hardware            jsonb,
          performance_targets jsonb,
          max_concurrent      integer NOT NULL,
          status              text NOT NULL,
          registered_at       timestamptz NOT NULL,
          PRIMARY KEY (tenant, agent_id)
        )`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      const registered = messages.filter((m) => m.envelope.type === 'agent.registered');
      if (registered.length === 0) return;
      const rows = registered.map(({ envelope }) => {
        const data = envelope.data as AgentRegisteredData;
        return {
          tenant: envelope.tenant, agent_id: data.agentId, name: data.name, endpoint: data.endpoint, model: data.model, provider: data.provider,
          capabilities: data.capabilities, hardware: data.hardware ?? null, performance_targets: data.performanceTargets ?? null,
          max_concurrent: data.maxConcurrent, status: 'offline', registered_at: envelope.occurredAt,
        };
      });
      await tx.query(
        `INSERT INTO ${table} (tenant, agent_id, name, endpoint, model, provider, capabilities, hardware, performance_targets, max_concurrent, status, registered_at)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(tenant text, agent_id text, name text, endpoint text, model text, provider text,
           capabilities jsonb, hardware jsonb, performance_targets jsonb, max_concurrent int, status text, registered_at timestamptz)
         ON CONFLICT (tenant, agent_id) DO NOTHING`,
        [JSON.stringify(rows)],
      );
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${table}`);
    },
  };
}
