import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

export interface DrainedMessage {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, string>;
}

const SENTINEL = 'hive-test-sentinel';

/**
 * Reads every committed message of a topic from offset 0, as a
 * read-committed consumer outside Hive would, and returns them in partition
 * order. To know it has seen everything, it first writes a sentinel to each
 * partition and reads until every sentinel arrived: no sleeping and hoping.
 */
export async function drainTopic(kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<DrainedMessage[]> {
  const run = randomUUID();
  const admin = kafka.admin();
  await admin.connect();
  const partitions = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.map((p) => p.partitionId);
  await admin.disconnect();

  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: partitions.map((partition) => ({ partition, value: null, headers: { [SENTINEL]: run } })) });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `drain-${run}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  const messages: DrainedMessage[] = [];
  const pending = new Set(partitions);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`draining ${topic}: sentinels of partitions ${[...pending].join(',')} not seen within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
          if (headers[SENTINEL] !== undefined) {
            if (headers[SENTINEL] === run) pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
            return;
          }
          messages.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
