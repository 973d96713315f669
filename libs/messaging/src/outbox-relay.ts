import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Kafka, Message, Producer, Transaction } from 'kafkajs';
import type { Pool } from 'pg';
import { Topics } from '@hive/contracts';
import { AdvisoryLease, outboxChannel, schemaIdent, WakeSignal } from '@hive/event-store';

export interface OutboxRelayOptions {
  readonly kafka: Kafka;
  /** Pool for reading and deleting outbox rows. */
  readonly pool: Pool;
  /** Connection string for the relay's own session, which holds the lease and LISTENs. */
  readonly connectionString: string;
  readonly schema: string;
  readonly topicPrefix?: string;
  readonly batchSize?: number;
  /**
   * Upper bound on the bytes of one published batch (keys, values, headers). The broker refuses a
   * partition's record batch over its message.max.bytes (1 MiB by default) with MESSAGE_TOO_LARGE,
   * and the relay would retry the same rows forever: a batch stops before this many bytes (at least one row).
   */
  readonly maxBatchBytes?: number;
  /** Poll interval when no notification arrives (a safety net; NOTIFY is the normal wake-up). */
  readonly idlePollMs?: number;
  /** How often a standby instance tries to take the lease. */
  readonly leaseRetryMs?: number;
}

export type RelayState = 'starting' | 'standby' | 'active' | 'stopped';

interface OutboxRow {
  id: string;
  transaction_id: string;
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

interface RelayCheckpoint {
  readonly transactionId: string;
  readonly id: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes a service's outbox to Kafka, in commit-safe order, exactly once.
 *
 * - One active relay per schema: the holder of a PostgreSQL advisory lock on
 *   its own session. When that session dies the lock is released and a standby
 *   takes over within `leaseRetryMs`.
 * - Exactly once: each batch is published in a Kafka transaction that also
 *   writes the relay's position to the compacted checkpoint topic (same
 *   produce request). After a crash between the Kafka commit and the outbox
 *   delete, the next holder reads that position and deletes what was already
 *   published instead of publishing it again. The transactional id fences a
 *   zombie holder.
 * - Order: rows are read by (transaction id, id) and only from transactions
 *   older than every running one, so a late-committing row is never skipped
 *   and one key's messages keep their order.
 */
export class OutboxRelay {
  private readonly logger: Logger;
  private readonly s: string;
  private readonly prefix: string;
  private readonly relayId: string;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly wakeSignal = new WakeSignal();
  private readonly lease: AdvisoryLease;
  private currentState: RelayState = 'starting';
  private published = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.s = schemaIdent(options.schema);
    this.prefix = options.topicPrefix ?? '';
    this.relayId = `${this.prefix}hive-relay.${options.schema}`;
    this.logger = new Logger(`${OutboxRelay.name}:${options.schema}`);
    this.lease = new AdvisoryLease({
      connectionString: options.connectionString, key: this.relayId, retryMs: options.leaseRetryMs,
      listen: [outboxChannel(options.schema)], onWake: () => this.wakeSignal.notify(),
    });
  }

  get state(): RelayState {
    return this.currentState;
  }

  /** Messages published by this instance since it started. */
  get publishedCount(): number {
    return this.published;
  }

