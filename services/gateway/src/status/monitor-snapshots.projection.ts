import type { PoolClient } from 'pg';
import { Topics } from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';

export const monitorSnapshotsTable = (schema: string): string => `${schemaIdent(schema)}.monitor_snapshots`;

/**
 * The performance monitor's latest snapshots (hive.monitor.telemetry), one row per Kafka key:
 * `cluster`, `performance:*` (all tenants) and `performance:<tenant>`. A snapshot older than the
 * one stored (a replay, a late message) does not replace it.
 */
export function monitorSnapshotsProjection(schema: string): Projection {
  const table = monitorSnapshotsTable(schema);
  return {
    name: 'monitor-snapshots',
    version: 1,
    topics: [Topics.monitorTelemetry.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${table} (key text PRIMARY KEY, type text NOT NULL, at timestamptz NOT NULL, data jsonb NOT NULL)`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      // The newest snapshot per key in this batch, written in one statement.
      const latest = new Map<string, { type: string; at: string; data: unknown }>();
      for (const { key, envelope } of messages) {
        const at = (envelope.data as { at?: unknown }).at;
        if (!key || typeof at !== 'string') continue;
        const current = latest.get(key);
        if (!current || Date.parse(at) > Date.parse(current.at)) latest.set(key, { type: envelope.type, at, data: envelope.data });
      }
      if (latest.size === 0) return;
      await tx.query(
        `INSERT INTO ${table} AS s (key, type, at, data)
         SELECT key, type, at, data FROM jsonb_to_recordset($1::jsonb) AS r(key text, type text, at timestamptz, data jsonb)
         ON CONFLICT (key) DO UPDATE SET type = EXCLUDED.type, at = EXCLUDED.at, data = EXCLUDED.data WHERE EXCLUDED.at > s.at`,
        [JSON.stringify([...latest].map(([key, snapshot]) => ({ key, ...snapshot })))],
      );
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${table}`);
    },
  };
}
