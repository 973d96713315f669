/**
 * Where an MCP server stands. `active`: connected, tools listed; `degraded`:
 * answering with errors or slowly; `unreachable`: connection failing; `disabled`: taken out by an operator.
 */
export const MCP_SERVER_STATUSES = ['active', 'degraded', 'unreachable', 'disabled'] as const;
export type McpServerStatus = (typeof MCP_SERVER_STATUSES)[number];
