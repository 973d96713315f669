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
