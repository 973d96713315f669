import type { PoolClient } from 'pg';
import { schemaIdent } from '@hive/event-store';
import { SHARED_AGENT_TENANT } from '../agents/agent-view';

/** Tasks assigned to or running on one agent (owned by `ownerTenant`, or shared). */
export async function schedulerActiveOf(tx: PoolClient, schema: string, ownerTenant: string, agentId: string): Promise<number> {
  const s = schemaIdent(schema);
  const { rows } = await tx.query<{ n: number }>(
    ownerTenant === SHARED_AGENT_TENANT
      ? `SELECT count(*)::int AS n FROM ${s}.tasks t WHERE t.agent_id = $2 AND t.status IN ('assigned', 'running')
           AND NOT EXISTS (SELECT 1 FROM ${s}.agents a WHERE a.tenant = t.tenant AND a.agent_id = t.agent_id AND a.tenant <> $1)`
      : `SELECT count(*)::int AS n FROM ${s}.tasks t WHERE t.tenant = $1 AND t.agent_id = $2 AND t.status IN ('assigned', 'running')`,
    [ownerTenant, agentId],
  );
  return rows[0].n;
}

export interface InFlightAttempt {
  readonly tenant: string;
  readonly taskId: string;
  readonly attempt: number;
}

/**
 * The attempts in flight on one agent (owned by `ownerTenant`, or shared) that were assigned no later
 * than `assignedBy`: the ones an agent lost when it went offline at that moment. Later assignments
 * (after it came back) are not the lost ones, which keeps a replayed status change harmless.
 */
export async function inFlightOn(tx: PoolClient, schema: string, ownerTenant: string, agentId: string, assignedBy: string): Promise<InFlightAttempt[]> {
  const s = schemaIdent(schema);
  const { rows } = await tx.query<{ tenant: string; task_id: string; attempt: number }>(
    `SELECT t.tenant, t.task_id, t.attempt FROM ${s}.tasks t
     WHERE t.agent_id = $2 AND t.status IN ('assigned', 'running') AND t.assigned_at <= $3::timestamptz
       AND ${ownerTenant === SHARED_AGENT_TENANT
    ? `NOT EXISTS (SELECT 1 FROM ${s}.agents a WHERE a.tenant = t.tenant AND a.agent_id = t.agent_id AND a.tenant <> $1)`
    : 't.tenant = $1'}
     ORDER BY t.tenant, t.task_id`,
    [ownerTenant, agentId, assignedBy],
  );
  return rows.map((row) => ({ tenant: row.tenant, taskId: row.task_id, attempt: row.attempt }));
}
