/** Separates the server id from the tool name in a prefixed tool name (`github__create_issue`). */
export const TOOL_PREFIX_SEPARATOR = '__';

/** The name a tool carries across servers: two servers' `search` tools become `docs__search` and `code__search`. */
export const prefixedToolName = (serverId: string, tool: string): string => `${serverId}${TOOL_PREFIX_SEPARATOR}${tool}`;

/** A tool name as given in a call for `serverId`: either the server's own name, or the prefixed one. */
export function unprefixedToolName(serverId: string, tool: string): string {
  const prefix = `${serverId}${TOOL_PREFIX_SEPARATOR}`;
  return tool.startsWith(prefix) ? tool.slice(prefix.length) : tool;
}
