import { Module } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { EventingShutdown, HealthController, hiveEventingProvider } from '@hive/messaging';
import { AgentManagerRuntime } from './agent-manager.runtime';
import { AgentManagerConfig } from './config/agent-manager.config';

@Module({
  controllers: [HealthController],
  providers: [
    { provide: AgentManagerConfig, useFactory: () => loadConfig(AgentManagerConfig) },
    hiveEventingProvider('agent-manager', AgentManagerConfig),
    AgentManagerRuntime,
    EventingShutdown,
  ],
})
export class AppModule {}
