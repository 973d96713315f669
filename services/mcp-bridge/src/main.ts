import './tracing';
import 'reflect-metadata';
import { loadConfig } from '@hive/config';
import { bootstrapService } from '@hive/messaging';
import { HiveLogger } from '@hive/observability';
import { AppModule } from './app.module';
import { McpBridgeConfig } from './config/mcp-bridge.config';

const config = loadConfig(McpBridgeConfig);
const json = process.env['NODE_ENV'] === 'production';
void bootstrapService({ service: 'mcp-bridge', module: AppModule, port: config.MCP_BRIDGE_PORT, host: config.HTTP_HOST, json, logger: new HiveLogger('mcp-bridge', { json }) });
