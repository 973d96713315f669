import { IsBoolean, IsString, Length, Matches } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { MCP_SERVER_ID_PATTERN } from './mcp-server-spec.data';

export class McpToolCallFailedData {
  @IsEntityId() callId!: string;

  @IsString() @Length(1, 255) idempotencyKey!: string;

  @Matches(MCP_SERVER_ID_PATTERN, { message: 'serverId must be 1-63 lower-case letters, digits, "-" or "_"' })
  serverId!: string;

  @IsString() @Length(1, 255) tool!: string;

  /** E.g. `timed out after 30000 ms`, `server unreachable`, `unknown tool`. */
  @IsString() @Length(1, 2000) reason!: string;

  /** Whether calling again with the same idempotency key could succeed. */
  @IsBoolean() retriable!: boolean;
}

export const McpToolCallFailed = defineMessage({
  type: 'mcp.tool_call_failed',
  version: 1,
  kind: 'event',
  topic: Topics.mcpEvents.name,
  dataClass: McpToolCallFailedData,
  description: 'An MCP tool call got no result: timeout, unreachable server, unknown tool or protocol error.',
});
export type McpToolCallFailed = MessageOf<typeof McpToolCallFailed>;
