import { Module } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { EventingShutdown, HealthController, hiveEventingProvider } from '@hive/messaging';
import { McpBridgeConfig } from './config/mcp-bridge.config';
import { McpBridgeRuntime } from './mcp-bridge.runtime';

/** Hive MCP bridge: the MCP server registry, tool calls through the idempotency ledger, and Hive's own MCP server. */
@Module({
  controllers: [HealthController],
  providers: [
    { provide: McpBridgeConfig, useFactory: () => loadConfig(McpBridgeConfig) },
    hiveEventingProvider('mcp-bridge', McpBridgeConfig),
    McpBridgeRuntime,
    EventingShutdown,
  ],
})
export class AppModule {}
