import { Logger } from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Envelope, MessageCatalogue } from '@hive/contracts';
import { withCausationTrace } from '@hive/event-store';
import type { CheckpointStore } from './checkpoint-store';
import { DeadLetterPublisher, type DeadLetter } from './dead-letter-publisher';
import { errorKind, isInfrastructureError, StaleConsumerError } from './errors';

/** A message that passed the contract check, with its Kafka coordinates. */
export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly envelope: Envelope;
}

export interface BatchHandler {
  /**
   * Applies the messages inside the consumer's transaction. Throw to refuse:
   * the consumer then retries message by message and dead-letters the ones
   * that keep failing.
   */
  handle(messages: readonly ConsumedMessage[], tx: PoolClient): Promise<void>;
}

export interface CheckpointedConsumerOptions {
  /** Consumer name: the checkpoint key. */
  readonly name: string;
  /** Kafka consumer group (usually the prefixed name, plus a generation for rebuildable projections). */
  readonly groupId: string;
  /** Physical topic names. */
  readonly topics: readonly string[];
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly checkpoints: CheckpointStore;
  readonly catalogue: MessageCatalogue;
  readonly handler: BatchHandler;
  /** Attempts per message on the slow path before dead-lettering. Default 3. */
  readonly maxAttempts?: number;
  readonly retryBackoffMs?: number;
  readonly partitionsConsumedConcurrently?: number;
  /** Called after each committed batch with the messages it applied (e.g. to push them to WebSocket clients). */
  readonly afterCommit?: (messages: readonly ConsumedMessage[]) => void;
  /** Called when the handler reports that this consumer was superseded (e.g. its projection is being rebuilt). */
  readonly onStale?: (error: StaleConsumerError) => void;
}

/** The handler refused a whole batch: retried message by message. */
class BatchRefused extends Error {
  constructor(readonly size: number, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'BatchRefused';
  }
}

type Parsed = { readonly raw: KafkaMessage; readonly message?: ConsumedMessage; readonly error?: unknown };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const headersOf = (headers: IHeaders | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return out;
};

/**
 * A Kafka consumer that applies batches exactly once to PostgreSQL state:
 * per partition batch, one transaction locks the partition's checkpoint,
 * skips what was already applied, applies the rest, and moves the checkpoint.
 * Poison messages go to the dead-letter topic after bounded retries and the
 * partition moves on; infrastructure failures are retried until they pass.
 */
export class CheckpointedConsumer {
  private readonly logger: Logger;
  private readonly deadLetters: DeadLetterPublisher;
  private consumer: Consumer | undefined;
  /** The original bytes of each parsed message, so a dead letter carries exactly what arrived. */
  private readonly rawOf = new WeakMap<ConsumedMessage, KafkaMessage>();
  /** Trace headers of the span that handles each message (a child of its producer's span). */
  private readonly traceOf = new WeakMap<ConsumedMessage, Record<string, string>>();

  constructor(private readonly options: CheckpointedConsumerOptions) {
    this.logger = new Logger(`${CheckpointedConsumer.name}:${options.name}`);
    this.deadLetters = new DeadLetterPublisher(options.kafka, options.name);
  }

