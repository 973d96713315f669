import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { McpServerSpecData } from '../../events/mcp/mcp-server-spec.data';
import { Topics } from '../../topics/topics';

export class RegisterMcpServerData extends McpServerSpecData {}

export const RegisterMcpServer = defineMessage({
  type: 'RegisterMcpServer',
  version: 1,
  kind: 'command',
  topic: Topics.mcpBridgeCommands.name,
  dataClass: RegisterMcpServerData,
  description: 'Add an MCP server (Streamable HTTP or stdio) to the registry.',
});
export type RegisterMcpServer = MessageOf<typeof RegisterMcpServer>;
