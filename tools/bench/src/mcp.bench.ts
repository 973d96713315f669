/**
 * MCP bridge benchmark: tool calls through the bridge (CallMcpTool on Kafka ->
 * bridge -> MCP server over Streamable HTTP -> mcp.tool_call_completed back on
 * Kafka) per second, and the p99 overhead the bridge adds above the MCP
 * server's own latency (end-to-end time minus the call's durationMs, which the
 * bridge measures around the MCP request).
 *
 * Starts what it needs: a minimal MCP server (this file with `serve`, a
 * stateless Streamable HTTP server with one echo tool) and the bridge as a
 * process on a fresh topic/schema prefix.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { HiveHeaders, Topics, type CallMcpToolData, type Envelope, type McpToolCallCompletedData } from '@hive/contracts';
import { createTestEnvironment, startTsProcess, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { percentile, report } from './bench-report';

const TENANT = 'bench';
const BURST = Number(process.env['MCP_BENCH_BURST'] ?? 10_000);
const RATE = Number(process.env['MCP_BENCH_RATE'] ?? 100);
const SECONDS = Number(process.env['MCP_BENCH_SECONDS'] ?? 10);

const SERVER = process.env['MCP_BENCH_SERVER'] ?? 'lean';

/**
 * The lean external MCP server: the Streamable HTTP protocol answered by hand (initialize, ping,
 * tools/list, tools/call, stateless, JSON responses), so the server costs little and the figures
 * are about the bridge. `MCP_BENCH_SERVER=sdk` uses the SDK's McpServer instead.
 */
function serveLean(): void {
  const echo = {
    name: 'echo', description: 'Echoes its input', inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    annotations: { idempotentHint: true, readOnlyHint: true },
  };
  type Rpc = { jsonrpc: '2.0'; id?: string | number; method: string; params?: Record<string, unknown> };
  const answer = (m: Rpc) => {
    switch (m.method) {
      case 'initialize':
        return { protocolVersion: (m.params?.['protocolVersion'] as string | undefined) ?? '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'bench-echo-lean', version: '1.0.0' } };
      case 'ping': return {};
      case 'tools/list': return { tools: [echo] };
      case 'tools/call': return { content: [{ type: 'text', text: String((m.params?.['arguments'] as { message?: unknown } | undefined)?.message ?? '') }] };
      default: return undefined;
    }
  };
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as Rpc | Rpc[];
      const replies = (Array.isArray(parsed) ? parsed : [parsed]).filter((m) => m.id !== undefined).map((m) => {
        const result = answer(m);
        return result === undefined ? { jsonrpc: '2.0', id: m.id, error: { code: -32601, message: `no method ${m.method}` } } : { jsonrpc: '2.0', id: m.id, result };
      });
      if (replies.length === 0) {
        res.writeHead(202).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Array.isArray(parsed) ? replies : replies[0]));
    });
  });
  http.keepAliveTimeout = 60_000;
  http.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${(http.address() as { port: number }).port}/mcp`));
}

/** The SDK's McpServer with one idempotent echo tool over Streamable HTTP, a session per client, JSON responses. */
async function serve(): Promise<void> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => void (async () => {
      const parsed: unknown = body ? JSON.parse(body) : undefined;
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!transport) {
        const server = new McpServer({ name: 'bench-echo', version: '1.0.0' });
        server.registerTool('echo', { description: 'Echoes its input', inputSchema: { message: z.string() }, annotations: { idempotentHint: true, readOnlyHint: true } },
          async ({ message }) => ({ content: [{ type: 'text', text: message }] }));
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(), enableJsonResponse: true, onsessioninitialized: (id: string): void => void sessions.set(id, created),
        });
        created.onclose = () => {
          if (created.sessionId) sessions.delete(created.sessionId);
        };
        await server.connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, parsed);
    })());
  });
  http.keepAliveTimeout = 60_000;
  http.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${(http.address() as { port: number }).port}/mcp`));
}

