import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { MessageCatalogue } from '@hive/contracts';
import { schemaIdent } from '@hive/event-store';
import { CheckpointedConsumer, CheckpointStore, StaleConsumerError, type ConsumedMessage } from '@hive/messaging';
import type { Projection } from './projection';

export interface ProjectionRunnerOptions {
  readonly kafka: Kafka;
  readonly pool: Pool;
  /** The service's schema: checkpoints and projection state live here; projections create their own tables. */
  readonly schema: string;
  readonly catalogue: MessageCatalogue;
  readonly topicPrefix?: string;
  readonly projections: readonly Projection[];
  readonly afterCommit?: (projection: string, messages: readonly ConsumedMessage[]) => void;
}

interface Running {
  readonly projection: Projection;
  generation: number;
  consumer: CheckpointedConsumer | undefined;
}

/**
 * Runs projections from Kafka with their checkpoints in PostgreSQL, and
 * rebuilds them: reset the read model and its checkpoints, bump the
 * generation (a new consumer group that starts at offset 0), replay.
 *
 * The generation row is the coordination point between instances: every batch
 * reads it under a share lock, a rebuild takes it exclusively, and a consumer
 * of an older generation stops instead of writing into the rebuilt model.
 */
export class ProjectionRunner {
  private readonly logger = new Logger(ProjectionRunner.name);
  private readonly s: string;
  private readonly checkpoints: CheckpointStore;
  private readonly running = new Map<string, Running>();

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.s = schemaIdent(options.schema);
    this.checkpoints = new CheckpointStore(options.schema);
  }

  async start(): Promise<void> {
    const { pool } = this.options;
    await this.checkpoints.migrate(pool);
    await pool.query(`CREATE TABLE IF NOT EXISTS ${this.s}.projection_state (
      name text PRIMARY KEY, version integer NOT NULL, generation integer NOT NULL, rebuilt_at timestamptz)`);
    for (const projection of this.options.projections) {
      await projection.init(pool);
      const { rows } = await pool.query<{ version: number; generation: number }>(
        `INSERT INTO ${this.s}.projection_state AS p (name, version, generation) VALUES ($1, $2, 1)
         ON CONFLICT (name) DO UPDATE SET name = p.name RETURNING version, generation`,
        [projection.name, projection.version],
      );
      const entry: Running = { projection, generation: rows[0].generation, consumer: undefined };
      this.running.set(projection.name, entry);
      if (rows[0].version !== projection.version) {
        this.logger.log(`${projection.name}: version ${rows[0].version} -> ${projection.version}, rebuilding`);
        await this.rebuild(projection.name);
      } else {
        await this.startConsumer(entry);
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map(async (entry) => {
      await entry.consumer?.stop();
      entry.consumer = undefined;
    }));
  }

  /** Drops the read model and its checkpoints and replays from offset 0. Returns the new generation. */
  async rebuild(name: string): Promise<number> {
    const entry = this.running.get(name);
    if (!entry) throw new Error(`unknown projection "${name}"`);
    await entry.consumer?.stop();
    entry.consumer = undefined;
    const tx = await this.options.pool.connect();
    try {
      await tx.query('BEGIN');
      const { rows } = await tx.query<{ generation: number }>(
        `UPDATE ${this.s}.projection_state SET generation = generation + 1, version = $2, rebuilt_at = now()
         WHERE name = $1 RETURNING generation`,
        [name, entry.projection.version],
      );
      await entry.projection.reset(tx);
      await this.checkpoints.reset(tx, name);
      await tx.query('COMMIT');
      entry.generation = rows[0].generation;
    } catch (error) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      tx.release();
    }
    this.logger.log(`${name}: rebuilding from offset 0 as generation ${entry.generation}`);
    await this.startConsumer(entry);
    return entry.generation;
  }

  private async startConsumer(entry: Running): Promise<void> {
    const { projection } = entry;
    const prefix = this.options.topicPrefix ?? '';
    const generation = entry.generation;
    const consumer = new CheckpointedConsumer({
      name: projection.name,
      groupId: `${prefix}${this.options.schema}.${projection.name}.g${generation}`,
      topics: projection.topics.map((topic) => prefix + topic),
      kafka: this.options.kafka,
      pool: this.options.pool,
      checkpoints: this.checkpoints,
      catalogue: this.options.catalogue,
      handler: {
        handle: async (messages: readonly ConsumedMessage[], tx: PoolClient) => {
          await this.assertCurrent(tx, projection.name, generation);
          await projection.handle(messages, tx);
        },
      },
      afterCommit: this.options.afterCommit ? (messages) => this.options.afterCommit?.(projection.name, messages) : undefined,
      onStale: () => {
        // Another instance rebuilt this projection: follow it to the new generation.
        setImmediate(() => void this.follow(entry));
      },
    });
    entry.consumer = consumer;
    await consumer.start();
  }

  private async assertCurrent(tx: PoolClient, name: string, generation: number): Promise<void> {
    const { rows } = await tx.query<{ generation: number }>(`SELECT generation FROM ${this.s}.projection_state WHERE name = $1 FOR SHARE`, [name]);
    if (rows[0]?.generation !== generation) {
      throw new StaleConsumerError(`${name} generation ${generation} was superseded by ${rows[0]?.generation}`);
    }
  }

  private async follow(entry: Running): Promise<void> {
    try {
      await entry.consumer?.stop();
      const { rows } = await this.options.pool.query<{ generation: number }>(`SELECT generation FROM ${this.s}.projection_state WHERE name = $1`, [entry.projection.name]);
      entry.generation = rows[0].generation;
      await this.startConsumer(entry);
    } catch (error) {
      this.logger.error(`${entry.projection.name}: could not follow the rebuild: ${(error as Error).message}`);
    }
  }
}
