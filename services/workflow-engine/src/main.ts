import './tracing';
import 'reflect-metadata';
import { loadConfig } from '@hive/config';
import { bootstrapService } from '@hive/messaging';
import { HiveLogger } from '@hive/observability';
import { AppModule } from './app.module';
import { WorkflowEngineConfig } from './config/workflow-engine.config';

const config = loadConfig(WorkflowEngineConfig);
const json = process.env['NODE_ENV'] === 'production';
void bootstrapService({ service: 'workflow-engine', module: AppModule, port: config.WORKFLOW_ENGINE_PORT, host: config.HTTP_HOST, json, logger: new HiveLogger('workflow-engine', { json }) });
