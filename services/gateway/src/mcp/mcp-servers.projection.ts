import type { PoolClient } from 'pg';
import { Topics, type McpServerRegisteredData, type McpServerStatusChangedData } from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';

export const mcpServersTable = (schema: string): string => `${schemaIdent(schema)}.mcp_servers`;

/** The MCP server registry, from hive.mcp.events (tool calls are not kept here). */
export function mcpServersProjection(schema: string): Projection {
  const table = mcpServersTable(schema);
  return {
    name: 'mcp_servers',
    version: 1,
    topics: [Topics.mcpEvents.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${table} (
          tenant text NOT NULL, server_id text NOT NULL, name text, transport text NOT NULL, endpoint text, command text, args jsonb,
          capabilities jsonb NOT NULL, version text NOT NULL, status text NOT NULL, status_reason text, tools jsonb,
          registered_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (tenant, server_id))`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      for (const { envelope } of messages) {
        const { tenant, occurredAt: at } = envelope;
        if (envelope.type === 'mcp.server_registered') {
          const d = envelope.data as McpServerRegisteredData;
          await tx.query(`INSERT INTO ${table} (tenant, server_id, name, transport, endpoint, command, args, capabilities, version, status, registered_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
            ON CONFLICT (tenant, server_id) DO UPDATE SET name = EXCLUDED.name, transport = EXCLUDED.transport, endpoint = EXCLUDED.endpoint, command = EXCLUDED.command,
              args = EXCLUDED.args, capabilities = EXCLUDED.capabilities, version = EXCLUDED.version, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`,
            [tenant, d.serverId, d.name ?? null, d.transport, d.endpoint ?? null, d.command ?? null, d.args ? JSON.stringify(d.args) : null,
              JSON.stringify(d.capabilities), d.version, d.status, at]);
        } else if (envelope.type === 'mcp.server_status_changed') {
          const d = envelope.data as McpServerStatusChangedData;
          await tx.query(`UPDATE ${table} SET status = $3, status_reason = $4, tools = COALESCE($5, tools), updated_at = $6 WHERE tenant = $1 AND server_id = $2`,
            [tenant, d.serverId, d.to, d.reason, d.tools ? JSON.stringify(d.tools) : null, at]);
        }
      }
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${table}`);
    },
  };
}
