import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hiveCatalogue } from '@hive/contracts';
import { HiveEventing } from '@hive/messaging';
import { ProjectionRunner } from '@hive/projections';
import { agentsProjection } from './agents/agents.projection';
import { alertsProjection } from './alerts/alerts.projection';
import { signallingCatchUp } from './commands/caught-up';
import { outcomesProjection } from './commands/outcomes.projection';
import { executionsProjection } from './executions/executions.projection';
import { mcpServersProjection } from './mcp/mcp-servers.projection';
import { monitorSnapshotsProjection } from './status/monitor-snapshots.projection';
import { tasksProjection } from './tasks/tasks.projection';
import { workflowsProjection } from './workflows/workflows.projection';
import { webhookResultsProjection, webhooksProjection } from './webhooks/webhooks.projection';

/**
 * Runs the gateway's read models. One consumer group per projection, shared
 * by every gateway instance (each event is applied once, by whichever
 * instance holds its partition); each records which commands it has applied
 * so any instance can answer read-your-writes.
 */
@Injectable()
export class ReadModelsService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly runner: ProjectionRunner;
  /** The read models' names (what POST /api/admin/projections/{name}/rebuild takes). */
  readonly names: readonly string[];

  constructor(eventing: HiveEventing) {
    const schema = eventing.schema;
    const projections = [
      outcomesProjection(schema),
      ...[tasksProjection(schema), agentsProjection(schema), workflowsProjection(schema), executionsProjection(schema),
        alertsProjection(schema), mcpServersProjection(schema)].map((projection) => signallingCatchUp(schema, projection)),
      monitorSnapshotsProjection(schema),
      webhooksProjection(schema), webhookResultsProjection(schema),
    ];
    this.names = projections.map((projection) => projection.name);
    this.runner = new ProjectionRunner({
      kafka: eventing.kafka,
      pool: eventing.pool,
      schema,
      catalogue: hiveCatalogue,
      topicPrefix: eventing.topicPrefix,
      projections,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }
}
