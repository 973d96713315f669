import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Pool } from 'pg';
import type { McpServerSpecData, McpServerStatus } from '@hive/contracts';
import { DomainError, fold, handleCommand, schemaIdent, type PostgresEventStore, type Queryable } from '@hive/event-store';
import { McpServerConnection, stdioRefusal } from './mcp-server-connection';
import { mcpServerDecider, mcpServerStreamId, specOf, type McpServerCommand, type McpServerEvent, type Observation } from './mcp-server.decider';
import { prefixedToolName } from './tool-names';

export interface RegistryOptions {
  readonly store: PostgresEventStore;
  readonly pool: Pool;
  readonly schema: string;
  readonly stdioCommands: readonly string[];
  readonly healthIntervalMs: number;
  readonly healthTimeoutMs: number;
  /** Connecting (process start, initialize, tools/list) may take this long. Default 3x the health timeout. */
  readonly connectTimeoutMs?: number;
  /** Calls in flight to one server at most. */
  readonly maxConcurrentCalls?: number;
}

/** A registered server as this instance sees it right now. */
export interface ServerEntry {
  readonly tenant: string;
  readonly spec: McpServerSpecData;
  status: McpServerStatus;
  reason: string;
  readonly connection: McpServerConnection;
}

/** A tool of a registered server, under its server-prefixed name. */
export interface RegistryTool {
  readonly name: string;
  readonly serverId: string;
  readonly tool: Tool;
}

export interface CommandMeta {
  readonly correlationId: string;
  readonly causationId: string | null;
}

const keyOf = (tenant: string, serverId: string): string => `${tenant}\u0000${serverId}`;
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 1000) || 'unknown error';

/**
 * The MCP client registry: the registered servers of every tenant, a live
 * session with each, their tools, and their health. Registrations and status
 * changes are events of one stream per server (see mcpServerDecider); the
 * sessions and tool definitions live in memory and are rebuilt on start.
 */
export class McpRegistry {
  private readonly logger = new Logger(McpRegistry.name);
  private readonly entries = new Map<string, ServerEntry>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(private readonly options: RegistryOptions) {}

  /** Loads every registered server from the event store and connects to them in the background. */
  async start(): Promise<void> {
    const s = schemaIdent(this.options.schema);
    const { rows } = await this.options.pool.query<{ stream_id: string; tenant: string; type: string; data: unknown }>(
      `SELECT stream_id, tenant, type, data FROM ${s}.events WHERE stream_id LIKE 'mcpserver-%' ORDER BY global_position`,
    );
    const streams = new Map<string, { tenant: string; events: McpServerEvent[] }>();
    for (const row of rows) {
      const stream = streams.get(row.stream_id) ?? { tenant: row.tenant, events: [] };
      stream.events.push({ type: row.type, data: row.data } as McpServerEvent);
      streams.set(row.stream_id, stream);
    }
    for (const { tenant, events } of streams.values()) this.adopt(tenant, events);
    this.timer = setInterval(() => void this.checkAll(), this.options.healthIntervalMs);
    this.timer.unref();
    void this.checkAll();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
    await Promise.all([...this.entries.values()].map((entry) => entry.connection.close()));
  }

  list(tenant: string): ServerEntry[] {
    return [...this.entries.values()].filter((entry) => entry.tenant === tenant);
  }

  /** The tenant's tools across its servers, each named `<serverId>__<tool>`. */
  tools(tenant: string): RegistryTool[] {
    return this.list(tenant).filter((e) => e.status === 'active' || e.status === 'degraded')
      .flatMap((e) => e.connection.tools.map((tool) => ({ name: prefixedToolName(e.spec.serverId, tool.name), serverId: e.spec.serverId, tool })));
  }

  /** The server, loaded from the event store when another instance registered it. */
  async entry(tenant: string, serverId: string): Promise<ServerEntry | undefined> {
    const known = this.entries.get(keyOf(tenant, serverId));
    if (known) return known;
    const read = await this.options.store.readStream(this.options.pool, mcpServerStreamId(tenant, serverId));
    if (read.events.length === 0) return undefined;
    const entry = this.adopt(tenant, read.events.map((r) => ({ type: r.envelope.type, data: r.envelope.data }) as McpServerEvent));
    if (entry) await this.check(entry);
    return entry;
  }

