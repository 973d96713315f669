import type { PoolClient } from 'pg';
import {
  Topics, type AgentDeregisteredData, type AgentRegisteredData, type AgentStatusChangedData, type AgentUpdatedData, type TaskAssignedData,
  type TaskCancelledData, type TaskCompletedData, type TaskCreatedData, type TaskFailedData, type TaskRetryScheduledData, type TaskStartedData,
  type TaskTimedOutData, type WorkflowActivatedData, type WorkflowDeactivatedData, type WorkflowExecutionCancelledData,
  type WorkflowExecutionCompletedData, type WorkflowExecutionFailedData, type WorkflowExecutionStartedData, type WorkflowImportedData,
  type WorkflowVersionCreatedData,
} from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';

export interface HiveViewTables {
  readonly agents: string;
  readonly tasks: string;
  readonly workflows: string;
  readonly executions: string;
}

export const hiveViewTables = (schema: string): HiveViewTables => {
  const s = schemaIdent(schema);
  return { agents: `${s}.view_agents`, tasks: `${s}.view_tasks`, workflows: `${s}.view_workflows`, executions: `${s}.view_executions` };
};

/** Workflows tagged `mcp` in n8n (tags as `[{ name }]` or strings) are offered as tools of Hive's MCP server. */
export const MCP_WORKFLOW_TAG = 'mcp';
const exposedAsTool = (n8nData: unknown): boolean => {
  const tags = (n8nData as { tags?: unknown }).tags;
  return Array.isArray(tags) && tags.some((t) => (typeof t === 'string' ? t : (t as { name?: unknown } | null)?.name) === MCP_WORKFLOW_TAG);
};

/** n8n node types of a workflow's JSON, for the capabilities overview. */
const nodeTypesOf = (n8nData: unknown): string[] => {
  const nodes = (n8nData as { nodes?: unknown }).nodes;
  return Array.isArray(nodes) ? [...new Set(nodes.map((n) => String((n as { type?: unknown }).type ?? '')).filter((t) => t !== ''))] : [];
};

/**
 * The bridge's small read models of what other services own (agents, tasks,
 * workflows, executions), projected from their event topics, so Hive's MCP
 * server answers reads without asking anyone. Every row carries its tenant.
 */
