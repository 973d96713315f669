import { IsBoolean, IsNumber, IsString, Length, Matches, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsJsonObject } from '../../validation/is-json-object.decorator';
import type { JsonObject } from '../../validation/json-object';
import { MCP_SERVER_ID_PATTERN } from './mcp-server-spec.data';

export class McpToolCallCompletedData {
  @IsEntityId() callId!: string;

  /** The CallMcpTool's key; a repeated call with the same key gets this result again. */
  @IsString() @Length(1, 255) idempotencyKey!: string;

  @Matches(MCP_SERVER_ID_PATTERN, { message: 'serverId must be 1-63 lower-case letters, digits, "-" or "_"' })
  serverId!: string;

  @IsString() @Length(1, 255) tool!: string;

  /** The MCP CallToolResult (`content`, `structuredContent`...), as the server returned it. */
  @IsJsonObject() result!: JsonObject;

  /** The tool reported an error (MCP `isError`); the call itself succeeded. */
  @IsBoolean() isError!: boolean;

  @IsNumber() @Min(0) durationMs!: number;
}

export const McpToolCallCompleted = defineMessage({
  type: 'mcp.tool_call_completed',
  version: 1,
  kind: 'event',
  topic: Topics.mcpEvents.name,
  dataClass: McpToolCallCompletedData,
  description: 'An MCP tool call returned a result (possibly a tool-level error, see isError).',
});
export type McpToolCallCompleted = MessageOf<typeof McpToolCallCompleted>;
