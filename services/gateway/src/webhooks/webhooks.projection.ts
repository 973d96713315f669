import type { PoolClient } from 'pg';
import {
  Topics, type JsonObject, type WorkflowActivatedData, type WorkflowDeactivatedData, type WorkflowExecutionCompletedData,
  type WorkflowExecutionFailedData, type WorkflowNodeCompletedData,
} from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';
import { notifySignals } from '../commands/signals.service';

export const webhooksTable = (schema: string): string => `${schemaIdent(schema)}.webhooks`;
export const webhookWaitsTable = (schema: string): string => `${schemaIdent(schema)}.webhook_waits`;

/** Signal sent when a waited-for webhook execution has its answer (responded, completed, failed or cancelled). */
export const webhookSignal = (executionId: string): string => `wh:${executionId}`;

/**
 * The webhook triggers of each tenant's active workflow versions, from
 * hive.workflow.events: workflow.activated replaces a workflow's rows with the
 * version's `webhooks`, workflow.deactivated removes them. Two active
 * workflows of a tenant may declare the same method and path: both rows are
 * kept and the gateway answers 409 until one is deactivated (docs/adr/0003).
 */
export function webhooksProjection(schema: string): Projection {
  const table = webhooksTable(schema);
  return {
    name: 'webhooks',
    version: 1,
    topics: [Topics.workflowEvents.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${table} (
          tenant text NOT NULL, path text NOT NULL, method text NOT NULL, workflow_id text NOT NULL, version integer NOT NULL,
          node_name text NOT NULL, response_mode text NOT NULL, activated_at timestamptz NOT NULL,
          PRIMARY KEY (tenant, path, method, workflow_id))`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      for (const { envelope } of messages) {
        const { tenant } = envelope;
        if (envelope.type === 'workflow.activated') {
          const d = envelope.data as WorkflowActivatedData;
          await tx.query(`DELETE FROM ${table} WHERE tenant = $1 AND workflow_id = $2`, [tenant, d.workflowId]);
          for (const hook of d.webhooks ?? []) {
            await tx.query(`INSERT INTO ${table} (tenant, path, method, workflow_id, version, node_name, response_mode, activated_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant, path, method, workflow_id) DO UPDATE
              SET version = EXCLUDED.version, node_name = EXCLUDED.node_name, response_mode = EXCLUDED.response_mode, activated_at = EXCLUDED.activated_at`,
            [tenant, normalisePath(hook.path), hook.httpMethod.toUpperCase(), d.workflowId, d.version, hook.nodeName, hook.responseMode, envelope.occurredAt]);
          }
        } else if (envelope.type === 'workflow.deactivated') {
          const d = envelope.data as WorkflowDeactivatedData;
          await tx.query(`DELETE FROM ${table} WHERE tenant = $1 AND workflow_id = $2`, [tenant, d.workflowId]);
        }
      }
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${table}`);
    },
  };
}

/** A webhook path as stored and looked up: no leading or trailing slashes. */
export const normalisePath = (path: string): string => path.replace(/^\/+|\/+$/g, '');

/**
 * The answers webhook callers wait for (responseMode lastNode and
 * responseNode), from hive.execution.events. The gateway inserts a row
 * before it sends StartExecution; this projection fills it in, once, with the
 * first of: the Respond to Webhook node's response (responseNode rows only),
 * the execution's completion, failure or cancellation; and signals every
 * gateway instance. Executions nobody waits for touch no row.
 */
export function webhookResultsProjection(schema: string): Projection {
  const table = webhookWaitsTable(schema);
  return {
    name: 'webhook-results',
    version: 1,
    topics: [Topics.executionEvents.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${table} (
          execution_id text PRIMARY KEY, tenant text NOT NULL, mode text NOT NULL, status text, result jsonb,
          created_at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS webhook_waits_created ON ${table} (created_at)`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      // Responses first: a batch may hold a Respond to Webhook node and the completion after it.
      const responded: Array<[string, string, unknown]> = [];
      const finished: Array<[string, string, unknown]> = [];
      for (const { envelope } of messages) {
        switch (envelope.type) {
          case 'workflow.node_completed': {
            const d = envelope.data as WorkflowNodeCompletedData;
            if (d.response) responded.push([d.executionId, envelope.tenant, { ...d.response, nodeName: d.nodeName }]);
            break;
          }
          case 'workflow.execution_completed': {
            const d = envelope.data as WorkflowExecutionCompletedData;
            finished.push([d.executionId, envelope.tenant, { status: 'completed', output: (d.output[0] ?? null) as JsonObject | null, items: d.output.length }]);
            break;
          }
          case 'workflow.execution_failed': {
            const d = envelope.data as WorkflowExecutionFailedData;
            finished.push([d.executionId, envelope.tenant, { status: 'failed', error: d.error, ...(d.failedNode ? { failedNode: d.failedNode } : {}) }]);
            break;
          }
          case 'workflow.execution_cancelled': {
            const d = envelope.data as { executionId: string };
            finished.push([d.executionId, envelope.tenant, { status: 'cancelled' }]);
            break;
          }
          default:
            break;
        }
      }
      const done: string[] = [];
      const apply = async (rows: Array<[string, string, unknown]>, status: string | null, modeFilter: string) => {
        if (rows.length === 0) return;
        const { rows: updated } = await tx.query<{ execution_id: string }>(
          `UPDATE ${table} w SET status = COALESCE($4, u.result->>'status'), result = u.result
           FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS u(execution_id, tenant, result)
           WHERE w.execution_id = u.execution_id AND w.tenant = u.tenant AND w.status IS NULL ${modeFilter}
           RETURNING w.execution_id`,
          [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => JSON.stringify(r[2])), status]);
        done.push(...updated.map((r) => r.execution_id));
      };
      await apply(responded, 'responded', `AND w.mode = 'responseNode'`);
      await apply(finished, null, '');
      if (done.length > 0) await notifySignals(tx, schema, done.map(webhookSignal));
    },
    // The rows are the gateway's own (inserted per request): a replay fills in only rows still open.
    reset: async () => undefined,
  };
}
