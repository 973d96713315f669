import type { Pool } from 'pg';

/** Quotes a schema name after checking it; schema names come from configuration, never from users. */
export function schemaIdent(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  return `"${schema}"`;
}

/**
 * The per-service event store tables:
 * - streams: current version per stream (the optimistic-concurrency guard);
 * - events: append-only, global position from a sequence, the writing transaction's id
 *   so readers can avoid skipping events whose transactions commit late;
 * - outbox: the Kafka messages to publish, written in the same transaction as the events.
 */
export function eventStoreDdl(schema: string): string {
  const s = schemaIdent(schema);
  return `
    CREATE SCHEMA IF NOT EXISTS ${s};
    CREATE TABLE IF NOT EXISTS ${s}.streams (
      stream_id   text PRIMARY KEY,
      version     integer NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS ${s}.events (
      global_position bigserial PRIMARY KEY,
      transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
      stream_id       text NOT NULL,
      stream_version  integer NOT NULL,
      id              uuid NOT NULL UNIQUE,
      type            text NOT NULL,
      version         integer NOT NULL,
      tenant          text NOT NULL,
      data            jsonb NOT NULL,
      metadata        jsonb NOT NULL,
      occurred_at     timestamptz NOT NULL,
      recorded_at     timestamptz NOT NULL DEFAULT now(),
      UNIQUE (stream_id, stream_version)
    );
    CREATE INDEX IF NOT EXISTS events_transaction_position ON ${s}.events (transaction_id, global_position);
    CREATE TABLE IF NOT EXISTS ${s}.outbox (
      id              bigserial PRIMARY KEY,
      transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
      topic           text NOT NULL,
      key             text NOT NULL,
      value           text NOT NULL,
      headers         jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS outbox_transaction_id ON ${s}.outbox (transaction_id, id);
  `;
}

/** The NOTIFY channel the outbox relay listens on. */
export const outboxChannel = (schema: string): string => `hive_outbox_${schema}`;

export async function migrateEventStore(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    // Serialise concurrent migrations of the same schema (several instances starting at once).
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`hive-migrate:${schema}`]);
    try {
      await client.query(eventStoreDdl(schema));
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`hive-migrate:${schema}`]);
    }
  } finally {
    client.release();
  }
}
