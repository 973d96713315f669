import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SignJWT } from 'jose';
import { Topics, type CallMcpToolData, type RegisterAgentData, type RegisterMcpServerData } from '@hive/contracts';
import { createTestEnvironment, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { HiveKafkaClient } from './hive-client';
import { startService, startSimulatedAgent } from './services';

const repoRoot = path.resolve(__dirname, '../..');
const SECRET = 'e2e-mcp-secret-0123456789-0123456789-abcdef';
const EVERYTHING = path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

const token = (tenant: string, roles: string[], subject = `user-${tenant}`) => new SignJWT({ tenant, roles })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(subject).setIssuer('hive-gateway').setIssuedAt().setExpirationTime('10m')
  .sign(new TextEncoder().encode(SECRET));

const node = (name: string, type: string, parameters: Record<string, unknown>, x: number) =>
  ({ id: randomUUID(), name, type, typeVersion: type.endsWith('code') ? 2 : 1, position: [x, 0], parameters });

/** The parsed JSON a Hive tool answered with; fails the test on a tool error. */
const ok = (result: unknown): Record<string, unknown> => {
  const r = result as CallToolResult;
  const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
  if (r.isError) throw new Error(`tool error: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
};
const errorText = (result: unknown): string => {
  const r = result as CallToolResult;
  expect(r.isError).toBe(true);
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
};

/**
 * Hive's own MCP server, driven by the official SDK client over Streamable
 * HTTP (and the stdio bin), against the bridge, coordinator, agent manager and
 * workflow engine running as processes with a simulated agent.
 */
describe('Hive MCP server (bridge, coordinator, agent manager, workflow engine as processes)', () => {
  let env: TestEnvironment;
  let hive: HiveKafkaClient;
  let url: string;
  let simUrl: string;
  const processes: RunningProcess[] = [];
  const clients: Client[] = [];

  const connect = async (bearer: string | undefined): Promise<Client> => {
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} } }));
    clients.push(client);
    return client;
  };
  let acme: Client;
  let viewer: Client;
  let globex: Client;
  const call = (client: Client, name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args });

  beforeAll(async () => {
    env = await createTestEnvironment();
    hive = new HiveKafkaClient(env);
    await hive.connect();
    const sim = await startSimulatedAgent('juniper', 'llama3.1:8b', { SIM_LATENCY_MS: '20', SIM_TOKENS_PER_SECOND: '0', SIM_RESPONSE_TOKENS: '6', SIM_MAX_CONCURRENT: '0' });
    processes.push(sim);
    simUrl = sim.url;
    processes.push(
      await startService(env, 'agent-manager', { HEALTH_INTERVAL_MS: '1000' }),
      await startService(env, 'coordinator', { SCHEDULER_INTERVAL_MS: '200' }),
      await startService(env, 'workflow-engine', {}),
    );
    const bridge = await startService(env, 'mcp-bridge', { HIVE_JWT_SECRET: SECRET, MCP_STDIO_COMMANDS: 'node', MCP_HEALTH_INTERVAL_MS: '1000' });
    processes.push(bridge);
    url = `${/health on (http:\/\/[^/]+)\/health/.exec(bridge.output())?.[1] ?? ''}/mcp`;
    const registered = await hive.send(hive.envelope('RegisterAgent', 'hive', {
      agentId: 'juniper', name: 'Juniper', endpoint: sim.url, model: 'llama3.1:8b', provider: 'ollama', capabilities: [{ name: 'code_generation', proficiency: 0.9 }], maxConcurrent: 4,
    } satisfies RegisterAgentData), 'juniper');
    expect(await hive.outcome(registered)).toMatchObject({ type: 'command.accepted' });
    acme = await connect(await token('acme', ['admin']));
    viewer = await connect(await token('acme', ['viewer'], 'viewer-1'));
    globex = await connect(await token('globex', ['admin']));
  }, 240_000);

  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await hive?.disconnect();
    for (const running of processes.reverse()) await running.kill('SIGTERM');
    await env?.cleanup();
  });

  it('denies a request without a valid token', async () => {
    const response = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await response.text()).toContain('Authorization: Bearer');
    await expect(connect(undefined)).rejects.toThrow(/401|authentication required/i);
    const forged = await new SignJWT({ tenant: 'acme', roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('hive-gateway').setExpirationTime('5m')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    await expect(connect(forged)).rejects.toThrow(/invalid token|401/i);
  });

  it('lists every tool with a JSON schema, and only the read tools to a viewer', async () => {
    const { tools } = await acme.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'cluster_status', 'coordinate_development', 'create_task', 'create_workflow', 'execute_workflow', 'get_agent', 'get_execution', 'get_metrics', 'get_task',
      'list_agents', 'list_executions', 'list_mcp_tools', 'list_tasks', 'list_workflows', 'register_agent', 'translate_n8n_workflow',
    ]);
    const createTask = tools.find((t) => t.name === 'create_task');
    expect(createTask?.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['title', 'prompt']) });
    const viewerTools = (await viewer.listTools()).tools.map((t) => t.name);
    expect(viewerTools).toEqual(expect.arrayContaining(['list_agents', 'list_workflows', 'cluster_status']));
    expect(viewerTools).not.toContain('create_task');
    expect(viewerTools).not.toContain('register_agent');
  });

  it('registers, lists and gets agents; the shared agent serves every tenant, a tenant\'s own only that tenant', async () => {
    const agent = ok(await call(acme, 'register_agent', {
      agentId: 'acme-coder', name: 'Acme coder', endpoint: simUrl, model: 'llama3.1:8b', provider: 'ollama', capabilities: [{ name: 'testing', proficiency: 0.8 }],
    }));
    expect(agent).toMatchObject({ agentId: 'acme-coder', model: 'llama3.1:8b' });
    const listed = (ok(await call(acme, 'list_agents')).agents as Array<{ agentId: string }>).map((a) => a.agentId);
    expect(listed).toEqual(expect.arrayContaining(['acme-coder', 'juniper']));
    expect(ok(await call(acme, 'get_agent', { agentId: 'juniper' }))).toMatchObject({ agentId: 'juniper', shared: true });
    const globexAgents = (ok(await call(globex, 'list_agents')).agents as Array<{ agentId: string }>).map((a) => a.agentId);
    expect(globexAgents).toContain('juniper');
    expect(globexAgents).not.toContain('acme-coder');
    expect(errorText(await call(globex, 'get_agent', { agentId: 'acme-coder' }))).toMatch(/agent "acme-coder" not found in tenant "globex"; call list_agents/);
  });

  it('creates a task, reports its result, and keeps it from other tenants', async () => {
    const created = ok(await call(acme, 'create_task', { title: 'Write a haiku', prompt: 'Write a haiku about queues', type: 'code_generation' }));
    const taskId = String(created.taskId);
    const done = await waitFor(async () => {
      const task = ok(await call(acme, 'get_task', { taskId }));
      return task.final ? task : undefined;
    }, { timeoutMs: 30_000, intervalMs: 300, description: 'the task to finish' });
    expect(done).toMatchObject({ status: 'completed' });
    expect(['juniper', 'acme-coder']).toContain(done.agentId); // the shared agent or acme's own
    expect(String(done.result).length).toBeGreaterThan(0);
    expect((ok(await call(acme, 'list_tasks', { state: 'finished' })).tasks as Array<{ taskId: string }>).map((t) => t.taskId)).toContain(taskId);
    expect((ok(await call(globex, 'list_tasks')).tasks as unknown[]).length).toBe(0);
    expect(errorText(await call(globex, 'get_task', { taskId }))).toMatch(/not found in tenant "globex"/);
  }, 60_000);

  it('answers bad arguments and domain rejections with tool errors a model can act on', async () => {
    expect(errorText(await call(acme, 'create_task', { title: 'x', prompt: 'y', priority: -1 }))).toMatch(/Input validation error.*priority/s);
    const rejected = errorText(await call(acme, 'create_workflow', { name: 'broken', n8nData: { nodes: 'not a list', connections: {} } }));
    expect(rejected).toMatch(/importing workflow .* was refused \(invalid\): .*; fix the arguments and call again/);
    expect(errorText(await call(acme, 'coordinate_development', { mode: 'mixed', tasks: [{ key: 'a', title: 'a', prompt: 'a', after: ['zzz'] }] })))
      .toMatch(/task "a" waits for "zzz", which is not another task of this call/);
  });

  it('creates, lists and executes workflows and reads their executions', async () => {
    const workflow = ok(await call(acme, 'create_workflow', {
      name: 'doubler',
      n8nData: {
        nodes: [node('Start', 'n8n-nodes-base.manualTrigger', {}, 0), node('Double', 'n8n-nodes-base.code', { jsCode: 'return $input.all().map(i => ({ json: { n: i.json.n * 2 } }));' }, 200)],
        connections: { Start: { main: [[{ node: 'Double', type: 'main', index: 0 }]] } },
        tags: [{ name: 'mcp' }],
      },
    }));
    const workflowId = String(workflow.workflowId);
    expect(workflow).toMatchObject({ name: 'doubler', version: 1 });
    expect((ok(await call(acme, 'list_workflows')).workflows as Array<{ workflowId: string }>).map((w) => w.workflowId)).toContain(workflowId);
    expect(ok(await call(globex, 'list_workflows')).workflows).toEqual([]);
    const execution = ok(await call(acme, 'execute_workflow', { workflowId, input: { n: 21 }, wait: true, waitMs: 20_000 }));
    expect(execution).toMatchObject({ workflowId, status: 'completed', output: [{ n: 42 }] });
    expect(ok(await call(acme, 'get_execution', { executionId: String(execution.executionId) }))).toMatchObject({ status: 'completed' });
    expect((ok(await call(acme, 'list_executions', { workflowId })).executions as unknown[]).length).toBe(1);
    expect(errorText(await call(globex, 'get_execution', { executionId: String(execution.executionId) }))).toMatch(/not found/);
    expect(errorText(await call(acme, 'execute_workflow', { workflowId: 'no-such-workflow' }))).toMatch(/refused \(not_found\)/);
    // Tagged "mcp" in n8n: offered as a tool of its own, to its tenant only.
    const toolName = `workflow__${workflowId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 54)}`;
    expect((await acme.listTools()).tools.map((t) => t.name)).toContain(toolName);
    expect((await globex.listTools()).tools.map((t) => t.name)).not.toContain(toolName);
    expect(ok(await call(acme, toolName, { input: { n: 5 } }))).toMatchObject({ workflowId, status: 'completed', output: [{ n: 10 }] });
  }, 60_000);

  it('coordinates development tasks in sequence and in parallel and returns their results', async () => {
    const sequential = ok(await call(acme, 'coordinate_development', {
      mode: 'sequential', timeoutMs: 40_000,
      tasks: [{ key: 'design', title: 'Design', prompt: 'Design an API' }, { key: 'build', title: 'Build', prompt: 'Build it' }],
    }));
    expect(sequential).toMatchObject({ complete: true, results: [{ key: 'design', status: 'completed' }, { key: 'build', status: 'completed' }] });
    const results = sequential.results as Array<{ taskId: string; result: string }>;
    expect(results.every((r) => r.result.length > 0)).toBe(true);
    const build = ok(await call(acme, 'get_task', { taskId: results[1].taskId }));
    expect(build.dependsOn).toEqual([results[0].taskId]);
    const parallel = ok(await call(acme, 'coordinate_development', {
      mode: 'mixed', timeoutMs: 40_000,
      tasks: [{ key: 'a', title: 'A', prompt: 'a' }, { key: 'b', title: 'B', prompt: 'b' }, { key: 'c', title: 'C', prompt: 'c', after: ['a', 'b'] }],
    }));
    expect((parallel.results as Array<{ status: string }>).map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
  }, 90_000);

  it('reports cluster status and metrics for the caller\'s tenant only', async () => {
    const status = ok(await call(acme, 'cluster_status'));
    expect((status.tasks as Record<string, number>)['completed']).toBeGreaterThanOrEqual(1);
    expect((status.workflows as Record<string, number>)['inactive']).toBe(1);
    const globexStatus = ok(await call(globex, 'cluster_status'));
    expect(globexStatus.tasks).toEqual({});
    const metrics = ok(await call(acme, 'get_metrics', { windowMinutes: 60 }));
    expect(metrics.completed).toBeGreaterThanOrEqual(1);
    expect(metrics.successRate).toBe(1);
  });

  it('serves its resources, including Prometheus text and a capabilities overview', async () => {
    const { resources } = await acme.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual([
      'hive://agents', 'hive://capabilities', 'hive://cluster/status', 'hive://executions/recent', 'hive://metrics', 'hive://tasks/active', 'hive://tasks/completed', 'hive://workflows',
    ]);
    const read = async (uri: string) => {
      const content = (await acme.readResource({ uri })).contents[0];
      return 'text' in content ? String(content.text) : '';
    };
    expect(await read('hive://metrics')).toMatch(/^hive_tasks\{tenant="acme",status="completed"\} \d+$/m);
    expect(JSON.parse(await read('hive://capabilities'))).toMatchObject({ agentCapabilities: { code_generation: 1, testing: 1 }, workflowNodeTypes: expect.arrayContaining(['n8n-nodes-base.code']) });
    expect((JSON.parse(await read('hive://tasks/completed')) as { tasks: unknown[] }).tasks.length).toBeGreaterThanOrEqual(1);
    expect((JSON.parse(await read('hive://executions/recent')) as { executions: unknown[] }).executions.length).toBe(2);
  });

  it('registers an external MCP server from Kafka, lists its prefixed tools, and answers CallMcpTool once per idempotency key', async () => {
    const register = await hive.send(hive.envelope('RegisterMcpServer', 'acme', {
      serverId: 'everything', transport: 'stdio', command: 'node', args: [EVERYTHING, 'stdio'], capabilities: ['testing'], version: '1.0.0',
    } satisfies RegisterMcpServerData), 'everything');
    expect(await hive.outcome(register)).toMatchObject({ type: 'command.accepted', data: { aggregateId: 'everything' } });
    // Registered as soon as the bridge tried to connect; the tools appear once the stdio process answers.
    const tools = await waitFor(async () => {
      const names = (ok(await call(acme, 'list_mcp_tools')).tools as Array<{ name: string }>).map((t) => t.name);
      return names.length > 0 ? names : undefined;
    }, { timeoutMs: 30_000, intervalMs: 300, description: 'the tools of the registered server' });
    expect(tools).toEqual(expect.arrayContaining(['everything__echo', 'everything__get-sum']));
    expect(ok(await call(globex, 'list_mcp_tools')).tools).toEqual([]);

    const callTool = async (callId: string, idempotencyKey: string, message: string) => hive.send(hive.envelope('CallMcpTool', 'acme', {
      callId, idempotencyKey, serverId: 'everything', tool: 'everything__echo', arguments: { message }, timeoutMs: 5_000,
    } satisfies CallMcpToolData), callId);
    await callTool('call-1', 'key-1', 'first');
    await callTool('call-2', 'key-1', 'second');
    const outcomes = await waitFor(async () => {
      const events = (await hive.events(Topics.mcpEvents.name)).filter((e) => e.type === 'mcp.tool_call_completed');
      const byCall = new Map(events.map((e) => [(e.data as { callId: string }).callId, e.data as { result: { content: Array<{ text: string }> } }]));
      return byCall.has('call-1') && byCall.has('call-2') ? byCall : undefined;
    }, { timeoutMs: 20_000, intervalMs: 300, description: 'both tool call outcomes' });
    expect(outcomes.get('call-1')?.result.content[0].text).toBe('Echo: first');
    expect(outcomes.get('call-2')?.result.content[0].text).toBe('Echo: first');
  }, 60_000);

  it('translates n8n nodes into MCP tools', async () => {
    const translated = ok(await call(acme, 'translate_n8n_workflow', {
      n8nData: { nodes: [node('Fetch', 'n8n-nodes-base.httpRequest', { url: 'https://example.com/a', method: 'GET' }, 0), node('Calc', 'n8n-nodes-base.code', { jsCode: 'return items;' }, 200)] },
    }));
    expect((translated.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(['http_request', 'code_execution']);
  });

  it('serves the same tools over stdio through the hive-mcp bin', async () => {
    const client = new Client({ name: 'e2e-stdio', version: '1.0.0' });
    await client.connect(new StdioClientTransport({
      command: process.execPath, args: ['-r', '@swc-node/register', path.join(repoRoot, 'services/mcp-bridge/src/stdio/main.ts'), url],
      env: { PATH: process.env['PATH'] ?? '', HIVE_TOKEN: await token('acme', ['viewer']), TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.base.json') }, cwd: repoRoot, stderr: 'pipe',
    }));
    clients.push(client);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('list_workflows');
    expect((ok(await client.callTool({ name: 'list_workflows', arguments: {} })).workflows as unknown[]).length).toBe(1);
  }, 60_000);
});
