import type { PoolClient } from 'pg';
import { Topics } from '@hive/contracts';
import type { Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';

/** A read model of the usual shape: one row per stream, upserted set-based per batch. */
export function streamCountsProjection(schema: string): Projection {
  const table = `"${schema}".stream_counts`;
  return {
    name: 'stream-counts',
    version: 1,
    topics: [Topics.systemEvents.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE TABLE IF NOT EXISTS ${table} (counter_id text PRIMARY KEY, total bigint NOT NULL, last_event uuid NOT NULL)`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      const latest = new Map<string, { by: number; id: string }>();
      for (const { envelope } of messages) {
        const data = envelope.data as { counterId: string; by: number };
        latest.set(data.counterId, { by: (latest.get(data.counterId)?.by ?? 0) + data.by, id: envelope.id });
      }
      await tx.query(
        `INSERT INTO ${table} AS c (counter_id, total, last_event) SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[])
         ON CONFLICT (counter_id) DO UPDATE SET total = c.total + EXCLUDED.total, last_event = EXCLUDED.last_event`,
        [[...latest.keys()], [...latest.values()].map((v) => v.by), [...latest.values()].map((v) => v.id)],
      );
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${table}`);
    },
  };
}
