import { IsIn } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { McpServerSpecData } from './mcp-server-spec.data';
import { MCP_SERVER_STATUSES, type McpServerStatus } from './mcp-server-status.data';

export class McpServerRegisteredData extends McpServerSpecData {
  /** Status right after registration (the bridge connects before it records the server). */
  @IsIn(MCP_SERVER_STATUSES) status!: McpServerStatus;
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
