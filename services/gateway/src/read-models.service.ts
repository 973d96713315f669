import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hiveCatalogue } from '@hive/contracts';
import { HiveEventing } from '@hive/messaging';
import { ProjectionRunner } from '@hive/projections';
import { agentsProjection } from './agents/agents.projection';

/** Runs the gateway's read models. One consumer group per projection, shared by every gateway instance. */
@Injectable()
export class ReadModelsService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly runner: ProjectionRunner;

  constructor(eventing: HiveEventing) {
    this.runner = new ProjectionRunner({
      kafka: eventing.kafka,
      pool: eventing.pool,
      schema: eventing.schema,
      catalogue: hiveCatalogue,
      topicPrefix: eventing.topicPrefix,
      projections: [agentsProjection(eventing.schema)],
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }
}