interface Pending { readonly sentAt: number; resolve: (r: { e2eMs: number; serverMs: number }) => void }

class Bench {
  private producer!: Producer;
  private consumer!: Consumer;
  private readonly pending = new Map<string, Pending>();
  failed = 0;
  registered: Envelope | undefined;

  constructor(private readonly env: TestEnvironment) {}

  async start(): Promise<void> {
    this.producer = this.env.kafka.producer({ idempotent: true });
    await this.producer.connect();
    this.consumer = this.env.kafka.consumer({ groupId: `bench-mcp-${randomUUID()}`, maxWaitTimeInMs: 5, minBytes: 1 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.env.topicPrefix + Topics.mcpEvents.name], fromBeginning: true });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const message of batch.messages) {
          const envelope = JSON.parse(message.value?.toString() ?? '{}') as Envelope;
          if (envelope.type === 'mcp.server_registered' || envelope.type === 'mcp.server_status_changed') this.registered = envelope;
          if (envelope.type !== 'mcp.tool_call_completed' && envelope.type !== 'mcp.tool_call_failed') continue;
          const data = envelope.data as McpToolCallCompletedData;
          const pending = this.pending.get(data.callId);
          if (!pending) continue;
          this.pending.delete(data.callId);
          if (envelope.type === 'mcp.tool_call_failed' || data.isError) this.failed++;
          pending.resolve({ e2eMs: now - pending.sentAt, serverMs: data.durationMs ?? 0 });
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  async command(type: string, key: string, data: unknown): Promise<void> {
    const envelope: Envelope = { id: randomUUID(), type, version: 1, source: 'bench', tenant: TENANT, occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null, data };
    await this.producer.send({ topic: this.env.topicPrefix + Topics.mcpBridgeCommands.name, messages: [{ key, value: JSON.stringify(envelope), headers: { [HiveHeaders.messageType]: type } }] });
  }

  /** Sends `count` calls in batches of one produce request each; resolves with each call's timings. */
  async calls(count: number): Promise<Array<Promise<{ e2eMs: number; serverMs: number }>>> {
    const results: Array<Promise<{ e2eMs: number; serverMs: number }>> = [];
    const messages = [];
    for (let i = 0; i < count; i++) {
      const callId = `bench-${randomUUID()}`;
      const data: CallMcpToolData = { callId, idempotencyKey: callId, serverId: 'echo', tool: 'echo', arguments: { message: `m${i}` }, timeoutMs: 30_000 };
      const envelope: Envelope = { id: randomUUID(), type: 'CallMcpTool', version: 1, source: 'bench', tenant: TENANT, occurredAt: new Date().toISOString(), correlationId: callId, causationId: null, data };
      messages.push({ key: callId, value: JSON.stringify(envelope), headers: { [HiveHeaders.messageType]: 'CallMcpTool' } });
      results.push(new Promise((resolve) => this.pending.set(callId, { sentAt: performance.now(), resolve })));
    }
    await this.producer.send({ topic: this.env.topicPrefix + Topics.mcpBridgeCommands.name, messages });
    return results;
  }

  /** Everything at once: calls/s from the first send to the last result. */
  async burst(count: number) {
    const started = performance.now();
    const chunks: Array<Promise<{ e2eMs: number; serverMs: number }>> = [];
    for (let sent = 0; sent < count; sent += 500) chunks.push(...(await this.calls(Math.min(500, count - sent))));
    const results = await Promise.all(chunks);
    const seconds = (performance.now() - started) / 1000;
    return { calls: count, callsPerSecond: count / seconds, ...stats(results) };
  }

  /** An open-loop rate (calls/s) for `seconds`, in 10 ms ticks: latency without a queue of its own making. */
  async steady(rate: number, seconds: number) {
    const results: Array<Promise<{ e2eMs: number; serverMs: number }>> = [];
    const started = performance.now();
    let sent = 0;
    while (performance.now() - started < seconds * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate) - sent;
      if (due > 0) {
        results.push(...(await this.calls(due)));
        sent += due;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const all = await Promise.all(results);
    return { rate, calls: sent, ...stats(all) };
  }
}

function stats(results: ReadonlyArray<{ e2eMs: number; serverMs: number }>) {
  const e2e = results.map((r) => r.e2eMs).sort((a, b) => a - b);
  const server = results.map((r) => r.serverMs).sort((a, b) => a - b);
  const overhead = results.map((r) => r.e2eMs - r.serverMs).sort((a, b) => a - b);
  return {
    e2eP50Ms: percentile(e2e, 50), e2eP99Ms: percentile(e2e, 99), serverP50Ms: percentile(server, 50), serverP99Ms: percentile(server, 99),
    overheadP50Ms: percentile(overhead, 50), overheadP99Ms: percentile(overhead, 99),
  };
}

/** The server's own latency seen by a direct SDK client (no Kafka, no bridge), for reference. */
async function direct(url: string, count: number, concurrency: number) {
  const client = new Client({ name: 'bench-direct', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      const t = performance.now();
      await client.callTool({ name: 'echo', arguments: { message: 'x' } });
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  latencies.sort((a, b) => a - b);
  return { calls: count, concurrency, callsPerSecond: count / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

async function main(): Promise<void> {
  const env = await createTestEnvironment();
  const server = spawn(process.execPath, ['-r', '@swc-node/register', __filename, 'serve'], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
  let bridge: RunningProcess | undefined;
  const bench = new Bench(env);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (\S+)/.exec(out);
        if (match) resolve(match[1]);
      });
      server.once('exit', (code) => reject(new Error(`MCP server exited (${code})`)));
    });
    console.log(`MCP server on ${url}`);
    const directFigures = await direct(url, 2000, 20);
    bridge = startTsProcess(path.resolve(__dirname, '../../../services/mcp-bridge/src/main.ts'),
      env.env({
        MCP_BRIDGE_PORT: '0', NODE_ENV: 'production', DATABASE_POOL_SIZE: '20', TELEMETRY_INTERVAL_MS: '0',
        // e.g. --cpu-prof --cpu-prof-dir=bench-results/mcp-profile: profile the bridge alone
        ...(process.env['MCP_BENCH_BRIDGE_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['MCP_BENCH_BRIDGE_NODE_OPTIONS'] } : {}),
      }));
    await bridge.waitForOutput('mcp-bridge ready', 90_000);
    console.log('bridge ready');
    await bench.start();
    await bench.command('RegisterMcpServer', 'echo', { serverId: 'echo', transport: 'streamable-http', endpoint: url, capabilities: ['echo'], version: '1.0.0' });
    const deadline = Date.now() + 30_000;
    while (!bench.registered && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!bench.registered) throw new Error('the MCP server was not registered within 30 s');
    await Promise.all(await bench.calls(1000)); // warm-up
    console.log('warmed up');
    const figures: Record<string, unknown> = { loadAverage1mAtStart: os.loadavg()[0], mcpServer: SERVER, path: 'CallMcpTool on Kafka -> bridge -> MCP server (Streamable HTTP, 127.0.0.1) -> mcp.tool_call_completed on Kafka' };
    for (const [k, v] of Object.entries(directFigures)) figures[`directSdkClient.${k}`] = v;
    const burst = await bench.burst(BURST);
    for (const [k, v] of Object.entries(burst)) figures[`burst.${k}`] = v;
    const steady = await bench.steady(RATE, SECONDS);
    for (const [k, v] of Object.entries(steady)) figures[`steady.${k}`] = v;
    figures['failedCalls'] = bench.failed;
    figures['loadAverage1mAtEnd'] = os.loadavg()[0];
    report('mcp', figures);
  } finally {
    await bench.stop().catch(() => undefined);
    await bridge?.kill('SIGTERM');
    server.kill('SIGTERM');
    await env.cleanup();
  }
}

if (process.argv[2] === 'serve') {
  if (SERVER === 'sdk') void serve();
  else serveLean();
}
else {
  main().then(() => process.exit(0), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
