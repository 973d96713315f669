import type { PoolClient } from 'pg';
import { Topics, type SystemAlertData, type SystemAlertResolvedData } from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';

export const alertsTable = (schema: string): string => `${schemaIdent(schema)}.alerts`;

/** Alerts (firing and resolved), from hive.system.events. */
export function alertsProjection(schema: string): Projection {
  const table = alertsTable(schema);
  return {
    name: 'alerts',
    version: 1,
    topics: [Topics.systemEvents.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${table} (
          tenant text NOT NULL, alert_id text NOT NULL, rule text NOT NULL, severity text NOT NULL, condition text, value double precision NOT NULL,
          subject text, message text NOT NULL, state text NOT NULL, fired_at timestamptz NOT NULL, resolved_at timestamptz, PRIMARY KEY (tenant, alert_id))`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      for (const { envelope } of messages) {
        if (envelope.type === 'system.alert') {
          const d = envelope.data as SystemAlertData;
          await tx.query(`INSERT INTO ${table} (tenant, alert_id, rule, severity, condition, value, subject, message, state, fired_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'firing', $9) ON CONFLICT DO NOTHING`,
            [envelope.tenant, d.alertId, d.rule, d.severity, d.condition, d.value, d.subject ?? null, d.message, envelope.occurredAt]);
        } else if (envelope.type === 'system.alert_resolved') {
          const d = envelope.data as SystemAlertResolvedData;
          await tx.query(`INSERT INTO ${table} (tenant, alert_id, rule, severity, value, subject, message, state, fired_at, resolved_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'resolved', $8, $9)
            ON CONFLICT (tenant, alert_id) DO UPDATE SET state = 'resolved', resolved_at = EXCLUDED.resolved_at`,
            [envelope.tenant, d.alertId, d.rule, d.severity, d.value, d.subject ?? null, d.message, d.firedAt, envelope.occurredAt]);
        }
      }
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${table}`);
    },
  };
}