export function hiveViewProjection(schema: string): Projection {
  const t = hiveViewTables(schema);
  return {
    name: 'hive_view',
    version: 2,
    topics: [Topics.agentEvents.name, Topics.taskEvents.name, Topics.workflowEvents.name, Topics.executionEvents.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${t.agents} (tenant text NOT NULL, agent_id text NOT NULL, name text NOT NULL, endpoint text NOT NULL, model text NOT NULL,
          provider text NOT NULL, capabilities jsonb NOT NULL, specialization text, max_concurrent integer NOT NULL, status text NOT NULL, status_reason text,
          registered_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (tenant, agent_id));
        CREATE TABLE IF NOT EXISTS ${t.tasks} (tenant text NOT NULL, task_id text NOT NULL, title text NOT NULL, type text NOT NULL, priority integer NOT NULL,
          status text NOT NULL, final boolean NOT NULL DEFAULT false, spec jsonb NOT NULL, agent_id text, attempt integer NOT NULL DEFAULT 0, result text, result_json jsonb,
          error text, response_time_ms double precision, tokens integer, tokens_per_second double precision,
          created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, finished_at timestamptz, PRIMARY KEY (tenant, task_id));
        CREATE INDEX IF NOT EXISTS view_tasks_by_status ON ${t.tasks} (tenant, status);
        CREATE TABLE IF NOT EXISTS ${t.workflows} (tenant text NOT NULL, workflow_id text NOT NULL, name text NOT NULL, description text, version integer NOT NULL,
          active boolean NOT NULL DEFAULT false, active_version integer, node_types jsonb NOT NULL, exposed boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
          PRIMARY KEY (tenant, workflow_id));
        ALTER TABLE ${t.workflows} ADD COLUMN IF NOT EXISTS exposed boolean NOT NULL DEFAULT false;
        CREATE TABLE IF NOT EXISTS ${t.executions} (tenant text NOT NULL, execution_id text NOT NULL, workflow_id text NOT NULL, workflow_version integer NOT NULL,
          status text NOT NULL, input jsonb, output jsonb, error text, failed_node text, duration_ms double precision,
          started_at timestamptz NOT NULL, finished_at timestamptz, PRIMARY KEY (tenant, execution_id));`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      for (const { envelope } of messages) {
        const { tenant, occurredAt: at } = envelope;
        const data = envelope.data as Record<string, unknown>;
        const task = async (set: string, values: unknown[]) =>
          tx.query(`UPDATE ${t.tasks} SET ${set}, updated_at = $3 WHERE tenant = $1 AND task_id = $2`, [tenant, data['taskId'], at, ...values]);
        switch (envelope.type) {
          case 'agent.registered': {
            const d = data as unknown as AgentRegisteredData;
            await tx.query(`INSERT INTO ${t.agents} (tenant, agent_id, name, endpoint, model, provider, capabilities, specialization, max_concurrent, status, registered_at, updated_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'offline', $10, $10)
              ON CONFLICT (tenant, agent_id) DO UPDATE SET name = EXCLUDED.name, endpoint = EXCLUDED.endpoint, model = EXCLUDED.model, provider = EXCLUDED.provider,
                capabilities = EXCLUDED.capabilities, specialization = EXCLUDED.specialization, max_concurrent = EXCLUDED.max_concurrent, status = 'offline', updated_at = EXCLUDED.updated_at`,
            [tenant, d.agentId, d.name, d.endpoint, d.model, d.provider, JSON.stringify(d.capabilities), d.specialization ?? null, d.maxConcurrent, at]);
            break;
          }
          case 'agent.updated': {
            const d = data as unknown as AgentUpdatedData;
            await tx.query(`UPDATE ${t.agents} SET name = COALESCE($3, name), endpoint = COALESCE($4, endpoint), model = COALESCE($5, model),
                capabilities = COALESCE($6, capabilities), max_concurrent = COALESCE($7, max_concurrent), updated_at = $8 WHERE tenant = $1 AND agent_id = $2`,
            [tenant, d.agentId, d.name ?? null, d.endpoint ?? null, d.model ?? null, d.capabilities ? JSON.stringify(d.capabilities) : null, d.maxConcurrent ?? null, at]);
            break;
          }
          case 'agent.status_changed': {
            const d = data as unknown as AgentStatusChangedData;
            await tx.query(`UPDATE ${t.agents} SET status = $3, status_reason = $4, updated_at = $5 WHERE tenant = $1 AND agent_id = $2`, [tenant, d.agentId, d.to, d.reason, at]);
            break;
          }
          case 'agent.deregistered': {
            const d = data as unknown as AgentDeregisteredData;
            await tx.query(`UPDATE ${t.agents} SET status = 'deregistered', status_reason = $3, updated_at = $4 WHERE tenant = $1 AND agent_id = $2`, [tenant, d.agentId, d.reason ?? null, at]);
            break;
          }
          case 'task.created': {
            const d = data as unknown as TaskCreatedData;
            await tx.query(`INSERT INTO ${t.tasks} (tenant, task_id, title, type, priority, status, spec, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'waiting', $6, $7, $7)
              ON CONFLICT (tenant, task_id) DO NOTHING`, [tenant, d.taskId, d.title, d.type, d.priority, JSON.stringify(d), at]);
            break;
          }
          case 'task.ready': await task(`status = 'queued'`, []); break;
          case 'task.requeued': await task(`status = 'queued', agent_id = NULL`, []); break;
          case 'task.assigned': await task(`status = 'assigned', agent_id = $4, attempt = $5`, [(data as unknown as TaskAssignedData).agentId, (data as unknown as TaskAssignedData).attempt]); break;
          case 'task.started': await task(`status = 'running', agent_id = $4`, [(data as unknown as TaskStartedData).agentId]); break;
          case 'task.completed': {
            const d = data as unknown as TaskCompletedData;
            await task(`status = 'completed', final = true, result = $4, result_json = $5, agent_id = $6, response_time_ms = $7, tokens = $8, tokens_per_second = $9, error = NULL, finished_at = $3`,
              [d.result, d.resultJson ? JSON.stringify(d.resultJson) : null, d.agentId, d.responseTimeMs, d.promptTokens + d.completionTokens, d.tokensPerSecond]);
            break;
          }
          case 'task.failed': {
            const d = data as unknown as TaskFailedData;
            // Final unless a retry follows: not retriable, or no retries left.
            await task(`status = 'failed', error = $4, finished_at = $3, final = (NOT $5::boolean OR $6::int > (spec->>'maxRetries')::int)`, [d.reason, d.retriable, d.attempt]);
            break;
          }
          case 'task.timed_out': {
            const d = data as unknown as TaskTimedOutData;
            await task(`status = 'timed_out', error = $4, finished_at = $3, final = ($5::int > (spec->>'maxRetries')::int)`, [`timed out after ${d.timeoutMs} ms`, d.attempt]);
            break;
          }
          case 'task.retry_scheduled': await task(`status = 'retry_scheduled', final = false, finished_at = NULL, attempt = $4 - 1`, [(data as unknown as TaskRetryScheduledData).attempt]); break;
          case 'task.cancelled': await task(`status = 'cancelled', final = true, error = $4, finished_at = $3`, [(data as unknown as TaskCancelledData).reason]); break;
          case 'workflow.imported': {
            const d = data as unknown as WorkflowImportedData;
            await tx.query(`INSERT INTO ${t.workflows} (tenant, workflow_id, name, description, version, active, node_types, exposed, created_at, updated_at)
              VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $8) ON CONFLICT (tenant, workflow_id) DO NOTHING`,
            [tenant, d.workflowId, d.name, d.description ?? null, d.active, JSON.stringify(nodeTypesOf(d.n8nData)), exposedAsTool(d.n8nData), at]);
            if (d.active) await tx.query(`UPDATE ${t.workflows} SET active_version = 1 WHERE tenant = $1 AND workflow_id = $2`, [tenant, d.workflowId]);
            break;
          }
          case 'workflow.version_created': {
            const d = data as unknown as WorkflowVersionCreatedData;
            await tx.query(`UPDATE ${t.workflows} SET name = $3, description = $4, version = GREATEST(version, $5), node_types = $6, exposed = $8, updated_at = $7
              WHERE tenant = $1 AND workflow_id = $2`,
            [tenant, d.workflowId, d.name, d.description ?? null, d.version, JSON.stringify(nodeTypesOf(d.n8nData)), at, exposedAsTool(d.n8nData)]);
            break;
          }
          case 'workflow.activated': {
            const d = data as unknown as WorkflowActivatedData;
            await tx.query(`UPDATE ${t.workflows} SET active = true, active_version = $3, updated_at = $4 WHERE tenant = $1 AND workflow_id = $2`, [tenant, d.workflowId, d.version, at]);
            break;
          }
          case 'workflow.deactivated': {
            const d = data as unknown as WorkflowDeactivatedData;
            await tx.query(`UPDATE ${t.workflows} SET active = false, updated_at = $3 WHERE tenant = $1 AND workflow_id = $2`, [tenant, d.workflowId, at]);
            break;
          }
          case 'workflow.execution_started': {
            const d = data as unknown as WorkflowExecutionStartedData;
            await tx.query(`INSERT INTO ${t.executions} (tenant, execution_id, workflow_id, workflow_version, status, input, started_at) VALUES ($1, $2, $3, $4, 'running', $5, $6)
              ON CONFLICT (tenant, execution_id) DO UPDATE SET status = 'running', error = NULL, failed_node = NULL, finished_at = NULL`,
            [tenant, d.executionId, d.workflowId, d.workflowVersion, JSON.stringify(d.input), at]);
            break;
          }
          case 'workflow.execution_completed': {
            const d = data as unknown as WorkflowExecutionCompletedData;
            await tx.query(`UPDATE ${t.executions} SET status = 'completed', output = $3, duration_ms = $4, finished_at = $5 WHERE tenant = $1 AND execution_id = $2`,
              [tenant, d.executionId, JSON.stringify(d.output), d.durationMs, at]);
            break;
          }
          case 'workflow.execution_failed': {
            const d = data as unknown as WorkflowExecutionFailedData;
            await tx.query(`UPDATE ${t.executions} SET status = 'failed', error = $3, failed_node = $4, finished_at = $5 WHERE tenant = $1 AND execution_id = $2`,
              [tenant, d.executionId, d.error, d.failedNode ?? null, at]);
            break;
          }
          case 'workflow.execution_cancelled': {
            const d = data as unknown as WorkflowExecutionCancelledData;
            await tx.query(`UPDATE ${t.executions} SET status = 'cancelled', error = $3, finished_at = $4 WHERE tenant = $1 AND execution_id = $2`, [tenant, d.executionId, d.reason, at]);
            break;
          }
          default:
            break;
        }
      }
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${t.agents}, ${t.tasks}, ${t.workflows}, ${t.executions}`);
    },
  };
}
