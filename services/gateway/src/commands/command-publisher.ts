import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { HiveHeaders, type Envelope } from '@hive/contracts';
import { HiveEventing } from '@hive/messaging';

interface Pending {
  readonly topic: string;
  readonly key: string;
  readonly envelope: Envelope;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Sends commands to Kafka, coalescing the commands of concurrent requests
 * into one produce request per event-loop turn (acks from every in-sync replica).
 */
@Injectable()
export class CommandPublisher implements OnModuleInit, OnModuleDestroy {
  private producer: Producer | undefined;
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly eventing: HiveEventing) {}

  async onModuleInit(): Promise<void> {
    this.producer = this.eventing.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  async onModuleDestroy(): Promise<void> {
    await this.producer?.disconnect();
  }

  publish(topic: string, key: string, envelope: Envelope): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic: this.eventing.topic(topic), key, envelope, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    const byTopic = new Map<string, Array<{ key: string; value: string; headers: Record<string, string> }>>();
    for (const item of batch) {
      const messages = byTopic.get(item.topic) ?? [];
      messages.push({
        key: item.key, value: JSON.stringify(item.envelope),
        headers: { [HiveHeaders.messageType]: item.envelope.type, [HiveHeaders.messageVersion]: String(item.envelope.version), [HiveHeaders.contentType]: 'application/json' },
      });
      byTopic.set(item.topic, messages);
    }
    try {
      if (!this.producer) throw new Error('the command producer is not connected');
      await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      for (const item of batch) item.resolve();
    } catch (error) {
      for (const item of batch) item.reject(error as Error);
    }
  }
}
