import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { McpServerSpecData } from './mcp-server-spec.data';
import { MCP_SERVER_STATUSES, type McpServerStatus } from './mcp-server-status.data';

export class McpServerRegisteredData extends McpServerSpecData {
  /** Status right after registration (the bridge connects before it records the server). */
  @IsIn(MCP_SERVER_STATUSES) status!: McpServerStatus;

  /** Tool names the server listed when the bridge connected (absent when it could not connect). */
  @IsOptional() @IsArray() @ArrayMaxSize(1024) @IsString({ each: true }) @Length(1, 255, { each: true })
  tools?: string[];
}

export const McpServerRegistered = defineMessage({
  type: 'mcp.server_registered',
  version: 1,
  kind: 'event',
  topic: Topics.mcpEvents.name,
  dataClass: McpServerRegisteredData,
  description: 'An MCP server joined the Hive MCP server registry.',
});
export type McpServerRegistered = MessageOf<typeof McpServerRegistered>;
