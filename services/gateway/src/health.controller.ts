import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HiveMetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '@hive/observability';
import { PublicRoute } from './auth/permission.decorator';

/** Liveness for the orchestrator; public because it says nothing about any tenant. */
@ApiExcludeController()
@Controller()
export class GatewayHealthController {
  constructor(private readonly metrics: HiveMetricsRegistry) {}

  @Get('health')
  @PublicRoute()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Prometheus scrape (infra/prometheus/prometheus.yml); public like /health: process and request figures, no tenant data. */
  @Get('metrics')
  @PublicRoute()
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.exposition();
  }
}
