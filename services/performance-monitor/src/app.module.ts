import { Module } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { EventingShutdown, HealthController, hiveEventingProvider } from '@hive/messaging';
import { MetricsController, observabilityProviders } from '@hive/observability';
import { PerformanceMonitorConfig } from './config/performance-monitor.config';
import { MonitorRuntime } from './monitor.runtime';

/** Hive performance monitor: metrics to InfluxDB, alert rules and alerts, snapshots for the gateway, Prometheus domain metrics. */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [
    { provide: PerformanceMonitorConfig, useFactory: () => loadConfig(PerformanceMonitorConfig) },
    hiveEventingProvider('performance-monitor', PerformanceMonitorConfig),
    ...observabilityProviders('performance-monitor', PerformanceMonitorConfig),
    MonitorRuntime,
    EventingShutdown,
  ],
})
export class AppModule {}
