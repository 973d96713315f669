import { Module } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { EventingShutdown, HealthController, hiveEventingProvider } from '@hive/messaging';
import { WorkflowEngineConfig } from './config/workflow-engine.config';

/** Hive workflow engine: owns Workflow (n8n JSON, versions) and Execution. Its domain arrives with its own issue; today it owns its schema, outbox relay and topics. */
@Module({
  controllers: [HealthController],
  providers: [
    { provide: WorkflowEngineConfig, useFactory: () => loadConfig(WorkflowEngineConfig) },
    hiveEventingProvider('workflow-engine', WorkflowEngineConfig),
    EventingShutdown,
  ],
})
export class AppModule {}
