import type { PoolClient } from 'pg';
import {
  Topics, type WorkflowExecutionCancelledData, type WorkflowExecutionCompletedData, type WorkflowExecutionFailedData, type WorkflowExecutionStartedData,
  type WorkflowNodeCompletedData, type WorkflowNodeFailedData, type WorkflowNodeStartedData,
} from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';

export const executionsTable = (schema: string): string => `${schemaIdent(schema)}.executions`;

/** Workflow executions with per-node state, from hive.execution.events. */
export function executionsProjection(schema: string): Projection {
  const table = executionsTable(schema);
  const node = (tx: PoolClient, tenant: string, executionId: string, at: string, name: string, state: Record<string, unknown>, extra = '', values: unknown[] = []) =>
    tx.query(`UPDATE ${table} SET nodes = jsonb_set(nodes, ARRAY[$4::text], COALESCE(nodes->$4, '{}'::jsonb) || $5::jsonb), updated_at = $3 ${extra}
      WHERE tenant = $1 AND execution_id = $2`, [tenant, executionId, at, name, JSON.stringify(state), ...values]);
  return {
    name: 'executions',
    // 2: nodes keep their outputs (a new version is rebuilt from offset 0 at start).
    version: 2,
    topics: [Topics.executionEvents.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${table} (
          tenant text NOT NULL, execution_id text NOT NULL, workflow_id text NOT NULL, workflow_version integer NOT NULL, status text NOT NULL,
          attempt integer NOT NULL, input jsonb NOT NULL, output jsonb, error text, failed_node text, progress double precision NOT NULL DEFAULT 0,
          nodes jsonb NOT NULL DEFAULT '{}'::jsonb, started_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, finished_at timestamptz, duration_ms double precision,
          PRIMARY KEY (tenant, execution_id))`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      for (const { envelope } of messages) {
        const { tenant, occurredAt: at } = envelope;
        switch (envelope.type) {
          case 'workflow.execution_started': {
            const d = envelope.data as WorkflowExecutionStartedData;
            await tx.query(`INSERT INTO ${table} (tenant, execution_id, workflow_id, workflow_version, status, attempt, input, started_at, updated_at)
              VALUES ($1, $2, $3, $4, 'running', $5, $6, $7, $7)
              ON CONFLICT (tenant, execution_id) DO UPDATE SET status = 'running', attempt = EXCLUDED.attempt, error = NULL, failed_node = NULL, finished_at = NULL, updated_at = EXCLUDED.updated_at`,
              [tenant, d.executionId, d.workflowId, d.workflowVersion, d.attempt, JSON.stringify(d.input), at]);
            break;
          }
          case 'workflow.node_started': {
            const d = envelope.data as WorkflowNodeStartedData;
            await node(tx, tenant, d.executionId, at, d.nodeName, { status: 'running', type: d.nodeType, runIndex: d.runIndex, startedAt: at, ...(d.taskId ? { taskId: d.taskId } : {}) });
            break;
          }
          case 'workflow.node_completed': {
            const d = envelope.data as WorkflowNodeCompletedData;
            // The node's items per output, so a client can show what each node produced (and so what the next one got).
            await node(tx, tenant, d.executionId, at, d.nodeName, { status: 'completed', type: d.nodeType, runIndex: d.runIndex, durationMs: d.durationMs, finishedAt: at, outputs: d.outputs },
              ', progress = $6', [d.progress]);
            break;
          }
          case 'workflow.node_failed': {
            const d = envelope.data as WorkflowNodeFailedData;
            await node(tx, tenant, d.executionId, at, d.nodeName, { status: 'failed', type: d.nodeType, runIndex: d.runIndex, error: d.error, retriable: d.retriable, finishedAt: at });
            break;
          }
          case 'workflow.execution_completed': {
            const d = envelope.data as WorkflowExecutionCompletedData;
            await tx.query(`UPDATE ${table} SET status = 'completed', output = $3, duration_ms = $4, progress = 100, finished_at = $5, updated_at = $5 WHERE tenant = $1 AND execution_id = $2`,
              [tenant, d.executionId, JSON.stringify(d.output), d.durationMs, at]);
            break;
          }
          case 'workflow.execution_failed': {
            const d = envelope.data as WorkflowExecutionFailedData;
            await tx.query(`UPDATE ${table} SET status = 'failed', error = $3, failed_node = $4, finished_at = $5, updated_at = $5 WHERE tenant = $1 AND execution_id = $2`,
              [tenant, d.executionId, d.error, d.failedNode ?? null, at]);
            break;
          }
          case 'workflow.execution_cancelled': {
            const d = envelope.data as WorkflowExecutionCancelledData;
            await tx.query(`UPDATE ${table} SET status = 'cancelled', error = $3, finished_at = $4, updated_at = $4 WHERE tenant = $1 AND execution_id = $2`,
              [tenant, d.executionId, d.reason, at]);
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
