import type { Pool, PoolClient, QueryResult } from 'pg';
import { schemaIdent } from '@hive/event-store';

/**
 * Where each consumer of a service has got to, per topic partition. Written in
 * the same transaction as the consumer's state change, so a redelivered
 * message is recognised and skipped: this table, not Kafka's committed
 * offsets, is the truth.
 */
export class CheckpointStore {
  private readonly s: string;

  constructor(private readonly schema: string) {
    this.s = schemaIdent(schema);
  }

  async migrate(pool: Pool): Promise<void> {
    await pool.query(`
      CREATE SCHEMA IF NOT EXISTS ${this.s};
      CREATE TABLE IF NOT EXISTS ${this.s}.consumer_checkpoints (
        consumer    text NOT NULL,
        topic       text NOT NULL,
        partition   integer NOT NULL,
        next_offset bigint NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, topic, partition)
      )`);
  }

  /**
   * Begins the consumer's transaction and locks the partition's checkpoint in
   * one round trip; returns the next offset to apply. The values are inlined
   * as escaped literals because a multi-statement query takes no parameters.
   */
  async beginAndLock(tx: PoolClient, consumer: string, topic: string, partition: number): Promise<bigint> {
    const results = (await tx.query(
      `BEGIN;
       INSERT INTO ${this.s}.consumer_checkpoints AS c (consumer, topic, partition, next_offset)
       VALUES (${tx.escapeLiteral(consumer)}, ${tx.escapeLiteral(topic)}, ${Math.trunc(partition)}, 0)
       ON CONFLICT (consumer, topic, partition) DO UPDATE SET next_offset = c.next_offset
       RETURNING next_offset`,
    )) as unknown as Array<QueryResult<{ next_offset: string }>>;
    return BigInt(results[1].rows[0].next_offset);
  }

  /** Moves the checkpoint and commits, in one round trip. */
  async advanceAndCommit(tx: PoolClient, consumer: string, topic: string, partition: number, nextOffset: bigint): Promise<void> {
    await tx.query(
      `UPDATE ${this.s}.consumer_checkpoints SET next_offset = ${nextOffset.toString()}, updated_at = now()
       WHERE consumer = ${tx.escapeLiteral(consumer)} AND topic = ${tx.escapeLiteral(topic)} AND partition = ${Math.trunc(partition)};
       COMMIT`,
    );
  }

  async reset(db: Pool | PoolClient, consumer: string): Promise<void> {
    await db.query(`DELETE FROM ${this.s}.consumer_checkpoints WHERE consumer = $1`, [consumer]);
  }
}
