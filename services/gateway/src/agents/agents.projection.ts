import type { PoolClient } from 'pg';
import {
  Topics, type AgentBenchmarkedData, type AgentDeregisteredData, type AgentRegisteredData, type AgentStatusChangedData, type AgentUpdatedData,
} from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';

export const agentsTable = (schema: string): string => `${schemaIdent(schema)}.agents`;

const PATCHABLE: ReadonlyArray<[keyof AgentUpdatedData, string]> = [
  ['name', 'name'], ['endpoint', 'endpoint'], ['model', 'model'], ['provider', 'provider'], ['capabilities', 'capabilities'], ['hardware', 'hardware'],
  ['performanceTargets', 'performance_targets'], ['maxConcurrent', 'max_concurrent'], ['specialization', 'specialization'],
];

/** The gateway's agents read model (GET /api/agents, /api/status/agents), from hive.agent.events. */
export function agentsProjection(schema: string): Projection {
  const table = agentsTable(schema);
  return {
    name: 'agents',
    version: 2,
    topics: [Topics.agentEvents.name],
    init: async (db: Queryable) => {
      // Version 1 created the first columns; later ones are added in place (the version bump rebuilds the rows).
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${table} (
          tenant text NOT NULL, agent_id text NOT NULL, name text NOT NULL, endpoint text NOT NULL, model text NOT NULL, provider text NOT NULL,
          capabilities jsonb NOT NULL, hardware jsonb, performance_targets jsonb, max_concurrent integer NOT NULL, status text NOT NULL,
          registered_at timestamptz NOT NULL, PRIMARY KEY (tenant, agent_id));
        ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS specialization text, ADD COLUMN IF NOT EXISTS status_reason text,
          ADD COLUMN IF NOT EXISTS last_benchmark jsonb, ADD COLUMN IF NOT EXISTS updated_at timestamptz, ADD COLUMN IF NOT EXISTS deregistered_at timestamptz`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      for (const { envelope } of messages) {
        const { tenant, occurredAt: at } = envelope;
        switch (envelope.type) {
          case 'agent.registered': {
            const d = envelope.data as AgentRegisteredData;
            await tx.query(
              `INSERT INTO ${table} (tenant, agent_id, name, endpoint, model, provider, capabilities, hardware, performance_targets, max_concurrent, specialization, status, registered_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'offline', $12, $12)
               ON CONFLICT (tenant, agent_id) DO UPDATE SET name = EXCLUDED.name, endpoint = EXCLUDED.endpoint, model = EXCLUDED.model, provider = EXCLUDED.provider,
                 capabilities = EXCLUDED.capabilities, hardware = EXCLUDED.hardware, performance_targets = EXCLUDED.performance_targets,
                 max_concurrent = EXCLUDED.max_concurrent, specialization = EXCLUDED.specialization, status = 'offline', registered_at = EXCLUDED.registered_at,
                 updated_at = EXCLUDED.updated_at, deregistered_at = NULL`,
              [tenant, d.agentId, d.name, d.endpoint, d.model, d.provider, JSON.stringify(d.capabilities), d.hardware ? JSON.stringify(d.hardware) : null,
                d.performanceTargets ? JSON.stringify(d.performanceTargets) : null, d.maxConcurrent, d.specialization ?? null, at]);
            break;
          }
          case 'agent.updated': {
            const d = envelope.data as AgentUpdatedData;
            const sets: string[] = [];
            const values: unknown[] = [tenant, d.agentId, at];
            for (const [field, column] of PATCHABLE) {
              const value = d[field];
              if (value === undefined) continue;
              values.push(typeof value === 'object' ? JSON.stringify(value) : value);
              sets.push(`${column} = $${values.length}`);
            }
            await tx.query(`UPDATE ${table} SET ${[...sets, 'updated_at = $3'].join(', ')} WHERE tenant = $1 AND agent_id = $2`, values);
            break;
          }
          case 'agent.status_changed': {
            const d = envelope.data as AgentStatusChangedData;
            await tx.query(`UPDATE ${table} SET status = $3, status_reason = $4, updated_at = $5 WHERE tenant = $1 AND agent_id = $2`, [tenant, d.agentId, d.to, d.reason, at]);
            break;
          }
          case 'agent.benchmarked': {
            const d = envelope.data as AgentBenchmarkedData;
            await tx.query(`UPDATE ${table} SET last_benchmark = $3, updated_at = $4 WHERE tenant = $1 AND agent_id = $2`,
              [tenant, d.agentId, JSON.stringify({ ...d, at }), at]);
            break;
          }
          case 'agent.deregistered': {
            const d = envelope.data as AgentDeregisteredData;
            await tx.query(`UPDATE ${table} SET status = 'deregistered', status_reason = $3, deregistered_at = $4, updated_at = $4 WHERE tenant = $1 AND agent_id = $2`,
              [tenant, d.agentId, d.reason ?? null, at]);
            break;
          }
          default:
            break;
        }
      }
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${table}`);
    },
  };
}
