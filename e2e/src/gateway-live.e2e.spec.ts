import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { Topics } from '@hive/contracts';
import { createTestEnvironment, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { FakeOwner } from './gateway/fake-owner';
import { call, startGatewayProcess, token, WsClient, type GatewayProcess } from './gateway/gateway-client';
import { startService } from './services';

/** Two gateway instances over one deployment: shared rate limits, per-instance live delivery, outcomes on any instance. */
describe('two gateway instances', () => {
  let env: TestEnvironment;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let producer: Producer;
  const processes: RunningProcess[] = [];
  const clients: WsClient[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    processes.push(await startService(env, 'coordinator'));
    // Command timeout above a consumer-group rebalance pause on a loaded machine (kafkajs rebalances stop the group).
    a = await startGatewayProcess(env, { HIVE_INSTANCE_ID: 'gw-a', COMMAND_TIMEOUT_MS: '12000' });
    b = await startGatewayProcess(env, { HIVE_INSTANCE_ID: 'gw-b', COMMAND_TIMEOUT_MS: '12000' });
    processes.push(a, b);
    producer = env.kafka.producer();
    await producer.connect();
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await producer?.disconnect();
    for (const running of processes) await running.kill('SIGTERM');
    await env.cleanup();
  });

  const event = (type: string, tenant: string, data: object, correlationId: string = randomUUID()) => ({
    id: randomUUID(), type, version: 1, source: 'e2e', tenant, occurredAt: new Date().toISOString(), correlationId, causationId: null, data,
  });
  const publish = async (topic: string, key: string, envelopes: object[]) => {
    await producer.send({ topic: env.topicPrefix + topic, messages: envelopes.map((e) => ({ key, value: JSON.stringify(e) })) });
  };

  it("holds the Hive document's rate limit across both instances, with 429 and Retry-After", async () => {
    // api.agents.register allows an admin 10 calls a window; invalid bodies count too (the limit is checked first).
    const admin = token('admin', 'acme', `limited-${randomUUID()}`);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await call(i % 2 === 0 ? a.url : b.url, 'POST', '/api/agents', { token: admin, body: {} })).status);
    expect(statuses).toEqual(Array(10).fill(400));
    for (const gateway of [a, b]) {
      const limited = await call(gateway.url, 'POST', '/api/agents', { token: admin, body: {} });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/problem\+json/);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    }
    // Another user of the same role has its own budget.
    expect((await call(b.url, 'POST', '/api/agents', { token: token('admin', 'acme', `other-${randomUUID()}`), body: {} })).status).toBe(400);
  });

  it('answers commands sent through either instance, whichever instance consumed the outcome', async () => {
    const admin = token('admin', 'acme', 'ada');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      call(i % 2 === 0 ? a.url : b.url, 'POST', '/api/tasks', { token: admin, body: { title: `t${i}`, prompt: 'x' } })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    // Reads on the other instance see the writes too (one shared read model).
    for (const [i, result] of results.entries()) {
      expect((await call(i % 2 === 0 ? b.url : a.url, 'GET', `/api/tasks/${String(result.body['id'])}`, { token: admin })).status).toBe(200);
    }
  });

  it('keeps answering while a third instance joins and the shared consumer groups rebalance', async () => {
    const admin = token('admin', 'acme', 'ada');
    const joining = startGatewayProcess(env, { HIVE_INSTANCE_ID: 'gw-c' });
    const during: Array<Promise<number>> = [];
    const deadline = Date.now() + 8_000;
    while (Date.now() < deadline) {
      during.push(call(a.url, 'POST', '/api/tasks', { token: admin, body: { title: 'during rebalance', prompt: 'x' } }).then((r) => r.status));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const c = await joining;
    processes.push(c);
    const statuses = await Promise.all(during);
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    expect((await call(c.url, 'POST', '/api/tasks', { token: admin, body: { title: 'on the new one', prompt: 'x' } })).status).toBe(201);
  }, 150_000);

  it('answers 504 when the owning service is down, and a retry with the same Idempotency-Key gets the outcome once it is back, sending nothing new', async () => {
    const admin = token('admin', 'acme', 'ada');
    const key = randomUUID();
    const body = { id: 'wf-late', name: 'Late workflow', n8nData: { nodes: [], connections: {} } };
    // No workflow engine runs in this suite yet.
    const first = await call(a.url, 'POST', '/api/workflows', { token: admin, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(504);
    expect(first.body).toMatchObject({ code: 'timeout', detail: expect.stringMatching(/safe/) });
    expect(first.headers.get('retry-after')).toBe('1');
    const engine = new FakeOwner(env, Topics.workflowEngineCommands.name, 'workflow-engine', (command) => {
      const d = command.data as { workflowId: string; name: string; n8nData: object };
      return { events: [{ type: 'workflow.imported', key: d.workflowId, data: { workflowId: d.workflowId, name: d.name, version: 1, n8nData: d.n8nData, active: false } }] };
    });
    await engine.start();
    try {
      const retried = await call(b.url, 'POST', '/api/workflows', { token: admin, body, headers: { 'idempotency-key': key } });
      expect(retried).toMatchObject({ status: 201, body: { id: 'wf-late', name: 'Late workflow' } });
      expect(engine.commands.filter((c) => c.type === 'ImportWorkflow')).toHaveLength(1);
      const replay = await call(a.url, 'POST', '/api/workflows', { token: admin, body, headers: { 'idempotency-key': key } });
      expect(replay).toMatchObject({ status: 201, body: { id: 'wf-late' } });
      expect(engine.commands).toHaveLength(1);
    } finally {
      await engine.stop();
    }
  }, 90_000);

  it('refuses a WebSocket without a valid token', async () => {
    await expect(WsClient.connect(a.url, 'not-a-token')).rejects.toThrow(/401/);
  });

  it('delivers exactly the subscribed topics within the tenant, on every instance', async () => {
    const acmeOnA = await WsClient.connect(a.url, token('viewer', 'acme', 'vic'));
    const acmeOnB = await WsClient.connect(b.url, token('viewer', 'acme', 'val'));
    const globexOnB = await WsClient.connect(b.url, token('viewer', 'globex', 'gil'));
    clients.push(acmeOnA, acmeOnB, globexOnB);
    for (const client of [acmeOnA, acmeOnB, globexOnB]) {
      expect(await client.request('subscribe', 'alerts.critical')).toMatchObject({ type: 'subscribe', topic: 'alerts.critical' });
      expect(await client.request('subscribe', 'agent.acacia')).toMatchObject({ type: 'subscribe', topic: 'agent.acacia' });
    }
    expect(await acmeOnA.request('subscribe', 'user.someone-else')).toMatchObject({ type: 'error', data: { code: 'subscription_refused' } });
    expect(await acmeOnA.request('ping')).toMatchObject({ type: 'pong' });

    const alert = (tenant: string, severity: string, message: string) =>
      event('system.alert', tenant, { alertId: randomUUID(), rule: 'high_cpu', severity, condition: 'cpu > 85', value: 90, message, state: 'firing' });
    await publish(Topics.systemEvents.name, 'high_cpu', [alert('acme', 'critical', 'acme critical'), alert('acme', 'warning', 'acme warning'), alert('globex', 'critical', 'globex critical')]);
    await publish(Topics.agentEvents.name, 'acacia', [event('agent.status_changed', 'acme', { agentId: 'acacia', from: 'offline', to: 'online', reason: 'probe ok' }),
      event('agent.status_changed', 'globex', { agentId: 'walnut', from: 'offline', to: 'online', reason: 'probe ok' })]);

    const summary = (client: WsClient) => client.data().map((m) => `${m.topic}:${String(m.data?.['message'] ?? m.data?.['agentId'])}`).sort();
    for (const client of [acmeOnA, acmeOnB]) {
      await waitFor(async () => (client.data().length >= 2 ? true : undefined), { timeoutMs: 15_000, description: 'two events' });
    }
    await waitFor(async () => (globexOnB.data().length >= 1 ? true : undefined), { timeoutMs: 15_000, description: 'the globex alert' });
    // Late strays would show up here: give them a moment before asserting "exactly".
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(summary(acmeOnA)).toEqual(['agent.acacia:acacia', 'alerts.critical:acme critical']);
    expect(summary(acmeOnB)).toEqual(['agent.acacia:acacia', 'alerts.critical:acme critical']);
    expect(summary(globexOnB)).toEqual(['alerts.critical:globex critical']);
    expect(acmeOnA.data()[0]).toMatchObject({ type: 'data', id: expect.any(String), timestamp: expect.any(String) });

    // Unsubscribed topics stop.
    await acmeOnB.request('unsubscribe', 'alerts.critical');
    await publish(Topics.systemEvents.name, 'high_cpu', [alert('acme', 'critical', 'second')]);
    await waitFor(async () => (acmeOnA.data().length >= 3 ? true : undefined), { timeoutMs: 15_000, description: 'the second alert on A' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(acmeOnB.data()).toHaveLength(2);
  });

  it("pushes a user's own command outcome and its events to user.{id}, from the other instance", async () => {
    const ada = token('admin', 'acme', 'ada-live');
    const listener = await WsClient.connect(b.url, ada);
    clients.push(listener);
    await listener.request('subscribe', 'user.ada-live');
    const created = await call(a.url, 'POST', '/api/tasks', { token: ada, body: { title: 'watched', prompt: 'x' } });
    expect(created.status).toBe(201);
    const events = await waitFor(async () => {
      const seen = listener.data().map((m) => String(m.data?.['event']));
      return seen.includes('command.accepted') && seen.includes('task.created') ? seen : undefined;
    }, { timeoutMs: 15_000, description: 'the outcome and task.created on user.ada-live' });
    expect(events).toEqual(expect.arrayContaining(['command.accepted', 'task.created']));
    expect(listener.data().every((m) => m.topic === 'user.ada-live')).toBe(true);
  });
});
