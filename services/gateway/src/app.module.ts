import { Module } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { EventingShutdown, HealthController, hiveEventingProvider } from '@hive/messaging';
import { GatewayConfig } from './config/gateway.config';
import { ReadModelsService } from './read-models.service';

@Module({
  controllers: [HealthController],
  providers: [
    { provide: GatewayConfig, useFactory: () => loadConfig(GatewayConfig) },
    // The gateway owns no aggregate: it appends nothing, so it runs no relay.
    hiveEventingProvider('gateway', GatewayConfig, { relay: false }),
    ReadModelsService,
    EventingShutdown,
  ],
})
export class AppModule {}
