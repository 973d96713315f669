import type { Provider } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { InfraConfig } from '@hive/config';
import { HiveEventing } from '@hive/messaging';
import { HiveMetricsRegistry } from './metrics/hive-metrics.registry';
import { HttpMetricsInterceptor } from './metrics/http-metrics.interceptor';
import { ServiceTelemetryPublisher } from './telemetry/service-telemetry.publisher';

/**
 * What a service adds to its AppModule for observability: `providers:
 * [...observabilityProviders('coordinator', CoordinatorConfig)]` and
 * `controllers: [..., MetricsController]`. Gives GET /metrics (default process
 * metrics plus the shared hive_* metrics), HTTP request timing, and the periodic
 * service.metrics_sampled telemetry (TELEMETRY_INTERVAL_MS, 0 = off).
 */
export function observabilityProviders(service: string, configClass: abstract new () => InfraConfig): Provider[] {
  return [
    { provide: HiveMetricsRegistry, useValue: new HiveMetricsRegistry(service) },
    { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
    {
      provide: ServiceTelemetryPublisher,
      inject: [HiveEventing, HiveMetricsRegistry, configClass],
      useFactory: (eventing: HiveEventing, metrics: HiveMetricsRegistry, config: InfraConfig) =>
        new ServiceTelemetryPublisher(eventing, metrics, config.TELEMETRY_INTERVAL_MS, config.HIVE_INSTANCE_ID),
    },
  ];
}
