import { Module } from '@nestjs/common';
import { loadConfig } from '@hive/config';
import { EventingShutdown, HealthController, hiveEventingProvider } from '@hive/messaging';
import { McpBridgeConfig } from './config/mcp-bridge.config';

/** Hive MCP bridge: MCP server registry, tool calls and Hive's own MCP server. Its domain arrives with its own issue; today it owns its schema, outbox relay and topics. */
@Module({
  controllers: [HealthController],
  providers: [
    { provide: McpBridgeConfig, useFactory: () => loadConfig(McpBridgeConfig) },
    hiveEventingProvider('mcp-bridge', McpBridgeConfig),
    EventingShutdown,
  ],
})
export class AppModule {}
