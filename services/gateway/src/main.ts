import 'reflect-metadata';
import { loadConfig } from '@hive/config';
import { bootstrapService } from '@hive/messaging';
import { AppModule } from './app.module';
import { GatewayConfig } from './config/gateway.config';

const config = loadConfig(GatewayConfig);
void bootstrapService({ service: 'gateway', module: AppModule, port: config.GATEWAY_PORT, host: config.HTTP_HOST, json: process.env['NODE_ENV'] === 'production' });
