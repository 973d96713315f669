import type { PoolClient } from 'pg';
import { Topics, type WorkflowActivatedData, type WorkflowDeactivatedData, type WorkflowImportedData, type WorkflowVersionCreatedData } from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';

export const workflowsTable = (schema: string): string => `${schemaIdent(schema)}.workflows`;
export const workflowVersionsTable = (schema: string): string => `${schemaIdent(schema)}.workflow_versions`;

/** Workflows and their immutable versions, from hive.workflow.events. */
export function workflowsProjection(schema: string): Projection {
  const workflows = workflowsTable(schema);
  const versions = workflowVersionsTable(schema);
  return {
    name: 'workflows',
    version: 1,
    topics: [Topics.workflowEvents.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${workflows} (
          tenant text NOT NULL, workflow_id text NOT NULL, name text NOT NULL, description text, latest_version integer NOT NULL,
          active_version integer, active boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
          PRIMARY KEY (tenant, workflow_id));
        CREATE TABLE IF NOT EXISTS ${versions} (
          tenant text NOT NULL, workflow_id text NOT NULL, version integer NOT NULL, name text NOT NULL, description text, n8n_data jsonb NOT NULL,
          created_at timestamptz NOT NULL, PRIMARY KEY (tenant, workflow_id, version))`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      for (const { envelope } of messages) {
        const { tenant, occurredAt: at } = envelope;
        switch (envelope.type) {
          case 'workflow.imported': {
            const d = envelope.data as WorkflowImportedData;
            await tx.query(`INSERT INTO ${workflows} (tenant, workflow_id, name, description, latest_version, created_at, updated_at)
              VALUES ($1, $2, $3, $4, 1, $5, $5) ON CONFLICT DO NOTHING`, [tenant, d.workflowId, d.name, d.description ?? null, at]);
            await tx.query(`INSERT INTO ${versions} (tenant, workflow_id, version, name, description, n8n_data, created_at)
              VALUES ($1, $2, 1, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, [tenant, d.workflowId, d.name, d.description ?? null, JSON.stringify(d.n8nData), at]);
            break;
          }
          case 'workflow.version_created': {
            const d = envelope.data as WorkflowVersionCreatedData;
            await tx.query(`UPDATE ${workflows} SET name = $3, description = $4, latest_version = GREATEST(latest_version, $5), updated_at = $6 WHERE tenant = $1 AND workflow_id = $2`,
              [tenant, d.workflowId, d.name, d.description ?? null, d.version, at]);
            await tx.query(`INSERT INTO ${versions} (tenant, workflow_id, version, name, description, n8n_data, created_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`, [tenant, d.workflowId, d.version, d.name, d.description ?? null, JSON.stringify(d.n8nData), at]);
            break;
          }
          case 'workflow.activated': {
            const d = envelope.data as WorkflowActivatedData;
            await tx.query(`UPDATE ${workflows} SET active = true, active_version = $3, updated_at = $4 WHERE tenant = $1 AND workflow_id = $2`, [tenant, d.workflowId, d.version, at]);
            break;
          }
          case 'workflow.deactivated': {
            const d = envelope.data as WorkflowDeactivatedData;
            await tx.query(`UPDATE ${workflows} SET active = false, updated_at = $3 WHERE tenant = $1 AND workflow_id = $2`, [tenant, d.workflowId, at]);
            break;
          }
          default:
            break;
        }
      }
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${workflows}, ${versions}`);
    },
  };
}
