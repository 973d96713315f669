import type { Pool, PoolClient } from 'pg';
import { schemaIdent } from '../event-store.schema';
import { LeasedLoop } from '../lease/leased-loop';
import type { Queryable } from '../event-store';

export interface Timer<TPayload = unknown> {
  /** Unique: scheduling the same id again moves the timer. */
  readonly id: string;
  readonly kind: string;
  readonly dueAt: Date;
  readonly payload: TPayload;
}

export interface DurableTimersOptions {
  readonly pool: Pool;
  readonly connectionString: string;
  readonly schema: string;
  /**
   * Fires due timers inside a transaction that also deletes them: whatever the
   * handler writes in `tx` commits together with the timer being consumed.
   * Throwing rolls back and the timers fire again later.
   */
  readonly onFire: (timers: readonly Timer[], tx: PoolClient) => Promise<void>;
  readonly batchSize?: number;
  /** Longest sleep between checks when nothing is due soon. */
  readonly idlePollMs?: number;
  readonly leaseRetryMs?: number;
}

/**
 * Durable timers (retry backoff, timeouts, workflow waits, schedules): stored
 * in PostgreSQL, fired by the one instance holding the schema's timer lease,
 * re-armed by whoever holds it after a restart. Never a bare setTimeout: the
 * in-memory timer only decides when to look next.
 */
export class DurableTimers {
  private readonly s: string;
  private readonly channel: string;
  private readonly loop: LeasedLoop;
  private fired = 0;

  constructor(private readonly options: DurableTimersOptions) {
    this.s = schemaIdent(options.schema);
    this.channel = `hive_timers_${options.schema}`;
    this.loop = new LeasedLoop({
      name: `${DurableTimers.name}:${options.schema}`,
      lease: { connectionString: options.connectionString, key: `hive-timers.${options.schema}`, retryMs: options.leaseRetryMs, listen: [this.channel] },
      step: async () => ((await this.fireDue()) > 0 ? 'again' : this.msUntilNext()),
    });
  }

  static async migrate(db: Queryable, schema: string): Promise<void> {
    const s = schemaIdent(schema);
    await db.query(`
      CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE TABLE IF NOT EXISTS ${s}.timers (
        id         text PRIMARY KEY,
        kind       text NOT NULL,
        due_at     timestamptz NOT NULL,
        payload    jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS timers_due_at ON ${s}.timers (due_at);`);
  }

  /** Timers fired by this instance. */
  get firedCount(): number {
    return this.fired;
  }

  /** Schedules (or moves) timers; call it in the transaction that decided them. */
  async schedule(db: Queryable, timers: readonly Timer[]): Promise<void> {
    if (timers.length === 0) return;
    await db.query(
      `WITH upserted AS (
         INSERT INTO ${this.s}.timers (id, kind, due_at, payload)
         SELECT t.id, t.kind, t.due_at, t.payload FROM jsonb_to_recordset($1::jsonb) AS t(id text, kind text, due_at timestamptz, payload jsonb)
         ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload
         RETURNING 1)
       SELECT pg_notify($2, '') FROM (SELECT count(*) FROM upserted) AS n`,
      [JSON.stringify(timers.map((t) => ({ id: t.id, kind: t.kind, due_at: t.dueAt.toISOString(), payload: t.payload }))), this.channel],
    );
  }

  async cancel(db: Queryable, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await db.query(`DELETE FROM ${this.s}.timers WHERE id = ANY($1::text[])`, [ids]);
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  private async fireDue(): Promise<number> {
    const tx = await this.options.pool.connect();
    try {
      await tx.query('BEGIN');
      const { rows } = await tx.query<{ id: string; kind: string; due_at: Date; payload: unknown }>(
        `DELETE FROM ${this.s}.timers WHERE id IN (
           SELECT id FROM ${this.s}.timers WHERE due_at <= now() ORDER BY due_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, due_at, payload`,
        [this.options.batchSize ?? 500],
      );
      if (rows.length > 0) {
        const timers = rows.map((row) => ({ id: row.id, kind: row.kind, dueAt: row.due_at, payload: row.payload }))
          .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id.localeCompare(b.id));
        await this.options.onFire(timers, tx);
      }
      await tx.query('COMMIT');
      this.fired += rows.length;
      return rows.length;
    } catch (error) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      tx.release();
    }
  }

  private async msUntilNext(): Promise<number> {
    const { rows } = await this.options.pool.query<{ ms: number | null }>(
      `SELECT GREATEST(0, EXTRACT(EPOCH FROM (min(due_at) - clock_timestamp())) * 1000)::float8 AS ms FROM ${this.s}.timers`,
    );
    const idle = this.options.idlePollMs ?? 1_000;
    return rows[0].ms === null ? idle : Math.min(idle, Math.ceil(rows[0].ms));
  }

}
