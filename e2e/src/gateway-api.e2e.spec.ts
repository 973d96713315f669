import { randomUUID } from 'node:crypto';
import { Topics, type Envelope } from '@hive/contracts';
import { createTestEnvironment, drainTopic, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { FakeOwner } from './gateway/fake-owner';
import { call, startGatewayProcess, token, type ApiResponse, type CallOptions, type GatewayProcess, type Role } from './gateway/gateway-client';
import { startService, startSimulatedAgent, type SimulatedAgentProcess } from './services';

const N8N = { nodes: [{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} }], connections: {} };

describe('gateway REST API through the running stack', () => {
  let env: TestEnvironment;
  let gateway: GatewayProcess;
  let sim: SimulatedAgentProcess;
  const processes: RunningProcess[] = [];
  const owners: FakeOwner[] = [];
  const admin = token('admin', 'acme', 'ada');
  const developer = token('developer', 'acme', 'dev');
  const viewer = token('viewer', 'acme', 'vic');
  const globex = token('admin', 'globex', 'gus');
  const api = <T = Record<string, unknown>>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> => call<T>(gateway.url, method, path, options);

  beforeAll(async () => {
    env = await createTestEnvironment();
    sim = await startSimulatedAgent('acacia', 'deepseek-r1:7b');
    processes.push(sim);
    processes.push(await startService(env, 'coordinator'), await startService(env, 'agent-manager'));
    gateway = await startGatewayProcess(env, { COMMAND_TIMEOUT_MS: '15000' });
    processes.push(gateway);
    // The workflow engine and MCP bridge are built elsewhere: stand-ins answer their commands like they will.
    owners.push(new FakeOwner(env, Topics.workflowEngineCommands.name, 'workflow-engine', (command) => {
      const d = command.data as Record<string, unknown>;
      switch (command.type) {
        case 'ImportWorkflow':
          return { events: [{ type: 'workflow.imported', key: String(d['workflowId']), data: { workflowId: d['workflowId'], name: d['name'], version: 1, n8nData: d['n8nData'], active: false } }] };
        case 'ActivateWorkflow':
          return { events: [{ type: 'workflow.activated', key: String(d['workflowId']), data: { workflowId: d['workflowId'], version: d['version'] ?? 1 } }] };
        case 'StartExecution':
          return { events: [{ type: 'workflow.execution_started', key: String(d['executionId']), data: { executionId: d['executionId'], workflowId: d['workflowId'], workflowVersion: 1, input: d['input'], attempt: 1 } }] };
        case 'CancelExecution':
          return { events: [{ type: 'workflow.execution_cancelled', key: String(d['executionId']), data: { executionId: d['executionId'], workflowId: 'wf-1', reason: d['reason'] } }] };
        case 'RetryExecution':
          return { events: [], reject: { code: 'conflict', reason: 'the execution has not failed' } };
        default:
          return { events: [], reject: { code: 'invalid', reason: `unexpected ${command.type}` } };
      }
    }));
    owners.push(new FakeOwner(env, Topics.mcpBridgeCommands.name, 'mcp-bridge', (command) => {
      const d = command.data as Record<string, unknown>;
      return { events: [{ type: 'mcp.server_registered', key: String(d['serverId']), data: { ...d, status: 'active' } }] };
    }));
    for (const owner of owners) await owner.start();
  }, 180_000);

  afterAll(async () => {
    for (const owner of owners) await owner.stop();
    for (const running of processes) await running.kill('SIGTERM');
    await env.cleanup();
  });

  const commandsOn = async (topic: string): Promise<Envelope[]> =>
    (await drainTopic(env.kafka, env.topicPrefix + topic)).map((m) => JSON.parse(m.value ?? '{}') as Envelope);

  describe('authentication', () => {
    it('refuses a missing, forged or expired token with 401 problem+json', async () => {
      for (const bad of [undefined, `${admin.slice(0, -4)}AAAA`, token('admin', 'acme', 'ada', -10)]) {
        const response = await api('GET', '/api/tasks', { token: bad });
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ status: 401, code: 'unauthenticated' });
      }
    });

    it('logs a local user in, rotates its refresh token once, and revokes the family', async () => {
      expect((await api('POST', '/api/auth/users', { token: admin, body: { username: 'lin', password: 'correct horse battery', roles: ['developer'] } })).status).toBe(201);
      expect((await api('POST', '/api/auth/login', { body: { tenant: 'acme', username: 'lin', password: 'wrong password!!' } })).status).toBe(401);
      const login = await api<{ accessToken: string; refreshToken: string }>('POST', '/api/auth/login', { body: { tenant: 'acme', username: 'lin', password: 'correct horse battery' } });
      expect(login.status).toBe(200);
      const me = await api('GET', '/api/auth/me', { token: login.body.accessToken });
      expect(me.body).toMatchObject({ tenant: 'acme', roles: ['developer'] });
      expect(me.body['permissions']).toContain('tasks.create');
      const refreshed = await api<{ accessToken: string; refreshToken: string }>('POST', '/api/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
      expect(refreshed.status).toBe(200);
      // Reusing a spent refresh token revokes the whole family, the fresh one included.
      expect((await api('POST', '/api/auth/refresh', { body: { refreshToken: login.body.refreshToken } })).status).toBe(401);
      expect((await api('POST', '/api/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } })).status).toBe(401);
      const again = await api<{ accessToken: string; refreshToken: string }>('POST', '/api/auth/login', { body: { tenant: 'acme', username: 'lin', password: 'correct horse battery' } });
      expect((await api('POST', '/api/auth/revoke', { token: again.body.accessToken, body: { refreshToken: again.body.refreshToken } })).status).toBe(204);
      expect((await api('POST', '/api/auth/refresh', { body: { refreshToken: again.body.refreshToken } })).status).toBe(401);
    });

    it('issues API keys limited to their scopes, and revokes them', async () => {
      const created = await api<{ key: string; keyId: string }>('POST', '/api/auth/api-keys', { token: admin, body: { name: 'ci', role: 'developer', scopes: ['tasks.view'] } });
      expect(created.status).toBe(201);
      const key = { 'x-api-key': created.body.key };
      expect((await api('GET', '/api/tasks', { headers: key })).status).toBe(200);
      expect((await api('GET', '/api/agents', { headers: key })).status).toBe(403);
      expect((await api('POST', '/api/auth/api-keys', { token: developer, body: { name: 'x', role: 'viewer', scopes: [] } })).status).toBe(403);
      expect((await api<{ items: unknown[] }>('GET', '/api/auth/api-keys', { token: admin })).body.items).toHaveLength(1);
      expect((await api('DELETE', `/api/auth/api-keys/${created.body.keyId}`, { token: admin })).status).toBe(204);
      expect((await api('GET', '/api/tasks', { headers: key })).status).toBe(401);
    });
  });

  describe('agents', () => {
    it('registers, lists, gets, updates, benchmarks and deregisters an agent, each answer showing the new state', async () => {
      const profile = { agentId: 'acacia', name: 'ACACIA', endpoint: sim.url, model: 'deepseek-r1:7b', provider: 'ollama', capabilities: [{ name: 'devops', proficiency: 0.9 }], maxConcurrent: 2 };
      const registered = await api('POST', '/api/agents', { token: admin, body: profile });
      expect(registered.status).toBe(201);
      expect(registered.headers.get('location')).toBe('/api/agents/acacia');
      expect(registered.body).toMatchObject({ id: 'acacia', name: 'ACACIA', model: 'deepseek-r1:7b' });
      expect((await api<{ items: Array<{ id: string }> }>('GET', '/api/agents', { token: viewer })).body.items.map((a) => a.id)).toEqual(['acacia']);
      await waitFor(async () => ((await api('GET', '/api/agents/acacia', { token: viewer })).body['status'] === 'online' ? true : undefined), { timeoutMs: 30_000, description: 'acacia online' });
      const statuses = await api<{ agents: Array<{ id: string; status: string }> }>('GET', '/api/status/agents', { token: viewer });
      expect(statuses.body.agents).toEqual([expect.objectContaining({ id: 'acacia', status: 'online' })]);
      const updated = await api('PATCH', '/api/agents/acacia', { token: admin, body: { name: 'Acacia (renamed)' } });
      expect(updated).toMatchObject({ status: 200, body: { id: 'acacia', name: 'Acacia (renamed)' } });
      expect((await api('POST', '/api/agents/acacia/benchmark', { token: admin, body: { maxTokens: 16 } })).status).toBe(202);
      const bench = await commandsOn(Topics.agentManagerCommands.name);
      expect(bench.find((c) => c.type === 'BenchmarkAgent')).toMatchObject({ tenant: 'acme', source: 'gateway', data: { agentId: 'acacia', maxTokens: 16 } });

      expect((await api('POST', '/api/agents', { token: admin, body: { ...profile, agentId: 'walnut', name: 'Walnut' } })).status).toBe(201);
      const gone = await api('DELETE', '/api/agents/walnut?reason=retired', { token: admin });
      expect(gone).toMatchObject({ status: 200, body: { id: 'walnut', status: 'deregistered' } });
      expect((await api('GET', '/api/agents/walnut', { token: admin })).status).toBe(404);
    });
  });

  describe('tasks', () => {
    it('creates a task and answers with its state (read-your-writes), then gets and lists it', async () => {
      const created = await api('POST', '/api/tasks', { token: developer, body: { title: 'Review the payment module', prompt: 'Review it', type: 'code_review', priority: 7 } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ title: 'Review the payment module', type: 'code_review', priority: 7 });
      expect(['pending', 'ready', 'assigned', 'running', 'completed']).toContain(created.body['status']);
      const id = String(created.body['id']);
      expect(created.headers.get('location')).toBe(`/api/tasks/${id}`);
      expect((await api('GET', `/api/tasks/${id}`, { token: developer })).body).toMatchObject({ id, title: 'Review the payment module' });
      const command = (await commandsOn(Topics.coordinatorCommands.name)).find((c) => c.type === 'CreateTask' && (c.data as { taskId: string }).taskId === id);
      expect(command).toMatchObject({ source: 'gateway', tenant: 'acme', version: 1, causationId: null, data: { taskId: id, title: 'Review the payment module', priority: 7 } });
      expect(command?.correlationId).toMatch(/^dev\|/);
    });

    it('pages lists with cursors, filtered and sorted', async () => {
      const type = `paging_${randomUUID().slice(0, 8)}`;
      for (const priority of [1, 2, 3, 4, 5]) {
        expect((await api('POST', '/api/tasks', { token: admin, body: { title: `p${priority}`, prompt: 'x', type, priority, requiredCapabilities: [{ name: 'unobtainium' }] } })).status).toBe(201);
      }
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: ApiResponse<{ items: Array<{ priority: number }>; nextCursor: string | null }> = await api('GET', `/api/tasks?type=${type}&sort=priority&order=asc&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((t) => t.priority));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([1, 2, 3, 4, 5]);
      expect((await api('GET', '/api/tasks?cursor=garbage', { token: admin })).status).toBe(400);
    });

    it('assigns a task by hand, cancels it and retries it', async () => {
      const created = await api('POST', '/api/tasks', { token: admin, body: { title: 'manual', prompt: 'x', requiredCapabilities: [{ name: 'unobtainium' }], timeoutMs: 60000 } });
      const id = String(created.body['id']);
      const assigned = await api('PUT', `/api/tasks/${id}/assign`, { token: admin, body: { agentId: 'acacia' } });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({ id, agentId: 'acacia' });
      const cancelled = await api('DELETE', `/api/tasks/${id}?reason=changed%20my%20mind`, { token: admin });
      expect(cancelled).toMatchObject({ status: 200, body: { id, status: 'cancelled', error: 'changed my mind' } });
      const retried = await api('POST', `/api/tasks/${id}/retry`, { token: admin, body: {} });
      expect(retried.status).toBe(200);
      expect(retried.body['status']).not.toBe('cancelled');
      // A domain rejection is a 4xx with the owning service's reason.
      const again = await api('PUT', `/api/tasks/${id}/assign`, { token: admin, body: { agentId: 'nosuchagent' } });
      expect(again.status).toBe(404);
      expect(again.headers.get('content-type')).toMatch(/problem\+json/);
    });

    it('replays an Idempotency-Key: the first outcome again, nothing new sent; another body with the key is refused', async () => {
      const key = randomUUID();
      const body = { title: 'once', prompt: 'x' };
      const first = await api('POST', '/api/tasks', { token: admin, body, headers: { 'idempotency-key': key } });
      const second = await api('POST', '/api/tasks', { token: admin, body, headers: { 'idempotency-key': key } });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body['id']).toBe(first.body['id']);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      const creates = (await commandsOn(Topics.coordinatorCommands.name)).filter((c) => c.type === 'CreateTask' && (c.data as { title: string }).title === 'once');
      expect(creates).toHaveLength(1);
      expect((await api('POST', '/api/tasks', { token: admin, body: { ...body, title: 'twice' }, headers: { 'idempotency-key': key } })).status).toBe(422);
      // Keys are per tenant: the same key in another tenant is a different request.
      expect((await api('POST', '/api/tasks', { token: globex, body, headers: { 'idempotency-key': key } })).status).toBe(201);
    });
  });

  describe('workflows, executions, alerts and MCP servers (gateway side; their owners are stand-ins)', () => {
    it('imports, lists, gets, versions, activates and executes a workflow; lists, gets, cancels and retries executions', async () => {
      const imported = await api('POST', '/api/workflows', { token: developer, body: { id: 'wf-1', name: 'Review flow', n8nData: N8N } });
      expect(imported).toMatchObject({ status: 201, body: { id: 'wf-1', name: 'Review flow', latestVersion: 1, active: false, n8nData: N8N } });
      const sent = owners[0].commands.find((c) => c.type === 'ImportWorkflow');
      expect(sent).toMatchObject({ source: 'gateway', tenant: 'acme', version: 1, data: { workflowId: 'wf-1', name: 'Review flow', n8nData: N8N } });
      expect((await api<{ items: Array<{ id: string }> }>('GET', '/api/workflows', { token: viewer })).body.items.map((w) => w.id)).toEqual(['wf-1']);
      expect((await api('GET', '/api/workflows/wf-1', { token: viewer })).body).toMatchObject({ id: 'wf-1' });
      expect((await api<{ items: Array<{ version: number }> }>('GET', '/api/workflows/wf-1/versions', { token: viewer })).body.items.map((v) => v.version)).toEqual([1]);
      expect(await api('POST', '/api/workflows/wf-1/activate', { token: developer, body: { version: 1 } })).toMatchObject({ status: 200, body: { active: true, activeVersion: 1 } });

      const started = await api('POST', '/api/workflows/wf-1/execute', { token: developer, body: { executionId: 'ex-1', input: { pr: 42 } } });
      expect(started).toMatchObject({ status: 201, body: { id: 'ex-1', workflowId: 'wf-1', status: 'running', input: { pr: 42 } } });
      expect(owners[0].commands.find((c) => c.type === 'StartExecution')).toMatchObject({ data: { executionId: 'ex-1', workflowId: 'wf-1', input: { pr: 42 } } });
      expect((await api<{ items: Array<{ id: string }> }>('GET', '/api/executions?workflowId=wf-1', { token: viewer })).body.items.map((e) => e.id)).toEqual(['ex-1']);
      expect((await api('GET', '/api/executions/ex-1', { token: viewer })).body).toMatchObject({ id: 'ex-1' });
      const retried = await api('POST', '/api/executions/ex-1/retry', { token: developer, body: {} });
      expect(retried).toMatchObject({ status: 409, body: { code: 'conflict', detail: 'the execution has not failed' } });
      expect(await api('POST', '/api/executions/ex-1/cancel', { token: developer, body: { reason: 'stop' } })).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    });

    it('lists alerts from hive.system.events, filtered by severity', async () => {
      const producer = env.kafka.producer();
      await producer.connect();
      const alert = (tenant: string, severity: string) => ({
        key: 'high_cpu', value: JSON.stringify({
          id: randomUUID(), type: 'system.alert', version: 1, source: 'performance-monitor', tenant, occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null,
          data: { alertId: randomUUID(), rule: 'high_cpu', severity, condition: 'cpu_usage > 85', value: 91, message: 'CPU high', state: 'firing' },
        }),
      });
      await producer.send({ topic: env.topicPrefix + Topics.systemEvents.name, messages: [alert('acme', 'critical'), alert('acme', 'warning'), alert('globex', 'critical')] });
      await producer.disconnect();
      const critical = await waitFor(async () => {
        const page = await api<{ items: Array<{ severity: string }> }>('GET', '/api/alerts?severity=critical', { token: viewer });
        return page.body.items.length > 0 ? page.body.items : undefined;
      }, { timeoutMs: 20_000, description: 'the critical alert' });
      expect(critical).toHaveLength(1);
      await waitFor(async () => ((await api<{ items: unknown[] }>('GET', '/api/alerts', { token: viewer })).body.items.length === 2 ? true : undefined), { timeoutMs: 20_000, description: 'both acme alerts' });
      const cluster = await api('GET', '/api/status/cluster', { token: viewer });
      expect(cluster).toMatchObject({ status: 200, body: { status: 'critical', alerts: { firing: 2 } } });
      expect((await api('GET', '/api/metrics/performance?minutes=30', { token: viewer })).body).toMatchObject({ windowMinutes: 30, overall: expect.any(Object) });
    });

    it('registers and lists MCP servers', async () => {
      const body = { serverId: 'code_review', transport: 'streamable-http', endpoint: 'http://127.0.0.1:9/mcp', capabilities: ['code_analysis'], version: '1.2.0' };
      expect(await api('POST', '/api/mcp/servers', { token: admin, body })).toMatchObject({ status: 201, body: { id: 'code_review', status: 'active', version: '1.2.0' } });
      expect(owners[1].commands[0]).toMatchObject({ type: 'RegisterMcpServer', tenant: 'acme', data: body });
      expect((await api<{ items: Array<{ id: string }> }>('GET', '/api/mcp/servers', { token: developer })).body.items.map((s) => s.id)).toEqual(['code_review']);
      expect(await api('GET', '/api/mcp/servers/code_review', { token: developer })).toMatchObject({ status: 200, body: { id: 'code_review', transport: 'streamable-http' } });
      expect((await api('GET', '/api/mcp/servers/code_review', { token: globex })).status).toBe(404);
    });
  });

  describe('rebuilding a read model', () => {
    it('lets only an admin of the platform tenant rebuild one, and the model comes back with its rows', async () => {
      const acmeAdmin = token('admin', 'acme', 'rebuilder');
      const before = await api<{ items: unknown[] }>('GET', '/api/tasks', { token: acmeAdmin });
      expect(before.status).toBe(200);
      const refused = await api('POST', '/api/admin/projections/tasks/rebuild', { token: acmeAdmin });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'forbidden', detail: expect.stringContaining('platform tenant "hive"') });
      const unknown = await api('POST', '/api/admin/projections/no-such-model/rebuild', { token: token('admin', 'hive', 'root') });
      expect(unknown.status).toBe(404);
      const rebuilt = await api<{ projection: string; generation: number }>('POST', '/api/admin/projections/tasks/rebuild', { token: token('admin', 'hive', 'root') });
      expect(rebuilt.status).toBe(202);
      expect(rebuilt.body).toMatchObject({ projection: 'tasks', generation: expect.any(Number), status: 'rebuilding' });
      // Replayed from offset 0: every task the tenant had is listed again.
      await waitFor(async () => ((await api<{ items: unknown[] }>('GET', '/api/tasks', { token: acmeAdmin })).body.items.length >= before.body.items.length) || undefined,
        { timeoutMs: 30_000, description: 'the tasks read model rebuilt' });
    });
  });

  describe('the role matrix', () => {
    // Allowed: the guard lets the request through (then it is a 200, a 400 for the deliberately invalid body, or a 404 for the unknown id).
    // Denied: 403 before anything else happens.
    const routes: Array<[string, string, Record<Role, boolean>]> = [
      ['POST', '/api/tasks', { admin: true, developer: true, viewer: false }],
      ['GET', '/api/tasks', { admin: true, developer: true, viewer: false }],
      ['GET', '/api/tasks/none', { admin: true, developer: true, viewer: false }],
      ['PUT', '/api/tasks/none/assign', { admin: true, developer: false, viewer: false }],
      ['DELETE', '/api/tasks/none', { admin: true, developer: false, viewer: false }],
      ['POST', '/api/tasks/none/retry', { admin: true, developer: false, viewer: false }],
      ['POST', '/api/agents', { admin: true, developer: false, viewer: false }],
      ['GET', '/api/agents', { admin: true, developer: true, viewer: true }],
      ['GET', '/api/agents/none', { admin: true, developer: true, viewer: true }],
      ['PATCH', '/api/agents/none', { admin: true, developer: false, viewer: false }],
      ['DELETE', '/api/agents/none', { admin: true, developer: false, viewer: false }],
      ['POST', '/api/agents/none/benchmark', { admin: true, developer: false, viewer: false }],
      ['GET', '/api/status/agents', { admin: true, developer: true, viewer: true }],
      ['GET', '/api/status/cluster', { admin: true, developer: true, viewer: true }],
      ['GET', '/api/metrics/performance', { admin: true, developer: true, viewer: true }],
      ['POST', '/api/workflows', { admin: true, developer: true, viewer: false }],
      ['GET', '/api/workflows', { admin: true, developer: true, viewer: true }],
      ['GET', '/api/workflows/none', { admin: true, developer: true, viewer: true }],
      ['GET', '/api/workflows/none/versions', { admin: true, developer: true, viewer: true }],
      ['POST', '/api/workflows/none/activate', { admin: true, developer: true, viewer: false }],
      ['POST', '/api/workflows/none/deactivate', { admin: true, developer: true, viewer: false }],
      ['POST', '/api/workflows/none/execute', { admin: true, developer: true, viewer: false }],
      ['GET', '/api/executions', { admin: true, developer: true, viewer: true }],
      ['GET', '/api/executions/none', { admin: true, developer: true, viewer: true }],
      ['POST', '/api/executions/none/cancel', { admin: true, developer: true, viewer: false }],
      ['POST', '/api/executions/none/retry', { admin: true, developer: true, viewer: false }],
      ['GET', '/api/alerts', { admin: true, developer: true, viewer: true }],
      ['GET', '/api/mcp/servers', { admin: true, developer: true, viewer: false }],
      ['POST', '/api/mcp/servers', { admin: true, developer: false, viewer: false }],
      ['POST', '/api/auth/users', { admin: true, developer: false, viewer: false }],
      ['GET', '/api/auth/api-keys', { admin: true, developer: false, viewer: false }],
      ['POST', '/api/auth/api-keys', { admin: true, developer: false, viewer: false }],
      ['DELETE', '/api/auth/api-keys/none', { admin: true, developer: false, viewer: false }],
      ['GET', '/api/mcp/servers/none', { admin: true, developer: true, viewer: false }],
      ['GET', '/api/auth/me', { admin: true, developer: true, viewer: true }],
      ['POST', '/api/auth/revoke', { admin: true, developer: true, viewer: true }],
      ['POST', '/api/admin/projections/none/rebuild', { admin: true, developer: false, viewer: false }],
    ];
    it('covers every route of the OpenAPI document (public login and refresh aside)', async () => {
      const doc = await api<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/openapi.json');
      const documented = Object.entries(doc.body.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, 'none')}`));
      const tested = new Set(routes.map(([method, path]) => `${method} ${path}`));
      expect(documented.filter((route) => !tested.has(route) && !route.startsWith('POST /api/auth/login') && !route.startsWith('POST /api/auth/refresh'))).toEqual([]);
    });

    const cases = routes.flatMap(([method, path, allowed]) => (['admin', 'developer', 'viewer'] as Role[]).map((role) => [method, path, role, allowed[role]] as const));

    it.each(cases)('%s %s as %s: allowed %s', async (method, path, role, allowed) => {
      const hasBody = method !== 'GET' && method !== 'DELETE';
      const response = await api(method, path, { token: token(role, 'acme', `matrix-${role}`), ...(hasBody ? { body: { notAField: true } } : {}) });
      if (allowed) {
        expect([200, 400, 404]).toContain(response.status);
      } else {
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({ code: 'forbidden' });
      }
    });
  });

  describe('tenant isolation', () => {
    it("answers another tenant's resources with 404, lists none of them, and sends no command for them", async () => {
      const mine = await api('POST', '/api/tasks', { token: admin, body: { title: 'acme secret', prompt: 'x', requiredCapabilities: [{ name: 'unobtainium' }] } });
      const id = String(mine.body['id']);
      for (const [method, path, body] of [['GET', `/api/tasks/${id}`], ['DELETE', `/api/tasks/${id}`], ['PUT', `/api/tasks/${id}/assign`, { agentId: 'acacia' }],
        ['POST', `/api/tasks/${id}/retry`, {}], ['GET', '/api/agents/acacia'], ['PATCH', '/api/agents/acacia', { name: 'x' }], ['GET', '/api/workflows/wf-1'],
        ['GET', '/api/executions/ex-1'], ['POST', '/api/executions/ex-1/cancel', {}]] as Array<[string, string, object?]>) {
        const response = await api(method, path, { token: globex, body });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
        expect(JSON.stringify(response.body)).not.toMatch(/acme/);
      }
      const lists = ['/api/tasks', '/api/agents', '/api/workflows', '/api/executions', '/api/mcp/servers'];
      for (const path of lists) {
        const items = (await api<{ items: Array<{ title?: string; id: string }> }>('GET', path, { token: globex })).body.items;
        expect(items.filter((item) => item.title === 'acme secret' || ['acacia', 'wf-1', 'ex-1', 'code_review'].includes(item.id))).toEqual([]);
      }
      const commands = await commandsOn(Topics.coordinatorCommands.name);
      expect(commands.filter((c) => c.tenant === 'globex' && (c.data as { taskId?: string }).taskId === id)).toEqual([]);
    });
  });

  describe('validation', () => {
    const invalid: Array<[string, CallOptions, number, string]> = [
      ['wrong types', { body: { title: 42, prompt: ['x'], priority: 'high' } }, 400, 'validation_failed'],
      ['missing fields', { body: { description: 'no title or prompt' } }, 400, 'validation_failed'],
      ['unknown fields', { body: { title: 'ok', prompt: 'ok', tenant: 'globex' } }, 400, 'validation_failed'],
      ['an oversized field', { body: { title: 'x'.repeat(256), prompt: 'ok' } }, 400, 'validation_failed'],
      ['malformed JSON', { raw: '{"title": "ok", "prompt": ' }, 400, 'malformed_json'],
      ['a body over the size limit', { body: { title: 'ok', prompt: 'x'.repeat(2 * 1024 * 1024) } }, 413, 'payload_too_large'],
      ['a JSON array', { raw: '[1, 2]' }, 400, 'validation_failed'],
    ];

    it.each(invalid)('answers %s with problem+json and sends no command', async (_name, options, status, code) => {
      // Only the gateway's commands: the agent manager reports on running tasks on the same topic meanwhile.
      const fromGateway = async () => (await commandsOn(Topics.coordinatorCommands.name)).filter((c) => c.source === 'gateway').length;
      const before = await fromGateway();
      const response = await api('POST', '/api/tasks', { token: admin, ...options });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//), title: expect.any(String), detail: expect.any(String) });
      expect(await fromGateway()).toBe(before);
    });

    it('names each invalid field', async () => {
      const response = await api<{ errors: Array<{ field: string }> }>('POST', '/api/tasks', { token: admin, body: { title: 42, prompt: 'x', requiredCapabilities: [{ name: '' }], extra: 1 } });
      expect(response.body.errors.map((e) => e.field).sort()).toEqual(['extra', 'requiredCapabilities.0.name', 'title']);
    });
  });

  describe('API description', () => {
    it('serves the generated OpenAPI document and a browsable page', async () => {
      const doc = await api<{ openapi: string; paths: Record<string, object>; components: { schemas: Record<string, { properties?: Record<string, object>; required?: string[] }> } }>('GET', '/api/openapi.json');
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/tasks', '/api/tasks/{id}', '/api/tasks/{id}/assign', '/api/status/cluster', '/api/metrics/performance', '/api/workflows/{id}/execute']));
      // Bodies that are contract classes get their schema from the contracts (the registration protocol).
      expect(Object.keys(doc.body.components.schemas['RegisterAgentDto'].properties ?? {})).toEqual(expect.arrayContaining(['agentId', 'endpoint', 'capabilities', 'maxConcurrent']));
      expect(doc.body.components.schemas['UpdateAgentDto'].properties).not.toHaveProperty('agentId');
      expect(doc.body.components.schemas['CreateTaskDto'].required).toEqual(expect.arrayContaining(['title', 'prompt']));
      const page = await fetch(`${gateway.url}/api/docs`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/api/openapi.json');
    });
  });
});
