import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { isEnvelope, Topics } from '@hive/contracts';
import { HiveEventing } from '@hive/messaging';
import { GatewayConfig } from '../config/gateway.config';
import { WebSocketHub } from './websocket-hub';

const LIVE_TOPICS = [
  Topics.agentEvents.name, Topics.agentTelemetry.name, Topics.taskEvents.name, Topics.workflowEvents.name, Topics.executionEvents.name,
  Topics.mcpEvents.name, Topics.systemEvents.name, Topics.commandResults.name, Topics.monitorTelemetry.name,
];

/**
 * Feeds this instance's WebSocket clients. Unlike the read models (one
 * shared group), every gateway instance must see every event, so each joins
 * its own consumer group, starting from the latest offsets: live delivery is
 * at-most-once, and a client that reconnects re-reads state over REST.
 */
@Injectable()
export class LiveEventsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LiveEventsService.name);
  private consumer: Consumer | undefined;

  constructor(private readonly eventing: HiveEventing, private readonly hub: WebSocketHub, private readonly config: GatewayConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const instance = this.config.HIVE_INSTANCE_ID ?? randomUUID();
    const consumer = this.eventing.kafka.consumer({
      groupId: `${this.eventing.topicPrefix}gateway.live.${instance}`, maxWaitTimeInMs: 20, sessionTimeout: 10_000, heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: LIVE_TOPICS.map((topic) => this.eventing.topic(topic)), fromBeginning: false });
    // Ready once the group is joined and the first fetch ran (offsets resolved): events after that reach clients.
    const fetched = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.FETCH_START, () => {
        off();
        resolve();
      });
    });
    await consumer.run({
      partitionsConsumedConcurrently: LIVE_TOPICS.length,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          try {
            const envelope: unknown = JSON.parse(message.value?.toString('utf8') ?? '');
            if (isEnvelope(envelope)) this.hub.publish(envelope);
          } catch (error) {
            this.logger.warn(`skipping an unreadable message on ${batch.topic}: ${(error as Error).message}`);
          }
        }
      },
    });
    await Promise.race([fetched, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
