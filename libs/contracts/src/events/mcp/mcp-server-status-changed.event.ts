import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { MCP_SERVER_ID_PATTERN } from './mcp-server-spec.data';
import { MCP_SERVER_STATUSES, type McpServerStatus } from './mcp-server-status.data';

export class McpServerStatusChangedData {
  @Matches(MCP_SERVER_ID_PATTERN, { message: 'serverId must be 1-63 lower-case letters, digits, "-" or "_"' })
  serverId!: string;

  @IsIn(MCP_SERVER_STATUSES) from!: McpServerStatus;

  @IsIn(MCP_SERVER_STATUSES) to!: McpServerStatus;

  @IsString() @Length(1, 2000) reason!: string;

  /** Tool names the server lists, when it (re)connected. */
  @IsOptional() @IsArray() @ArrayMaxSize(1024) @IsString({ each: true }) @Length(1, 255, { each: true })
  tools?: string[];
}

export const McpServerStatusChanged = defineMessage({
  type: 'mcp.server_status_changed',
  version: 1,
  kind: 'event',
  topic: Topics.mcpEvents.name,
  dataClass: McpServerStatusChangedData,
  description: 'An MCP server moved between active, degraded, unreachable and disabled.',
});
export type McpServerStatusChanged = MessageOf<typeof McpServerStatusChanged>;
