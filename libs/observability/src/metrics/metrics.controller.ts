import { Controller, Get, Header } from '@nestjs/common';
import { HiveMetricsRegistry, PROMETHEUS_CONTENT_TYPE } from './hive-metrics.registry';

/** Prometheus scrape endpoint on the service's internal HTTP port (works on the Express and Fastify adapters). */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: HiveMetricsRegistry) {}

  @Get('metrics')
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.exposition();
  }
}
