import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { allTopicSpecs, type MessageCatalogue } from '@hive/contracts';
import type { InfraConfig } from '@hive/config';
import { migrateEventStore, PostgresEventStore } from '@hive/event-store';
import { CheckpointStore } from './checkpoint-store';
import { createKafka, parseBrokers } from './kafka-client';
import { OutboxRelay } from './outbox-relay';
import { ensureTopics } from './topic-admin';

export interface HiveEventingOptions {
  /** Service name: envelope source, Kafka client id, schema name. */
  readonly service: string;
  readonly config: InfraConfig;
  readonly catalogue: MessageCatalogue;
  /** Relay the service's outbox (every service that appends events). Default true. */
  readonly relay?: boolean;
}

/**
 * The eventing plumbing one service needs, built from its config: the
 * PostgreSQL pool, the Kafka client, its event store in its own schema, the
 * checkpoint store and the outbox relay. `start` migrates and creates topics;
 * `stop` shuts down in the reverse order.
 */
export class HiveEventing {
  private readonly logger: Logger;
  readonly schema: string;
  readonly topicPrefix: string;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly store: PostgresEventStore;
  readonly checkpoints: CheckpointStore;
  readonly relay: OutboxRelay | undefined;

  constructor(readonly options: HiveEventingOptions) {
    const { config, service } = options;
    this.logger = new Logger(`HiveEventing:${service}`);
    this.schema = `${config.HIVE_SCHEMA_PREFIX}${service.replace(/-/g, '_')}`;
    this.topicPrefix = config.HIVE_TOPIC_PREFIX;
    this.pool = new Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE, application_name: `hive-${service}` });
    this.pool.on('error', (error) => this.logger.error(`idle database connection failed: ${error.message}`));
    this.kafka = createKafka({ brokers: parseBrokers(config.KAFKA_BROKERS), clientId: `hive-${service}` });
    this.store = new PostgresEventStore({ schema: this.schema, source: service, catalogue: options.catalogue, topicPrefix: this.topicPrefix });
    this.checkpoints = new CheckpointStore(this.schema);
    this.relay = options.relay === false ? undefined : new OutboxRelay({
      kafka: this.kafka, pool: this.pool, connectionString: config.DATABASE_URL, schema: this.schema, topicPrefix: this.topicPrefix,
    });
  }

  /** Physical name of a logical topic. */
  topic(name: string): string {
    return this.topicPrefix + name;
  }

  async start(): Promise<void> {
    await migrateEventStore(this.pool, this.schema);
    await this.checkpoints.migrate(this.pool);
    await ensureTopics(this.kafka, allTopicSpecs(), this.topicPrefix);
    this.relay?.start();
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await this.pool.end();
  }
}
