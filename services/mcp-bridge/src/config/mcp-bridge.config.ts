import { IsInt, Max, Min } from 'class-validator';
import { InfraConfig } from '@hive/config';

export class McpBridgeConfig extends InfraConfig {
  /** Port of the health endpoint. */
  @IsInt() @Min(0) @Max(65535)
  MCP_BRIDGE_PORT: number = 3105;
}
