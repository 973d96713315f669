import { basename } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerSpecData } from '@hive/contracts';

export interface ConnectionOptions {
  /** Basenames of the executables a stdio server may be started with. */
  readonly stdioCommands: readonly string[];
  /** The server told us its tool list changed; `tools` is the new list. */
  readonly onToolsChanged: (tools: readonly Tool[]) => void;
  /** The transport closed (stdio process exited, session ended). */
  readonly onClosed: () => void;
  /** Calls in flight to this server at most; the others wait their turn (within their timeout). Default 64. */
  readonly maxConcurrentCalls?: number;
}

/** A call waited its whole timeout for a free slot: the tool did not run. */
export class CallQueueTimeoutError extends Error {
  constructor(timeoutMs: number, queued: number) {
    super(`timed out after ${timeoutMs} ms waiting behind ${queued} other calls to this server; the tool did not run`);
    this.name = 'CallQueueTimeoutError';
  }
}

/** Why a stdio spec may not be started here, or undefined when it may. */
export function stdioRefusal(spec: McpServerSpecData, allowed: readonly string[]): string | undefined {
  if (spec.transport !== 'stdio') return undefined;
  const command = spec.command ?? '';
  if (allowed.includes(basename(command))) return undefined;
  return allowed.length === 0
    ? 'stdio MCP servers are disabled on this bridge (set MCP_STDIO_COMMANDS to the executables it may start, e.g. "npx,node")'
    : `command "${basename(command)}" is not allowed for stdio MCP servers; allowed: ${allowed.join(', ')}`;
}

/**
 * One live MCP client session with a registered server, over Streamable HTTP
 * or a stdio child process. Lists the server's tools when it connects and
 * again on every tools/list_changed notification.
 */
export class McpServerConnection {
  private client: Client | undefined;
  private toolMap = new Map<string, Tool>();
  private closing = false;
  private inFlight = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly spec: McpServerSpecData, private readonly options: ConnectionOptions) {}

  get connected(): boolean {
    return this.client !== undefined;
  }

  get tools(): readonly Tool[] {
    return [...this.toolMap.values()];
  }

  tool(name: string): Tool | undefined {
    return this.toolMap.get(name);
  }

  /** Connects and lists the tools; throws with the reason when it cannot. */
  async connect(timeoutMs: number): Promise<readonly Tool[]> {
    await this.close();
    this.closing = false;
    const client = new Client({ name: 'hive-mcp-bridge', version: '0.1.0' }, {
      listChanged: {
        tools: {
          onChanged: (error, tools) => {
            if (error || !tools || this.client !== client) return;
            this.toolMap = new Map(tools.map((t) => [t.name, t]));
            this.options.onToolsChanged(tools);
          },
        },
      },
    });
    const transport = this.transport();
    transport.onclose = undefined;
    client.onclose = () => {
      if (this.client !== client) return;
      this.client = undefined;
      if (!this.closing) this.options.onClosed();
    };
    client.onerror = () => undefined;
    try {
      await client.connect(transport, { timeout: timeoutMs });
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, { timeout: timeoutMs });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor && tools.length < 10_000);
      this.toolMap = new Map(tools.map((t) => [t.name, t]));
      this.client = client;
      return tools;
    } catch (error) {
      this.closing = true;
      await client.close().catch(() => undefined);
      throw error;
    }
  }

  /** Round-trip time of an MCP ping; throws when there is no session or no answer in time. */
  async ping(timeoutMs: number): Promise<number> {
    const client = this.client;
    if (!client) throw new Error('not connected');
    const started = performance.now();
    await client.ping({ timeout: timeoutMs });
    return performance.now() - started;
  }

  /** Calls a tool within `timeoutMs`, counting the time spent waiting for a free slot. */
  async callTool(name: string, args: Record<string, unknown>, timeoutMs: number): Promise<CallToolResult> {
    const started = performance.now();
    await this.acquire(timeoutMs);
    try {
      const client = this.client;
      if (!client) throw new Error('not connected');
      const left = Math.max(1, Math.round(timeoutMs - (performance.now() - started)));
      return (await client.callTool({ name, arguments: args }, undefined, { timeout: left })) as CallToolResult;
    } finally {
      this.release();
    }
  }

  private async acquire(timeoutMs: number): Promise<void> {
    if (this.inFlight < (this.options.maxConcurrentCalls ?? 64)) {
      this.inFlight++;
      return;
    }
    const queued = this.queue.length;
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.queue.indexOf(grant);
        if (index >= 0) this.queue.splice(index, 1);
        reject(new CallQueueTimeoutError(timeoutMs, queued));
      }, timeoutMs);
      this.queue.push(grant);
    });
  }

  /** Hands the slot to the next waiting call, or frees it. */
  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.inFlight--;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.closing = true;
    await client?.close().catch(() => undefined);
  }

  private transport(): Transport {
    const { spec } = this;
    if (spec.transport === 'stdio') {
      const refusal = stdioRefusal(spec, this.options.stdioCommands);
      if (refusal) throw new Error(refusal);
      return new StdioClientTransport({ command: spec.command ?? '', args: spec.args ?? [], stderr: 'ignore' });
    }
    return new StreamableHTTPClientTransport(new URL(spec.endpoint ?? ''));
  }
}