  start(): void {
    this.stopped = false;
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSignal.notify();
    await this.lease.release();
    await this.loop;
    this.loop = undefined;
    this.currentState = 'stopped';
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let producer: Producer | undefined;
      try {
        this.currentState = 'standby';
        if (!(await this.lease.acquire(() => this.stopped))) break;
        producer = this.options.kafka.producer({
          transactionalId: this.relayId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false,
          // Right after a commit the coordinator is still writing markers and answers the next
          // transaction with CONCURRENT_TRANSACTIONS: retry within milliseconds, not the default 100 ms.
          retry: { initialRetryTime: 5, maxRetryTime: 1_000, retries: 30 },
        });
        await producer.connect();
        await this.recover();
        this.currentState = 'active';
        this.logger.log('active: publishing the outbox');
        await this.publishUntilStopped(producer);
      } catch (error) {
        if (!this.stopped) {
          this.logger.error(`relay failed, restarting: ${(error as Error).message}`);
          await sleep(500);
        }
      } finally {
        await producer?.disconnect().catch(() => undefined);
        await this.lease.release();
      }
    }
  }


  /** Deletes outbox rows a previous holder published but did not get to delete. */
  private async recover(): Promise<void> {
    const checkpoint = await this.readCheckpoint();
    if (!checkpoint) return;
    const result = await this.options.pool.query(
      `DELETE FROM ${this.s}.outbox WHERE (transaction_id, id) <= ($1::xid8, $2::bigint)`,
      [checkpoint.transactionId, checkpoint.id],
    );
    if ((result.rowCount ?? 0) > 0) this.logger.warn(`recovered: ${result.rowCount} outbox rows were already published by the previous holder`);
  }

  /**
   * Reads this relay's last committed position from the compacted checkpoint
   * topic. Called after the transactional producer connected, which fenced
   * (and aborted) any transaction of a previous holder, so what is read is final.
   */
  private async readCheckpoint(): Promise<RelayCheckpoint | undefined> {
    const topic = this.prefix + Topics.relayCheckpoints.name;
    const admin = this.options.kafka.admin();
    await admin.connect();
    let high: bigint;
    try {
      const [partition] = await admin.fetchTopicOffsets(topic);
      if (!partition || BigInt(partition.high) <= BigInt(partition.low)) return undefined;
      high = BigInt(partition.high);
    } finally {
      await admin.disconnect();
    }
    const consumer = this.options.kafka.consumer({ groupId: `${this.relayId}.recovery.${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 50 });
    let checkpoint: RelayCheckpoint | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`reading ${topic} up to offset ${high} took over 60 s`)), 60_000);
        // Control records (transaction markers) never reach eachMessage, so progress is read from batch ends.
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          if (BigInt(payload.lastOffset) >= high - 1n) {
            clearTimeout(timer);
            resolve();
          }
        });
        consumer.run({
          eachMessage: async ({ message }) => {
            if (message.key?.toString() === this.relayId && message.value) checkpoint = JSON.parse(message.value.toString()) as RelayCheckpoint;
          },
        }).catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return checkpoint;
  }

  private async publishUntilStopped(producer: Producer): Promise<void> {
    const batchSize = this.options.batchSize ?? 2_000;
    let waits = 0;
    while (!this.stopped) {
      this.lease.assertHeld();
      // Wake-ups until now are answered by this read.
      this.wakeSignal.clear();
      const { rows } = await this.options.pool.query<OutboxRow>(
        `SELECT id, transaction_id::text, topic, key, value, headers FROM ${this.s}.outbox
         WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY transaction_id, id LIMIT $1`,
        [batchSize],
      );
      if (rows.length > 0) {
        waits = 0;
        await this.publish(producer, this.withinBytes(rows));
        continue;
      }
      const pending = await this.options.pool.query(`SELECT 1 FROM ${this.s}.outbox LIMIT 1`);
      // Rows exist but an older transaction is still running: look again soon, backing off from 2 ms
      // to 16 ms so that a long transaction elsewhere does not turn this into a busy loop on the database.
      if ((pending.rowCount ?? 0) > 0) await sleep(Math.min(16, 2 * 2 ** waits++));
      else {
        waits = 0;
        await this.wakeSignal.wait(this.options.idlePollMs ?? 1_000);
      }
    }
  }


  /** The longest prefix of the rows under maxBatchBytes (at least one row); the rest is read again next. */
  private withinBytes(rows: readonly OutboxRow[]): readonly OutboxRow[] {
    const limit = this.options.maxBatchBytes ?? 768 * 1024;
    let bytes = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      bytes += Buffer.byteLength(row.key) + Buffer.byteLength(row.value) + 64;
      for (const [name, value] of Object.entries(row.headers)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 8;
      if (bytes > limit && i > 0) return rows.slice(0, i);
    }
    return rows;
  }

  private async publish(producer: Producer, rows: readonly OutboxRow[]): Promise<void> {
    const topicMessages: Array<{ topic: string; messages: Message[] }> = [];
    for (const row of rows) {
      const message: Message = { key: row.key, value: row.value, headers: row.headers };
      const last = topicMessages.at(-1);
      if (last?.topic === row.topic) last.messages.push(message);
      else topicMessages.push({ topic: row.topic, messages: [message] });
    }
    const lastRow = rows[rows.length - 1];
    const transaction: Transaction = await producer.transaction();
    try {
      // The position travels in the same produce request as the messages: no extra round trip.
      const checkpoint: RelayCheckpoint = { transactionId: lastRow.transaction_id, id: lastRow.id };
      topicMessages.push({ topic: this.prefix + Topics.relayCheckpoints.name, messages: [{ key: this.relayId, value: JSON.stringify(checkpoint), partition: 0 }] });
      await transaction.sendBatch({ topicMessages, acks: -1 });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
    await this.options.pool.query(`DELETE FROM ${this.s}.outbox WHERE id = ANY($1::bigint[])`, [rows.map((row) => row.id)]);
    this.published += rows.length;
  }
}
