import { Controller, Get, Header, Res } from '@nestjs/common';
import { HiveMetricsRegistry } from './hive-metrics.registry';

/** Prometheus scrape endpoint on the service's internal HTTP port. */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: HiveMetricsRegistry) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() response: { setHeader(name: string, value: string): void; send(body: string): void }): Promise<void> {
    const body = await this.metrics.exposition();
    response.setHeader('Content-Type', this.metrics.contentType);
    response.send(body);
  }
}
