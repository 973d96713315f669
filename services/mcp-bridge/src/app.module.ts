import { Module } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { EventingShutdown, HealthController, hiveEventingProvider } from '@hive/messaging';
import { MetricsController, observabilityProviders } from '@hive/observability';
import { McpBridgeConfig } from './config/mcp-bridge.config';
import { HiveServerRuntime } from './hive-server/hive-server.runtime';
import { McpHttpController } from './hive-server/mcp-http.controller';
import { McpBridgeRuntime } from './mcp-bridge.runtime';

/** Hive MCP bridge: the MCP server registry, tool calls through the idempotency ledger, and Hive's own MCP server at /mcp. */
@Module({
  controllers: [HealthController, McpHttpController, MetricsController],
  providers: [
    { provide: McpBridgeConfig, useFactory: () => loadConfig(McpBridgeConfig) },
    hiveEventingProvider('mcp-bridge', McpBridgeConfig),
    ...observabilityProviders('mcp-bridge', McpBridgeConfig),
    McpBridgeRuntime,
    HiveServerRuntime,
    EventingShutdown,
  ],
})
export class AppModule {}
