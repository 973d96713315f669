import { Logger } from '@nestjs/common';
import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { allTopicSpecs, deadLetterTopicName, HiveHeaders } from '@hive/contracts';
import type { ErrorKind } from './errors';

export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders | undefined;
  readonly error: unknown;
  readonly kind: ErrorKind;
  readonly attempts: number;
}

/** Topics created without a dead-letter topic (telemetry): their poison messages are logged and dropped. */
const WITHOUT_DEAD_LETTERS = allTopicSpecs().filter((spec) => !spec.deadLetter).map((spec) => spec.name);
const hasDeadLetterTopic = (topic: string) => !WITHOUT_DEAD_LETTERS.some((name) => topic.endsWith(name));

/**
 * Writes messages that could not be handled to `<topic>.dlq`: the original
 * key, bytes and headers, plus the error and the original coordinates, so an
 * operator can inspect and replay them.
 */
export class DeadLetterPublisher {
  private readonly logger = new Logger(DeadLetterPublisher.name);
  private producer: Producer | undefined;

  constructor(private readonly kafka: Kafka, private readonly consumerName: string) {}

  async publish(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const failedAt = new Date().toISOString();
    const byTopic = new Map<string, DeadLetter[]>();
    for (const letter of letters) {
      const text = letter.error instanceof Error ? letter.error.message : String(letter.error);
      if (!hasDeadLetterTopic(letter.topic)) {
        // Telemetry has no dead-letter topic (it is not state, and publishing to a missing topic would stall the partition).
        this.logger.error(`dropping ${letter.topic}[${letter.partition}]@${letter.offset} after ${letter.attempts} attempt(s) (${letter.kind}; no dead-letter topic): ${text}`);
        continue;
      }
      this.logger.error(`dead-lettering ${letter.topic}[${letter.partition}]@${letter.offset} after ${letter.attempts} attempt(s) (${letter.kind}): ${text}`);
      byTopic.set(letter.topic, [...(byTopic.get(letter.topic) ?? []), letter]);
    }
    if (byTopic.size === 0) return;
    this.producer ??= this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, group]) => ({
        topic: deadLetterTopicName(topic),
        messages: group.map((letter) => ({
          key: letter.key,
          value: letter.value,
          headers: {
            ...letter.headers,
            [HiveHeaders.dlqError]: (letter.error instanceof Error ? letter.error.message : String(letter.error)).slice(0, 8000),
            [HiveHeaders.dlqErrorKind]: letter.kind,
            [HiveHeaders.dlqOriginalTopic]: letter.topic,
            [HiveHeaders.dlqOriginalPartition]: String(letter.partition),
            [HiveHeaders.dlqOriginalOffset]: letter.offset,
            [HiveHeaders.dlqConsumer]: this.consumerName,
            [HiveHeaders.dlqAttempts]: String(letter.attempts),
            [HiveHeaders.dlqFailedAt]: failedAt,
          },
        })),
      })),
    });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
