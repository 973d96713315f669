import type { PoolClient } from 'pg';
import { Topics, type CommandRejectedData } from '@hive/contracts';
import { schemaIdent, type Queryable } from '@hive/event-store';
import type { ConsumedMessage } from '@hive/messaging';
import type { Projection } from '@hive/projections';
import { notifySignals } from './signals.service';

export const outcomeSignal = (commandId: string): string => `o:${commandId}`;

export interface CommandOutcome {
  readonly commandId: string;
  readonly tenant: string;
  readonly type: 'command.accepted' | 'command.rejected';
  /** When the owning service decided. */
  readonly occurredAt: string;
  readonly data: { readonly aggregateId: string; readonly streamVersion?: number } & Partial<Pick<CommandRejectedData, 'code' | 'reason' | 'details'>>;
}

/**
 * The outcome of every command, from hive.command.results, in one consumer
 * group shared by the gateway instances. Because outcomes land in PostgreSQL
 * with a checkpoint (and wake waiters by NOTIFY), the instance that sent a
 * command learns its outcome whichever instance consumed it: a rebalance
 * moves partitions between instances but loses nothing, and a client retrying
 * after a timeout finds the outcome that arrived meanwhile.
 */
export function outcomesProjection(schema: string): Projection {
  const table = `${schemaIdent(schema)}.command_outcomes`;
  return {
    name: 'command_outcomes',
    version: 1,
    topics: [Topics.commandResults.name],
    init: async (db: Queryable) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schemaIdent(schema)};
        CREATE TABLE IF NOT EXISTS ${table} (
          command_id text PRIMARY KEY, tenant text NOT NULL, type text NOT NULL, data jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now());
        ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS occurred_at timestamptz`);
    },
    handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
      const rows = messages
        .filter((m) => m.envelope.type === 'command.accepted' || m.envelope.type === 'command.rejected')
        .map(({ envelope }) => ({ command_id: (envelope.data as { commandId: string }).commandId, tenant: envelope.tenant, type: envelope.type, data: envelope.data, occurred_at: envelope.occurredAt }));
      if (rows.length === 0) return;
      await tx.query(
        `INSERT INTO ${table} (command_id, tenant, type, data, occurred_at)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(command_id text, tenant text, type text, data jsonb, occurred_at timestamptz) ON CONFLICT DO NOTHING`,
        [JSON.stringify(rows)],
      );
      await notifySignals(tx, schema, rows.map((row) => outcomeSignal(row.command_id)));
    },
    reset: async (tx: PoolClient) => {
      await tx.query(`TRUNCATE ${table}`);
    },
  };
}

export async function findOutcome(db: Queryable, schema: string, commandId: string): Promise<CommandOutcome | undefined> {
  const { rows } = await db.query<{ tenant: string; type: CommandOutcome['type']; data: CommandOutcome['data']; occurred_at: Date | null }>({
    name: 'gateway-find-outcome', text: `SELECT tenant, type, data, occurred_at FROM ${schemaIdent(schema)}.command_outcomes WHERE command_id = $1`, values: [commandId] });
  const row = rows[0];
  return row ? { commandId, tenant: row.tenant, type: row.type, data: row.data, occurredAt: (row.occurred_at ?? new Date(0)).toISOString() } : undefined;
}
