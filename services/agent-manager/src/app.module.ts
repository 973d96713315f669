import { Module } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { EventingShutdown, HealthController, hiveEventingProvider } from '@hive/messaging';
import { MetricsController, observabilityProviders } from '@hive/observability';
import { AgentManagerRuntime } from './agent-manager.runtime';
import { AgentManagerConfig } from './config/agent-manager.config';

@Module({
  controllers: [HealthController, MetricsController],
  providers: [
    { provide: AgentManagerConfig, useFactory: () => loadConfig(AgentManagerConfig) },
    hiveEventingProvider('agent-manager', AgentManagerConfig),
    ...observabilityProviders('agent-manager', AgentManagerConfig),
    AgentManagerRuntime,
    EventingShutdown,
  ],
})
export class AppModule {}
