import { randomUUID } from 'node:crypto';
import type { CallMcpToolData, Envelope, McpServerSpecData } from '@hive/contracts';
import { hiveCatalogue } from '@hive/contracts';
import { migrateEventStore, PostgresEventStore, schemaIdent } from '@hive/event-store';
import { createTestEnvironment, waitFor, type TestEnvironment } from '@hive/testing';
import { McpRegistry } from '../registry/mcp-registry';
import { EVERYTHING_ENTRY, freePort, startEverythingHttp, type EverythingHttp } from '../../test/everything-server';
import { ledgerStreamId, ToolCallLedger } from './tool-call-ledger';
import { ToolCaller, type ToolCallEvent } from './tool-caller';

/**
 * The registry and the idempotency ledger against real MCP servers
 * (@modelcontextprotocol/server-everything over stdio and Streamable HTTP)
 * and the real PostgreSQL event store.
 */
describe('MCP registry and tool calls (server-everything, PostgreSQL)', () => {
  let env: TestEnvironment;
  let schema: string;
  let store: PostgresEventStore;
  let registry: McpRegistry;
  let ledger: ToolCallLedger;
  let http: EverythingHttp;
  let port: number;
  let runs = 0;
  const tenant = 'acme';

  const stdioSpec: McpServerSpecData = { serverId: 'everything_stdio', transport: 'stdio', command: process.execPath, args: [EVERYTHING_ENTRY, 'stdio'], capabilities: ['echo'], version: '1.0.0' };
  const httpSpec = (): McpServerSpecData => ({ serverId: 'everything_http', transport: 'streamable-http', endpoint: `http://127.0.0.1:${port}/mcp`, capabilities: ['echo'], version: '1.0.0' });

  const inTx = async <T>(work: (tx: import('pg').PoolClient) => Promise<T>): Promise<T> => {
    const tx = await env.pool.connect();
    try {
      await tx.query('BEGIN');
      const value = await work(tx);
      await tx.query('COMMIT');
      return value;
    } catch (error) {
      await tx.query('ROLLBACK');
      throw error;
    } finally {
      tx.release();
    }
  };
  const command = (data: Partial<CallMcpToolData> & { tool: string; arguments: CallMcpToolData['arguments'] }): Envelope<string, CallMcpToolData> => {
    const callId = data.callId ?? `call-${randomUUID()}`;
    return {
      id: randomUUID(), type: 'CallMcpTool', version: 1, source: 'test', tenant, occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null,
      data: { callId, idempotencyKey: callId, serverId: 'everything_http', timeoutMs: 10_000, ...data },
    };
  };
  /** Runs the commands through the ledger and returns the events it appended for them, by callId. */
  const call = async (...commands: Array<Envelope<string, CallMcpToolData>>): Promise<Map<string, ToolCallEvent>> => {
    await inTx((tx) => ledger.handle(commands, tx));
    const { rows } = await env.pool.query<{ type: string; data: ToolCallEvent['data'] }>(
      `SELECT type, data FROM ${schemaIdent(schema)}.events WHERE stream_id LIKE 'mcpcall-%' AND data->>'callId' = ANY($1::text[]) ORDER BY global_position`,
      [commands.map((c) => c.data.callId)],
    );
    return new Map(rows.map((r) => [r.data.callId, { type: r.type, data: r.data } as ToolCallEvent]));
  };
  const statusEvents = async (serverId: string) => (await env.pool.query<{ type: string; data: Record<string, unknown> }>(
    `SELECT type, data FROM ${schemaIdent(schema)}.events WHERE stream_id = $1 ORDER BY stream_version`, [`mcpserver-${tenant}-${serverId}`])).rows;

  beforeAll(async () => {
    env = await createTestEnvironment();
    schema = `${env.schemaPrefix}mcp_bridge`;
    await migrateEventStore(env.pool, schema);
    store = new PostgresEventStore({ schema, source: 'mcp-bridge', catalogue: hiveCatalogue });
    port = await freePort();
    http = await startEverythingHttp(port);
    registry = new McpRegistry({ store, pool: env.pool, schema, stdioCommands: ['node'], healthIntervalMs: 300, healthTimeoutMs: 1_000 });
    await registry.start();
    const caller = new ToolCaller(registry, { retries: 2 });
    ledger = new ToolCallLedger(store, schema, (t, data) => {
      runs++;
      return caller.call(t, data);
    });
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
    await http?.stop();
    await env?.cleanup();
  });

  it('registers servers over stdio and Streamable HTTP, lists their tools and tells same-named tools apart by a prefix', async () => {
    const meta = { correlationId: randomUUID(), causationId: null };
    await inTx((tx) => registry.register(tx, tenant, stdioSpec, meta));
    await inTx((tx) => registry.register(tx, tenant, httpSpec(), meta));
    const [registeredStdio] = await statusEvents('everything_stdio');
    expect(registeredStdio.type).toBe('mcp.server_registered');
    expect(registeredStdio.data).toMatchObject({ serverId: 'everything_stdio', transport: 'stdio', status: 'active' });
    expect(registeredStdio.data['tools']).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    const names = registry.tools(tenant).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['everything_stdio__echo', 'everything_http__echo']));
    expect(registry.tools('other-tenant')).toEqual([]);
  }, 60_000);

  it('refuses a stdio command that is not allowed, before starting anything', async () => {
    const refused = inTx((tx) => registry.register(tx, tenant, { ...stdioSpec, serverId: 'shell', command: '/bin/sh', args: ['-c', 'true'] }, { correlationId: 'c', causationId: null }));
    await expect(refused).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/"sh" is not allowed.*allowed: node/) });
  });

  it('calls a tool over each transport and records the result under the call id', async () => {
    const viaHttp = command({ tool: 'echo', arguments: { message: 'hello http' } });
    const viaStdio = command({ serverId: 'everything_stdio', tool: 'everything_stdio__get-sum', arguments: { a: 2, b: 40 } });
    const events = await call(viaHttp, viaStdio);
    expect(events.get(viaHttp.data.callId)).toMatchObject({ type: 'mcp.tool_call_completed', data: { isError: false, tool: 'echo', result: { content: [{ type: 'text', text: 'Echo: hello http' }] } } });
    expect(JSON.stringify(events.get(viaStdio.data.callId)?.data)).toContain('42');
  }, 30_000);

  it('gives a repeated call with the same idempotency key the stored result without running the tool again', async () => {
    const first = command({ tool: 'echo', arguments: { message: 'once' }, idempotencyKey: `key-${randomUUID()}` });
    await call(first);
    const before = runs;
    const retry = command({ tool: 'echo', arguments: { message: 'twice?' }, idempotencyKey: first.data.idempotencyKey });
    const events = await call(retry, retry); // and a redelivery of the retry in the same batch
    expect(runs).toBe(before);
    expect(events.get(retry.data.callId)).toMatchObject({ type: 'mcp.tool_call_completed', data: { callId: retry.data.callId, result: { content: [{ text: 'Echo: once' }] } } });
    const ledgerRows = await env.pool.query(`SELECT 1 FROM ${schemaIdent(schema)}.events WHERE stream_id = $1`, [ledgerStreamId(tenant, first.data.idempotencyKey)]);
    expect(ledgerRows.rowCount).toBe(2); // one event per call, none for the redelivery
  }, 30_000);

  it('answers bad calls with failures a caller can act on', async () => {
    const unknownTool = command({ tool: 'no-such-tool', arguments: {} });
    const unknownServer = command({ serverId: 'nope', tool: 'echo', arguments: {} });
    const badArgs = command({ tool: 'get-sum', arguments: { a: 'two' } });
    const events = await call(unknownTool, unknownServer, badArgs);
    expect(events.get(unknownTool.data.callId)?.data).toMatchObject({ retriable: false, reason: expect.stringMatching(/unknown tool "no-such-tool".*offers: .*echo/) });
    expect(events.get(unknownServer.data.callId)?.data).toMatchObject({ retriable: false, reason: expect.stringMatching(/"nope" is not registered; registered servers: .*everything_http/) });
    const bad = events.get(badArgs.data.callId);
    // The SDK's server reports invalid arguments either as a protocol error or as a tool error result.
    expect(bad?.type === 'mcp.tool_call_failed' ? bad.data.reason : JSON.stringify(bad?.data)).toMatch(/invalid|expected number/i);
  }, 30_000);

  it('times a slow call out', async () => {
    const slow = command({ tool: 'trigger-long-running-operation', arguments: { duration: 5, steps: 5 }, timeoutMs: 300 });
    const started = Date.now();
    const events = await call(slow);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(events.get(slow.data.callId)?.data).toMatchObject({ reason: 'timed out after 300 ms', retriable: true });
  }, 30_000);

  it('marks a server that dies unreachable, fails its calls fast, and recovers when it returns', async () => {
    await http.stop();
    await waitFor(() => registry.list(tenant).find((e) => e.spec.serverId === 'everything_http')?.status === 'unreachable' || undefined, { timeoutMs: 10_000, description: 'the server to be seen unreachable' });
    await waitFor(async () => (await statusEvents('everything_http')).some((e) => e.type === 'mcp.server_status_changed' && e.data['to'] === 'unreachable') || undefined,
      { timeoutMs: 5_000, description: 'mcp.server_status_changed to unreachable' });
    const down = command({ tool: 'echo', arguments: { message: 'anyone?' } });
    const started = Date.now();
    const events = await call(down);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(events.get(down.data.callId)?.data).toMatchObject({ retriable: true, reason: expect.stringMatching(/"everything_http" is unreachable.*not attempted/) });

    http = await startEverythingHttp(port);
    await waitFor(() => registry.list(tenant).find((e) => e.spec.serverId === 'everything_http')?.status === 'active' || undefined, { timeoutMs: 10_000, description: 'the server to recover' });
    const back = command({ tool: 'echo', arguments: { message: 'back' } });
    expect((await call(back)).get(back.data.callId)).toMatchObject({ type: 'mcp.tool_call_completed', data: { result: { content: [{ text: 'Echo: back' }] } } });
    const changes = (await statusEvents('everything_http')).filter((e) => e.type === 'mcp.server_status_changed').map((e) => e.data['to']);
    expect(changes.slice(-2)).toEqual(['unreachable', 'active']);
  }, 60_000);
});
