import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { CallMcpToolData, McpToolCallCompletedData, McpToolCallFailedData } from '@hive/contracts';
import type { McpRegistry } from '../registry/mcp-registry';
import { CallQueueTimeoutError } from '../registry/mcp-server-connection';
import { unprefixedToolName } from '../registry/tool-names';

export type ToolCallEvent =
  | { readonly type: 'mcp.tool_call_completed'; readonly data: McpToolCallCompletedData }
  | { readonly type: 'mcp.tool_call_failed'; readonly data: McpToolCallFailedData };

export interface ToolCallerOptions {
  /** Extra attempts after a transport failure, for idempotent or read-only tools. */
  readonly retries: number;
  /** First backoff between attempts (doubled each time). */
  readonly backoffMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 1500) || 'unknown error';

/**
 * Runs one CallMcpTool against the registry: fails fast (without calling)
 * when the server is unknown, disabled, unreachable or lacks the tool; gives
 * each call its timeout; retries transport failures only for tools the server
 * annotates as idempotent or read-only.
 */
export class ToolCaller {
  constructor(private readonly registry: McpRegistry, private readonly options: ToolCallerOptions) {}

  async call(tenant: string, call: CallMcpToolData): Promise<ToolCallEvent> {
    const { serverId } = call;
    const tool = unprefixedToolName(serverId, call.tool);
    const failed = (reason: string, retriable: boolean): ToolCallEvent => ({
      type: 'mcp.tool_call_failed',
      data: { callId: call.callId, idempotencyKey: call.idempotencyKey, serverId, tool, reason: reason.slice(0, 2000), retriable },
    });
    const entry = await this.registry.entry(tenant, serverId);
    if (!entry) {
      const known = this.registry.list(tenant).map((e) => e.spec.serverId);
      return failed(`MCP server "${serverId}" is not registered${known.length ? `; registered servers: ${known.join(', ')}` : ' (register it with RegisterMcpServer first)'}`, false);
    }
    if (entry.status === 'disabled') return failed(`MCP server "${serverId}" is disabled by an operator`, false);
    if (entry.status === 'unreachable') return failed(`MCP server "${serverId}" is unreachable (${entry.reason}); the call was not attempted, retry once the server is active again`, true);
    const definition = entry.connection.tool(tool);
    if (!definition) {
      const offered = entry.connection.tools.map((t) => t.name);
      return failed(`unknown tool "${tool}" on MCP server "${serverId}"; it offers: ${offered.join(', ') || 'no tools'}`, false);
    }
    const idempotent = definition.annotations?.idempotentHint === true || definition.annotations?.readOnlyHint === true;
    const started = performance.now();
    const deadline = started + call.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const remaining = Math.max(1, Math.round(deadline - performance.now()));
      try {
        const result = await entry.connection.callTool(tool, call.arguments, remaining);
        return {
          type: 'mcp.tool_call_completed',
          data: {
            callId: call.callId, idempotencyKey: call.idempotencyKey, serverId, tool,
            result: JSON.parse(JSON.stringify(result)) as McpToolCallCompletedData['result'], isError: result.isError === true,
            durationMs: Math.round((performance.now() - started) * 100) / 100,
          },
        };
      } catch (error) {
        if (error instanceof CallQueueTimeoutError) return failed(error.message, true);
        if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
          return failed(idempotent
            ? `timed out after ${call.timeoutMs} ms`
            : `timed out after ${call.timeoutMs} ms; the tool is not idempotent and may have run, so it is not repeated under this idempotency key`, idempotent);
        }
        if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed) {
          const hint = error.code === ErrorCode.InvalidParams ? ' (check the arguments against the tool\'s input schema)' : '';
          return failed(`MCP server "${serverId}" refused the call: ${messageOf(error)}${hint}`, false);
        }
        // Transport failure: the server may be gone.
        this.registry.suspect(entry);
        const backoff = (this.options.backoffMs ?? 50) * 2 ** attempt;
        if (idempotent && attempt < this.options.retries && performance.now() + backoff < deadline) {
          await sleep(backoff);
          if (entry.connection.connected) continue;
        }
        return failed(`MCP server "${serverId}" failed during the call: ${messageOf(error)}${idempotent ? '' : '; the tool is not idempotent and may have run'}`, idempotent);
      }
    }
  }
}
