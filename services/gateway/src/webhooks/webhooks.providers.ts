import type { Provider } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { WebhooksConfig } from './webhooks.config';
import { WebhooksReadModel } from './webhooks.read-model';

/** What AppModule registers for /webhook/{path} (the controller is in CONTROLLERS, the projections in ReadModelsService). */
export const WEBHOOK_PROVIDERS: Provider[] = [
  { provide: WebhooksConfig, useFactory: () => loadConfig(WebhooksConfig) },
  WebhooksReadModel,
];
