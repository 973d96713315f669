import { Module } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { EventingShutdown, HealthController, hiveEventingProvider } from '@hive/messaging';
import { MetricsController, observabilityProviders } from '@hive/observability';
import { WorkflowEngineConfig } from './config/workflow-engine.config';
import { WorkflowEngineRuntime } from './workflow-engine.runtime';

/** Hive workflow engine: owns Workflow (n8n JSON, versions) and Execution (runs them node by node, durably). */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [
    { provide: WorkflowEngineConfig, useFactory: () => loadConfig(WorkflowEngineConfig) },
    hiveEventingProvider('workflow-engine', WorkflowEngineConfig),
    ...observabilityProviders('workflow-engine', WorkflowEngineConfig),
    WorkflowEngineRuntime,
    EventingShutdown,
  ],
})
export class AppModule {}
