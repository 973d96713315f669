import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hiveCatalogue, RegisterMcpServer, Topics, type RegisterMcpServerData } from '@hive/contracts';
import { CheckpointedConsumer, CommandProcessor, HiveEventing } from '@hive/messaging';
import { BridgeCommandsHandler } from './calls/bridge-commands.handler';
import { ToolCallLedger } from './calls/tool-call-ledger';
import { ToolCaller } from './calls/tool-caller';
import { McpBridgeConfig } from './config/mcp-bridge.config';
import { McpRegistry } from './registry/mcp-registry';

export const parseList = (value: string): string[] => value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);

/**
 * Wires the MCP client side of the bridge: the registry (sessions with every
 * registered server, health checks) and the consumer of the bridge's command
 * topic (RegisterMcpServer, CallMcpTool through the idempotency ledger).
 */
@Injectable()
export class McpBridgeRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  readonly registry: McpRegistry;
  readonly caller: ToolCaller;
  private readonly commands: CheckpointedConsumer;

  constructor(private readonly eventing: HiveEventing, config: McpBridgeConfig) {
    const { store, pool, schema } = eventing;
    this.registry = new McpRegistry({
      store, pool, schema, stdioCommands: parseList(config.MCP_STDIO_COMMANDS),
      healthIntervalMs: config.MCP_HEALTH_INTERVAL_MS, healthTimeoutMs: config.MCP_HEALTH_TIMEOUT_MS,
      maxConcurrentCalls: config.MCP_MAX_CONCURRENT_CALLS, connectTimeoutMs: config.MCP_CONNECT_TIMEOUT_MS,
    });
    this.caller = new ToolCaller(this.registry, { retries: config.MCP_CALL_RETRIES });
    const processor = new CommandProcessor(store, 'mcp-bridge', {
      [RegisterMcpServer.type]: async (command, tx) => {
        const data = command.data as RegisterMcpServerData;
        const { streamVersion } = await this.registry.register(tx, command.tenant, data, { correlationId: command.correlationId, causationId: command.id });
        return { aggregateId: data.serverId, streamVersion };
      },
    });
    const ledger = new ToolCallLedger(store, schema, (tenant, call) => this.caller.call(tenant, call));
    this.commands = new CheckpointedConsumer({
      name: 'mcp-bridge-commands',
      groupId: `${eventing.topicPrefix}mcp-bridge.commands`,
      topics: [eventing.topic(Topics.mcpBridgeCommands.name)],
      kafka: eventing.kafka, pool, checkpoints: eventing.checkpoints, catalogue: hiveCatalogue,
      handler: new BridgeCommandsHandler(processor, ledger),
      partitionsConsumedConcurrently: 6,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.start();
    await this.commands.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.commands.stop();
    await this.registry.stop();
  }
}
