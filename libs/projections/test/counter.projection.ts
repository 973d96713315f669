import type { PoolClient } from 'pg';
import type { Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import { Topics } from '@hive/contracts';
import type { Projection } from '../src';

/**
 * Test read model: running totals per counter. Deliberately not idempotent on
 * its own (total = total + by), so any message applied twice shows.
 */
export function counterProjection(schema: string): Projection {
  const table = `"${schema}".counters`;
  return {
    name: 'counters',
    version: 1,
    topics: [Topics.systemEvents.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"; CREATE TABLE IF NOT EXISTS ${table} (counter_id text PRIMARY KEY, total bigint NOT NULL, events integer NOT NULL)`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      const totals = new Map<string, { by: number; events: number }>();
      for (const { envelope } of messages) {
        if (envelope.type !== 'test.counter_incremented') continue;
        const data = envelope.data as { counterId: string; by: number; poison?: string };
        if (data.poison === 'throw') throw new Error(`counter ${data.counterId} refuses poison`);
        const entry = totals.get(data.counterId) ?? { by: 0, events: 0 };
        totals.set(data.counterId, { by: entry.by + data.by, events: entry.events + 1 });
      }
      if (totals.size === 0) return;
      await tx.query(
        `INSERT INTO ${table} AS c (counter_id, total, events)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[])
         ON CONFLICT (counter_id) DO UPDATE SET total = c.total + EXCLUDED.total, events = c.events + EXCLUDED.events`,
        [[...totals.keys()], [...totals.values()].map((t) => t.by), [...totals.values()].map((t) => t.events)],
      );
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${table}`);
    },
  };
}
