import { Module } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { EventingShutdown, HealthController, hiveEventingProvider } from '@hive/messaging';
import { PerformanceMonitorConfig } from './config/performance-monitor.config';

/** Hive performance monitor: alert rules, alerts and metrics to InfluxDB. Its domain arrives with its own issue; today it owns its schema, outbox relay and topics. */
@Module({
  controllers: [HealthController],
  providers: [
    { provide: PerformanceMonitorConfig, useFactory: () => loadConfig(PerformanceMonitorConfig) },
    hiveEventingProvider('performance-monitor', PerformanceMonitorConfig),
    EventingShutdown,
  ],
})
export class AppModule {}
