import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { hiveCatalogue } from '@hive/contracts';
import { migrateEventStore, PostgresEventStore, schemaIdent } from '@hive/event-store';
import { createTestEnvironment, waitFor, type TestEnvironment } from '@hive/testing';
import { McpRegistry } from './mcp-registry';

/**
 * Following tools/list_changed: a real SDK MCP server (Streamable HTTP with
 * sessions, so it can notify) gains a tool after the bridge connected.
 */
describe('MCP registry follows tools/list_changed (SDK server, PostgreSQL)', () => {
  let env: TestEnvironment;
  let schema: string;
  let registry: McpRegistry;
  let http: Server;
  const servers: McpServer[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    schema = `${env.schemaPrefix}mcp_bridge`;
    await migrateEventStore(env.pool, schema);
    const sessions = new Map<string, StreamableHTTPServerTransport>();
    http = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => void (async () => {
        const id = req.headers['mcp-session-id'];
        let transport = typeof id === 'string' ? sessions.get(id) : undefined;
        if (!transport) {
          const server = new McpServer({ name: 'growing', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
          server.registerTool('first', { description: 'the first tool', inputSchema: { x: z.string() } }, async () => ({ content: [] }));
          servers.push(server);
          const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid: string): void => void sessions.set(sid, created),
          });
          await server.connect(created);
          transport = created;
        }
        await transport.handleRequest(req, res, body ? JSON.parse(body) : undefined);
      })());
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const store = new PostgresEventStore({ schema, source: 'mcp-bridge', catalogue: hiveCatalogue });
    registry = new McpRegistry({ store, pool: env.pool, schema, stdioCommands: [], healthIntervalMs: 60_000, healthTimeoutMs: 1_000 });
    await registry.start();
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
    for (const server of servers) await server.close();
    http?.closeAllConnections();
    await new Promise((resolve) => http?.close(resolve));
    await env?.cleanup();
  });

  it('lists the tools again when the server says they changed, and records the new list', async () => {
    const { port } = http.address() as { port: number };
    const tx = await env.pool.connect();
    try {
      await tx.query('BEGIN');
      await registry.register(tx, 'acme', { serverId: 'growing', transport: 'streamable-http', endpoint: `http://127.0.0.1:${port}/mcp`, capabilities: [], version: '1.0.0' },
        { correlationId: randomUUID(), causationId: null });
      await tx.query('COMMIT');
    } finally {
      tx.release();
    }
    expect(registry.tools('acme').map((t) => t.name)).toEqual(['growing__first']);
    // The session's server gains a tool: the SDK sends notifications/tools/list_changed.
    await waitFor(() => servers.length > 0 || undefined, { timeoutMs: 5_000, description: 'the session server' });
    servers[0].registerTool('second', { description: 'added later', inputSchema: {} }, async () => ({ content: [] }));
    await waitFor(() => registry.tools('acme').some((t) => t.name === 'growing__second') || undefined, { timeoutMs: 10_000, description: 'the new tool to be listed' });
    const recorded = await waitFor(async () => (await env.pool.query<{ data: { reason: string; tools?: string[] } }>(
      `SELECT data FROM ${schemaIdent(schema)}.events WHERE stream_id = 'mcpserver-acme-growing' AND type = 'mcp.server_status_changed'`)).rows[0],
    { timeoutMs: 5_000, description: 'the recorded tool list' });
    expect(recorded.data).toMatchObject({ reason: 'tools/list_changed', tools: ['first', 'second'] });
  }, 30_000);
});