  /**
   * RegisterMcpServer: connect first (so the registration records what the
   * server offers), then decide and append in the caller's transaction.
   */
  async register(db: Queryable, tenant: string, spec: McpServerSpecData, meta: CommandMeta): Promise<{ streamVersion: number }> {
    const refusal = stdioRefusal(spec, this.options.stdioCommands);
    if (refusal) throw new DomainError('forbidden', refusal);
    const streamId = mcpServerStreamId(tenant, spec.serverId);
    const current = fold(mcpServerDecider, (await this.options.store.readStream(db, streamId)).events.map((r) => ({ type: r.envelope.type, data: r.envelope.data }) as McpServerEvent));
    // Decide before connecting: a refused registration starts nothing.
    mcpServerDecider.decide({ type: 'RegisterMcpServer', data: { spec, observed: { status: 'unreachable', reason: 'not connected yet' } } }, current);
    const existing = this.entries.get(keyOf(tenant, spec.serverId));
    const connection = existing?.connection ?? this.newConnection(tenant, spec);
    const observed = existing ? { status: existing.status, reason: existing.reason } : await this.connect(connection);
    const result = await handleCommand(this.options.store, db, streamId, mcpServerDecider, { type: 'RegisterMcpServer', data: { spec, observed } },
      { tenant, correlationId: meta.correlationId, causationId: meta.causationId });
    if (!existing) this.entries.set(keyOf(tenant, spec.serverId), { tenant, spec: specOf(spec), status: observed.status, reason: observed.reason, connection });
    return { streamVersion: result.nextVersion };
  }

  /** A call failed in transport: check the server now rather than at the next interval. */
  suspect(entry: ServerEntry): void {
    void this.check(entry);
  }

  /** Health checks of every server, one round at a time. */
  private async checkAll(): Promise<void> {
    if (this.checking) return;
    this.checking = Promise.allSettled([...this.entries.values()].map((entry) => this.check(entry))).then(() => undefined);
    try {
      await this.checking;
    } finally {
      this.checking = undefined;
    }
  }

  private async check(entry: ServerEntry): Promise<void> {
    if (entry.status === 'disabled') return;
    const { healthTimeoutMs } = this.options;
    let observed: Observation;
    if (!entry.connection.connected) {
      observed = await this.connect(entry.connection);
    } else {
      try {
        const rtt = await entry.connection.ping(healthTimeoutMs * 3);
        observed = rtt > healthTimeoutMs
          ? { status: 'degraded', reason: `ping took ${Math.round(rtt)} ms (limit ${healthTimeoutMs} ms)` }
          : { status: 'active', reason: 'ping answered' };
      } catch (error) {
        await entry.connection.close();
        observed = { status: 'unreachable', reason: `ping failed: ${messageOf(error)}` };
      }
    }
    await this.observe(entry, observed);
  }

  private async connect(connection: McpServerConnection): Promise<Observation> {
    try {
      const tools = await connection.connect(this.options.connectTimeoutMs ?? this.options.healthTimeoutMs * 3);
      return { status: 'active', reason: 'connected', tools: tools.map((t) => t.name) };
    } catch (error) {
      return { status: 'unreachable', reason: `cannot connect: ${messageOf(error)}` };
    }
  }

  /** Updates this instance's view at once (calls fail fast from now on) and records the change as an event. */
  private async observe(entry: ServerEntry, observed: Observation): Promise<void> {
    const changed = entry.status !== observed.status;
    entry.status = observed.status;
    entry.reason = observed.reason;
    if (changed) this.logger.log(`${entry.tenant}/${entry.spec.serverId}: ${observed.status} (${observed.reason})`);
    const command: McpServerCommand = { type: 'RecordMcpServerHealth', data: { serverId: entry.spec.serverId, observed } };
    try {
      await handleCommand(this.options.store, this.options.pool, mcpServerStreamId(entry.tenant, entry.spec.serverId), mcpServerDecider, command,
        { tenant: entry.tenant, correlationId: randomUUID(), causationId: null });
    } catch (error) {
      this.logger.warn(`could not record the status of ${entry.tenant}/${entry.spec.serverId}: ${messageOf(error)}`);
    }
  }

  private adopt(tenant: string, events: readonly McpServerEvent[]): ServerEntry | undefined {
    const state = fold(mcpServerDecider, events);
    if (!state.registered) return undefined;
    const key = keyOf(tenant, state.spec.serverId);
    const known = this.entries.get(key);
    if (known) return known;
    const entry: ServerEntry = { tenant, spec: state.spec, status: state.status === 'disabled' ? 'disabled' : 'unreachable', reason: 'not connected yet', connection: this.newConnection(tenant, state.spec) };
    this.entries.set(key, entry);
    return entry;
  }

  private newConnection(tenant: string, spec: McpServerSpecData): McpServerConnection {
    return new McpServerConnection(spec, {
      stdioCommands: this.options.stdioCommands,
      ...(this.options.maxConcurrentCalls ? { maxConcurrentCalls: this.options.maxConcurrentCalls } : {}),
      onToolsChanged: (tools) => {
        const entry = this.entries.get(keyOf(tenant, spec.serverId));
        if (entry) void this.observe(entry, { status: entry.status, reason: 'tools/list_changed', tools: tools.map((t) => t.name) });
      },
      onClosed: () => {
        const entry = this.entries.get(keyOf(tenant, spec.serverId));
        if (entry) void this.observe(entry, { status: 'unreachable', reason: 'the connection closed' });
      },
    });
  }
}
