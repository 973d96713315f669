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
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * What the last committed batch published: its outbox ids as inclusive ranges of consecutive ids
 * (a batch holds only committed rows, so it may skip ids of rows still being written).
 * Older records carry `transactionId` and `id`: everything up to that (transaction id, id) position.
 */
interface RelayCheckpoint {
  readonly ranges?: ReadonlyArray<readonly [string, string]>;
  readonly transactionId?: string;
  readonly id?: string;
}

/** Sorted ids as inclusive ranges of consecutive ids: [10, 11, 12, 15] -> [[10, 12], [15, 15]]. */
export function idRanges(ids: readonly string[]): Array<[string, string]> {
  const sorted = ids.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ranges: Array<[bigint, bigint]> = [];
  for (const id of sorted) {
    const last = ranges.at(-1);
    if (last && id === last[1] + 1n) last[1] = id;
    else if (!last || id > last[1]) ranges.push([id, id]);
  }
  return ranges.map(([lo, hi]) => [String(lo), String(hi)]);
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
 * - Order: committed rows are read by id. One key's rows come from appends
 *   that serialise on their stream's row lock (or from one writer in order),
 *   so a later row of a key always has a higher id and commits later; a row
 *   whose transaction commits late is simply read by a later batch. Nothing
 *   waits for unrelated transactions still running elsewhere in the database.
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
    const result = checkpoint.ranges
      ? await this.options.pool.query(
        `DELETE FROM ${this.s}.outbox o USING unnest($1::bigint[], $2::bigint[]) AS r(lo, hi) WHERE o.id BETWEEN r.lo AND r.hi`,
        [checkpoint.ranges.map((range) => range[0]), checkpoint.ranges.map((range) => range[1])],
      )
      : await this.options.pool.query(
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
    while (!this.stopped) {
      this.lease.assertHeld();
      // Wake-ups until now are answered by this read.
      this.wakeSignal.clear();
      const { rows } = await this.options.pool.query<OutboxRow>(
        `SELECT id, topic, key, value, headers FROM ${this.s}.outbox ORDER BY id LIMIT $1`,
        [batchSize],
      );
      if (rows.length > 0) {
        await this.publish(producer, this.withinBytes(rows));
        continue;
      }
      // A transaction still writing rows notifies when it commits (NOTIFY is delivered at commit).
      await this.wakeSignal.wait(this.options.idlePollMs ?? 1_000);
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
    const transaction: Transaction = await producer.transaction();
    try {
      // What this batch publishes travels in the same produce request as the messages: no extra round trip.
      const checkpoint: RelayCheckpoint = { ranges: idRanges(rows.map((row) => row.id)) };
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
