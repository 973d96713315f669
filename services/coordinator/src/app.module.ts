import { Module } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { EventingShutdown, HealthController, hiveEventingProvider } from '@hive/messaging';
import { MetricsController, observabilityProviders } from '@hive/observability';
import { CoordinatorConfig } from './config/coordinator.config';
import { CoordinatorRuntime } from './coordinator.runtime';

/** The coordinator: owns Task, its dependencies, scheduling and tenant quotas. */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [
    { provide: CoordinatorConfig, useFactory: () => loadConfig(CoordinatorConfig) },
    hiveEventingProvider('coordinator', CoordinatorConfig),
    ...observabilityProviders('coordinator', CoordinatorConfig),
    CoordinatorRuntime,
    EventingShutdown,
  ],
})
export class AppModule {}
