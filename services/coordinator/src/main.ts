import './tracing';
import 'reflect-metadata';
import { loadConfig } from '@hive/config';
import { bootstrapService } from '@hive/messaging';
import { HiveLogger } from '@hive/observability';
import { AppModule } from './app.module';
import { CoordinatorConfig } from './config/coordinator.config';

const config = loadConfig(CoordinatorConfig);
const json = process.env['NODE_ENV'] === 'production';
void bootstrapService({ service: 'coordinator', module: AppModule, port: config.COORDINATOR_PORT, host: config.HTTP_HOST, json, logger: new HiveLogger('coordinator', { json }) });
