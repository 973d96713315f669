import type { PoolClient } from 'pg';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';
import { notifySignals } from './signals.service';

export const caughtUpSignal = (projection: string, commandId: string): string => `c:${projection}:${commandId}`;

/**
 * Wraps a read model so that, in the same transaction as its rows, it records
 * which commands' events it has applied (their envelopes' causationId) and
 * signals it: the gateway answers an accepted command once its own read model
 * shows the command's effect (read-your-writes), on any instance.
 */
export function signallingCatchUp(schema: string, projection: Projection): Projection {
  const table = `${schemaIdent(schema)}.caught_up`;
  return {
    ...projection,
    init: async (db: Queryable) => {
      await projection.init(db);
      await db.query(`CREATE TABLE IF NOT EXISTS ${table} (
        projection text NOT NULL, command_id text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (projection, command_id))`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      await projection.handle(messages, tx);
      const causes = [...new Set(messages.flatMap((m) => (m.envelope.causationId ? [m.envelope.causationId] : [])))];
      if (causes.length === 0) return;
      await tx.query(
        `INSERT INTO ${table} (projection, command_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
        [projection.name, causes],
      );
      await notifySignals(tx, schema, causes.map((cause) => caughtUpSignal(projection.name, cause)));
    },
  };
}

export async function hasCaughtUp(db: Queryable, schema: string, projection: string, commandId: string): Promise<boolean> {
  const { rowCount } = await db.query({ name: 'gateway-caught-up', text: `SELECT 1 FROM ${schemaIdent(schema)}.caught_up WHERE projection = $1 AND command_id = $2`, values: [projection, commandId] });
  return (rowCount ?? 0) > 0;
}