  async start(): Promise<void> {
    const consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await consumer.run({
      // PostgreSQL holds the truth; Kafka's committed offsets, moved every second after the
      // PostgreSQL commit, only spare a restarted consumer from re-reading what it skips anyway.
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Stops fetching, lets the batch in flight finish and commit, and leaves the group. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
    await this.deadLetters.close();
  }

  private async onBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const parsed: Parsed[] = batch.messages.map((raw) => {
      try {
        const envelope = this.options.catalogue.parse(raw.value);
        const message: ConsumedMessage = {
          topic: batch.topic, partition: batch.partition, offset: raw.offset,
          key: raw.key?.toString('utf8') ?? null, headers: headersOf(raw.headers), envelope,
        };
        this.rawOf.set(message, raw);
        return { raw, message };
      } catch (error) {
        return { raw, error };
      }
    });

    const spans = this.startSpans(parsed);
    try {
      await this.applyWithRetries(batch.topic, batch.partition, parsed, { resolveOffset, lastOffset: batch.lastOffset(), heartbeat, commitOffsetsIfNecessary, isRunning, isStale });
    } catch (error) {
      for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  /**
   * One span per traced message, a child of the span that produced it (the
   * kafkajs instrumentation only links batch spans), so each service that
   * handles a message appears in the message's trace; what the handler
   * appends with the message as causation carries this span's context.
   */
  private startSpans(parsed: readonly Parsed[]): Span[] {
    const spans: Span[] = [];
    const tracer = trace.getTracer('hive-messaging');
    for (const { message } of parsed) {
      if (!message?.headers['traceparent']) continue;
      const parent = propagation.extract(ROOT_CONTEXT, message.headers);
      if (!trace.getSpanContext(parent)) continue;
      const span = tracer.startSpan(`handle ${message.envelope.type}`, {
        kind: SpanKind.CONSUMER,
        attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': message.topic, 'messaging.kafka.offset': message.offset, 'hive.consumer': this.options.name, 'hive.message.id': message.envelope.id },
      }, parent);
      const carrier: Record<string, string> = {};
      propagation.inject(trace.setSpan(context.active(), span), carrier);
      if (carrier['traceparent']) this.traceOf.set(message, carrier);
      spans.push(span);
    }
    return spans;
  }

  private async applyWithRetries(topic: string, partition: number, parsed: readonly Parsed[], batch: {
    resolveOffset: (offset: string) => void; lastOffset: string; heartbeat: () => Promise<void>; commitOffsetsIfNecessary: () => Promise<void>;
    isRunning: () => boolean; isStale: () => boolean;
  }): Promise<void> {
    const { resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = batch;
    for (let attempt = 1; ; attempt++) {
      if (!isRunning() || isStale()) return;
      try {
        const applied = await this.applyBatch(topic, partition, parsed);
        resolveOffset(batch.lastOffset);
        await commitOffsetsIfNecessary();
        await heartbeat();
        if (applied.length > 0) this.options.afterCommit?.(applied);
        return;
      } catch (error) {
        if (error instanceof StaleConsumerError) {
          this.logger.warn(`stopping: ${error.message}`);
          this.options.onStale?.(error);
          return;
        }
        if (!isInfrastructureError(error)) throw error;
        const wait = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
        this.logger.warn(`infrastructure unavailable (${(error as Error).message}); retrying ${topic}[${partition}] in ${wait} ms`);
        await sleep(wait);
        await heartbeat().catch(() => undefined);
      }
    }
  }

  /**
   * Fast path: the whole batch in one transaction of four round trips
   * (begin + lock, handler, advance + commit). If the handler refuses the
   * batch, the transaction is rolled back and the batch is applied again
   * message by message under savepoints, dead-lettering what keeps failing.
   */
  private async applyBatch(topic: string, partition: number, parsed: readonly Parsed[]): Promise<ConsumedMessage[]> {
    try {
      return await this.inTransaction(topic, partition, parsed, 'batch');
    } catch (error) {
      if (!(error instanceof BatchRefused)) throw error;
      if (error.size > 1) this.logger.warn(`batch of ${error.size} refused (${error.message}); applying one by one`);
      return this.inTransaction(topic, partition, parsed, 'one-by-one');
    }
  }

  private async inTransaction(topic: string, partition: number, parsed: readonly Parsed[], mode: 'batch' | 'one-by-one'): Promise<ConsumedMessage[]> {
    const { pool, checkpoints, name } = this.options;
    const tx = await pool.connect();
    let broken: Error | undefined;
    try {
      const next = await checkpoints.beginAndLock(tx, name, topic, partition);
      const fresh = parsed.filter((p) => BigInt(p.raw.offset) >= next);
      if (fresh.length === 0) {
        await tx.query('COMMIT');
        return [];
      }
      const letters: DeadLetter[] = [];
      for (const p of fresh) {
        if (!p.message) letters.push(this.letter(topic, partition, p.raw, p.error, 'contract', 1));
      }
      const good = fresh.flatMap((p) => (p.message ? [p.message] : []));
      const applied = mode === 'batch' ? await this.applyAll(tx, good) : await this.applyOneByOne(tx, topic, partition, good, letters);
      await this.deadLetters.publish(letters);
      await checkpoints.advanceAndCommit(tx, name, topic, partition, BigInt(fresh[fresh.length - 1].raw.offset) + 1n);
      return applied;
    } catch (error) {
      await tx.query('ROLLBACK').catch(() => undefined);
      // A broken connection must not go back to the pool.
      if (isInfrastructureError(error)) broken = error as Error;
      throw error;
    } finally {
      tx.release(broken);
    }
  }

  private async applyAll(tx: PoolClient, good: ConsumedMessage[]): Promise<ConsumedMessage[]> {
    if (good.length === 0) return [];
    try {
      await withCausationTrace(this.tracesOf(good), () => this.options.handler.handle(good, tx));
      return good;
    } catch (error) {
      if (isInfrastructureError(error) || error instanceof StaleConsumerError) throw error;
      throw new BatchRefused(good.length, error);
    }
  }

  private async applyOneByOne(tx: PoolClient, topic: string, partition: number, good: ConsumedMessage[], letters: DeadLetter[]): Promise<ConsumedMessage[]> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    const applied: ConsumedMessage[] = [];
    for (const message of good) {
      for (let attempt = 1; ; attempt++) {
        await tx.query('SAVEPOINT hive_message');
        try {
          await withCausationTrace(this.tracesOf([message]), () => this.options.handler.handle([message], tx));
          await tx.query('RELEASE SAVEPOINT hive_message');
          applied.push(message);
          break;
        } catch (error) {
          if (isInfrastructureError(error) || error instanceof StaleConsumerError) throw error;
          await tx.query('ROLLBACK TO SAVEPOINT hive_message');
          const kind = errorKind(error);
          if (kind !== 'retriable' || attempt >= maxAttempts) {
            const raw = this.rawOf.get(message);
            if (!raw) throw new Error(`no raw message kept for offset ${message.offset}`);
            letters.push(this.letter(topic, partition, raw, error, kind === 'retriable' ? 'retries_exhausted' : kind, attempt));
            break;
          }
          this.logger.warn(`${topic}[${partition}]@${message.offset} failed (attempt ${attempt}/${maxAttempts}): ${(error as Error).message}`);
          await sleep((this.options.retryBackoffMs ?? 100) * attempt);
        }
      }
    }
    return applied;
  }

  private tracesOf(messages: readonly ConsumedMessage[]): Map<string, Record<string, string>> {
    const byId = new Map<string, Record<string, string>>();
    for (const message of messages) {
      const headers = this.traceOf.get(message);
      if (headers) byId.set(message.envelope.id, headers);
    }
    return byId;
  }

  private letter(topic: string, partition: number, raw: Pick<KafkaMessage, 'key' | 'value' | 'headers' | 'offset'>, error: unknown, kind: DeadLetter['kind'], attempts: number): DeadLetter {
    return { topic, partition, offset: raw.offset, key: raw.key, value: raw.value, headers: raw.headers, error, kind, attempts };
  }
}
