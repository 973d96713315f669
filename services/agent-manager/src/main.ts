import './tracing';
import 'reflect-metadata';
import { loadConfig } from '@hive/config';
import { bootstrapService } from '@hive/messaging';
import { HiveLogger } from '@hive/observability';
import { AppModule } from './app.module';
import { AgentManagerConfig } from './config/agent-manager.config';

const config = loadConfig(AgentManagerConfig);
const json = process.env['NODE_ENV'] === 'production';
void bootstrapService({ service: 'agent-manager', module: AppModule, port: config.AGENT_MANAGER_PORT, host: config.HTTP_HOST, json, logger: new HiveLogger('agent-manager', { json }) });
