import { Injectable, type OnModuleInit } from '@nestjs/common';
import { schemaIdent } from '@hive/event-store';
import { HiveEventing } from '@hive/messaging';

export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
}

export type Reservation =
  | { readonly kind: 'new' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'done'; readonly response: StoredResponse }
  | { readonly kind: 'pending'; readonly commandId: string };

/**
 * Idempotency-Key records, per tenant: the first request with a key reserves
 * it with its command id and a fingerprint of the request; a repeat either
 * gets the stored outcome, or (still pending) waits for the same command's
 * outcome, and never sends anything new.
 */
@Injectable()
export class IdempotencyRepository implements OnModuleInit {
  private readonly s: string;

  constructor(private readonly eventing: HiveEventing) {
    this.s = schemaIdent(eventing.schema);
  }

  async onModuleInit(): Promise<void> {
    await this.eventing.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.s};
      CREATE TABLE IF NOT EXISTS ${this.s}.idempotency_keys (
        tenant text NOT NULL, key text NOT NULL, fingerprint text NOT NULL, command_id text NOT NULL,
        status integer, body jsonb, created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant, key));
      ALTER TABLE ${this.s}.idempotency_keys ADD COLUMN IF NOT EXISTS sent_at timestamptz`);
  }

  /**
   * Reserves a key for a new command, or reports what the key already holds.
   * A reservation whose command was never marked sent within `staleAfterMs`
   * (its instance died between reserving and sending) is taken over.
   */
  async reserve(tenant: string, key: string, fingerprint: string, commandId: string, staleAfterMs: number): Promise<Reservation> {
    const inserted = await this.eventing.pool.query(
      `INSERT INTO ${this.s}.idempotency_keys (tenant, key, fingerprint, command_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [tenant, key, fingerprint, commandId]);
    if (inserted.rowCount === 1) return { kind: 'new' };
    const { rows } = await this.eventing.pool.query<{ fingerprint: string; command_id: string; status: number | null; body: unknown; stale: boolean }>(
      `SELECT fingerprint, command_id, status, body, (status IS NULL AND sent_at IS NULL AND created_at < now() - make_interval(secs => $3)) AS stale
       FROM ${this.s}.idempotency_keys WHERE tenant = $1 AND key = $2`, [tenant, key, staleAfterMs / 1000]);
    const row = rows[0];
    if (row?.stale) {
      await this.eventing.pool.query(`DELETE FROM ${this.s}.idempotency_keys WHERE tenant = $1 AND key = $2 AND status IS NULL AND sent_at IS NULL`, [tenant, key]);
    }
    if (!row || row.stale) return this.reserve(tenant, key, fingerprint, commandId, staleAfterMs);
    if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (row.status !== null) return { kind: 'done', response: { status: row.status, body: row.body } };
    return { kind: 'pending', commandId: row.command_id };
  }

  async markSent(tenant: string, key: string): Promise<void> {
    await this.eventing.pool.query(`UPDATE ${this.s}.idempotency_keys SET sent_at = now() WHERE tenant = $1 AND key = $2`, [tenant, key]);
  }

  async complete(tenant: string, key: string, response: StoredResponse): Promise<void> {
    await this.eventing.pool.query(`UPDATE ${this.s}.idempotency_keys SET status = $3, body = $4 WHERE tenant = $1 AND key = $2`,
      [tenant, key, response.status, JSON.stringify(response.body)]);
  }

  /** Frees a key whose command was never sent (Kafka refused it), so a retry sends it. */
  async release(tenant: string, key: string): Promise<void> {
    await this.eventing.pool.query(`DELETE FROM ${this.s}.idempotency_keys WHERE tenant = $1 AND key = $2 AND status IS NULL`, [tenant, key]);
  }
}
