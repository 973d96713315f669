import { Logger } from '@nestjs/common';
import type { IHeaders, Kafka, Producer } from 'kafkajs';
import { deadLetterTopicName, HiveHeaders } from '@hive/contracts';
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
    this.producer ??= this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    const failedAt = new Date().toISOString();
    const byTopic = new Map<string, DeadLetter[]>();
    for (const letter of letters) {
      const text = letter.error instanceof Error ? letter.error.message : String(letter.error);
      this.logger.error(`dead-lettering ${letter.topic}[${letter.partition}]@${letter.offset} after ${letter.attempts} attempt(s) (${letter.kind}): ${text}`);
      byTopic.set(letter.topic, [...(byTopic.get(letter.topic) ?? []), letter]);
    }
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
