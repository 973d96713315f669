import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { MCP_SERVER_ID_PATTERN } from '../../events/mcp/mcp-server-spec.data';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsJsonObject } from '../../validation/is-json-object.decorator';
import type { JsonObject } from '../../validation/json-object';

export class CallMcpToolData {
  @IsEntityId() callId!: string;

  /** Calls with the same key run the tool at most once; later ones get the first outcome. */
  @IsString() @Length(1, 255) idempotencyKey!: string;

  @Matches(MCP_SERVER_ID_PATTERN, { message: 'serverId must be 1-63 lower-case letters, digits, "-" or "_"' })
  serverId!: string;

  @IsString() @Length(1, 255) tool!: string;

  /** The tool's arguments, checked by the server against its input schema. */
  @IsJsonObject() arguments!: JsonObject;

  @IsInt() @Min(100) @Max(15 * 60 * 1000) timeoutMs!: number;
}

export const CallMcpTool = defineMessage({
  type: 'CallMcpTool',
  version: 1,
  kind: 'command',
  topic: Topics.mcpBridgeCommands.name,
  dataClass: CallMcpToolData,
  description: 'Call a tool on a registered MCP server; answered by mcp.tool_call_completed or mcp.tool_call_failed.',
});
export type CallMcpTool = MessageOf<typeof CallMcpTool>;
