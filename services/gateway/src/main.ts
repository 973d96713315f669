import './tracing';
import 'reflect-metadata';
import { loadConfig } from '@hive/config';
import { startGateway } from './gateway.bootstrap';
import { GatewayConfig } from './config/gateway.config';

const config = loadConfig(GatewayConfig);
void startGateway(config, { json: process.env['NODE_ENV'] === 'production', production: process.env['NODE_ENV'] === 'production' });
