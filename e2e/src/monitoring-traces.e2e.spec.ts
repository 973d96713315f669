import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Topics, type ClusterSnapshotData, type Envelope } from '@hive/contracts';
import { createTestEnvironment, drainTopic, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { call, startGatewayProcess, token, type GatewayProcess } from './gateway/gateway-client';
import { startService, startSimulatedAgent, type SimulatedAgentProcess } from './services';

/**
 * Observability across the services as processes: one trace from an HTTP
 * request through the gateway, Kafka, the agent manager and, across its
 * outbox, the coordinator and the performance monitor (each process writes its
 * finished spans to its own file: an in-memory exporter per process); every
 * service's /metrics and its process samples reaching the monitor.
 */

interface SpanRecord { service: string; traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes: Record<string, unknown> }

const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

const SERVICES = ['agent-manager', 'coordinator', 'performance-monitor'] as const;

describe('observability across services', () => {
  let env: TestEnvironment;
  let gateway: GatewayProcess;
  let sim: SimulatedAgentProcess;
  let vm: ChildProcess;
  const running: Record<string, RunningProcess> = {};
  const dir = mkdtempSync(path.join(tmpdir(), 'hive-traces-'));
  const spansOf = (service: string): SpanRecord[] => {
    const file = path.join(dir, `${service}.jsonl`);
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as SpanRecord) : [];
  };
  const metricsUrl = (service: string) => `${/health on (http:\/\/127\.0\.0\.1:\d+)\/health/.exec(running[service].output())?.[1]}/metrics`;

  beforeAll(async () => {
    env = await createTestEnvironment();
    await env.createTopics();
    const vmPort = await freePort();
    vm = spawn('/usr/bin/victoria-metrics', [`-httpListenAddr=127.0.0.1:${vmPort}`, `-storageDataPath=${path.join(dir, 'vm')}`, '-loggerLevel=ERROR'], { stdio: 'ignore' });
    sim = await startSimulatedAgent('acacia', 'deepseek-r1:7b');
    const common = { TELEMETRY_INTERVAL_MS: '500', MONITOR_INTERVAL_MS: '300', INFLUX_URL: `http://127.0.0.1:${vmPort}` };
    for (const service of SERVICES) running[service] = await startService(env, service, { ...common, HIVE_TRACE_FILE: path.join(dir, `${service}.jsonl`) });
    gateway = await startGatewayProcess(env, { ...common, HIVE_TRACE_FILE: path.join(dir, 'gateway.jsonl') });
  }, 180_000);

  afterAll(async () => {
    await gateway?.kill('SIGTERM');
    for (const service of Object.values(running)) await service.kill('SIGTERM');
    await sim?.kill('SIGTERM');
    vm?.kill('SIGTERM');
    await env?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one trace id from an HTTP request through the gateway, Kafka and three services', async () => {
    const profile = { agentId: 'acacia', name: 'ACACIA', endpoint: sim.url, model: 'deepseek-r1:7b', provider: 'ollama', capabilities: [{ name: 'devops', proficiency: 0.9 }], maxConcurrent: 2 };
    const registered = await call(gateway.url, 'POST', '/api/agents', { token: token('admin', 'acme', 'ada'), body: profile });
    expect(registered.status).toBe(201);

    // The request's server span at the gateway: the root of the trace.
    const request = await waitFor(() => spansOf('gateway').find((s) => s.kind === 1 && s.parentSpanId === undefined && /POST/.test(s.name) && JSON.stringify(s.attributes).includes('/api/agents')), {
      timeoutMs: 10_000, description: 'the gateway span of POST /api/agents',
    });
    const inTrace = (service: string) => spansOf(service).filter((s) => s.traceId === request.traceId);
    // The command reached the agent manager in the request's trace, and the events it appended
    // reached the coordinator and the monitor (across the agent manager's outbox) in the same trace.
    const handled = await waitFor(() => {
      const register = inTrace('agent-manager').find((s) => s.name === 'handle RegisterAgent');
      const atCoordinator = inTrace('coordinator').find((s) => s.name === 'handle agent.registered');
      const atMonitor = inTrace('performance-monitor').find((s) => s.name === 'handle agent.registered');
      return register && atCoordinator && atMonitor ? { register, atCoordinator, atMonitor } : undefined;
    }, { timeoutMs: 30_000, description: `spans of trace ${request.traceId} in the agent manager, coordinator and monitor` });
    // Parent links: the gateway's send span -> the agent manager's handling -> the coordinator's and monitor's handling.
    const sends = inTrace('gateway').filter((s) => s.kind === 3);
    expect(sends.map((s) => s.spanId)).toContain(handled.register.parentSpanId);
    expect(handled.atCoordinator.parentSpanId).toBe(handled.register.spanId);
    expect(handled.atMonitor.parentSpanId).toBe(handled.register.spanId);
    const services = new Set(['gateway', ...SERVICES].filter((service) => inTrace(service).length > 0));
    expect(services.size).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it('follows a task from POST /api/tasks through the scheduler to the provider call on the agent, in one trace', async () => {
    // Runs after the registration above: acacia serves tenant acme.
    const created = await call<{ id: string }>(gateway.url, 'POST', '/api/tasks', {
      token: token('admin', 'acme', 'ada'), body: { title: 'Traced', type: 'general', priority: 5, prompt: 'Say hello.', requiredCapabilities: [] },
    });
    expect(created.status).toBe(201);
    const request = await waitFor(() => spansOf('gateway').find((s) => s.kind === 1 && s.parentSpanId === undefined && /POST/.test(s.name) && JSON.stringify(s.attributes).includes('/api/tasks')), {
      timeoutMs: 10_000, description: 'the gateway span of POST /api/tasks',
    });
    // The assignment is made later by the scheduler, outside the request; it continues the trace that created the task,
    // so the agent manager's run of the task (with the provider call under it) is in the request's trace.
    const run = await waitFor(() => spansOf('agent-manager').find((s) => s.traceId === request.traceId && s.name === 'run task'), {
      timeoutMs: 30_000, description: `the agent manager's run task span in trace ${request.traceId}`,
    });
    expect(run.attributes).toMatchObject({ 'hive.task_id': created.body.id, 'hive.agent_id': 'acacia', 'hive.attempt': 1 });
    const provider = await waitFor(() => spansOf('agent-manager').find((s) => s.parentSpanId === run.spanId && s.name === 'provider generate'), {
      timeoutMs: 10_000, description: 'the provider call under the run',
    });
    expect(provider.attributes).toMatchObject({ 'hive.provider': 'ollama', 'hive.model': 'deepseek-r1:7b', 'hive.completion_tokens': expect.any(Number) });
    expect(spansOf('coordinator').some((s) => s.traceId === request.traceId && s.name === 'handle CreateTask')).toBe(true);
  }, 60_000);

  it('serves the monitor\'s figures through the gateway: cluster services and a tenant\'s performance window', async () => {
    const admin = token('admin', 'acme', 'ada');
    const cluster = await waitFor(async () => {
      const response = await call<{ monitor: { stale: boolean; services: Array<{ service: string; up: boolean }> } }>(gateway.url, 'GET', '/api/status/cluster', { token: admin });
      const services = new Set(response.body.monitor?.services.filter((s) => s.up).map((s) => s.service));
      return !response.body.monitor?.stale && SERVICES.every((service) => services.has(service)) ? response.body : undefined;
    }, { timeoutMs: 30_000, description: 'the cluster snapshot with every service up' });
    expect(cluster.monitor.stale).toBe(false);
    // The earlier test created a task in tenant acme: the monitor's window counts it.
    const performance = await waitFor(async () => {
      const response = await call<{ source: string; stale: boolean; figures: { window: string; tasksCreated: number } | null }>(gateway.url, 'GET', '/api/metrics/performance?window=5m', { token: admin });
      return response.body.figures && response.body.figures.tasksCreated >= 1 ? response.body : undefined;
    }, { timeoutMs: 30_000, description: 'the 5m window of tenant acme with its task' });
    expect(performance).toMatchObject({ source: 'performance-monitor', stale: false, figures: { window: '5m' } });
    const refused = await call(gateway.url, 'GET', '/api/metrics/performance?window=7m', { token: admin });
    expect(refused.status).toBe(400);
  }, 60_000);

  it('serves the shared metrics on /metrics of every service', async () => {
    for (const service of ['gateway', ...SERVICES]) {
      const url = service === 'gateway' ? `${gateway.url}/metrics` : metricsUrl(service);
      await fetch(url.replace(/metrics$/, 'health'));
      const text = await waitFor(async () => {
        const body = await (await fetch(url)).text();
        return /hive_container_memory_usage_bytes\{service="[a-z-]+"\} [1-9]/.test(body) ? body : undefined;
      }, { timeoutMs: 10_000, description: `${service} /metrics with a process sample` });
      for (const name of ['hive_api_request_duration_seconds_bucket', 'hive_api_errors_total', 'hive_container_cpu_usage_percent', 'hive_database_connections_active', 'hive_process_resident_memory_bytes', 'hive_nodejs_eventloop_lag_seconds']) {
        expect(`${service}: ${text.includes(name)}`).toBe(`${service}: true`);
      }
      expect(text).toContain(`service="${service}"`);
    }
    const gatewayText = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(gatewayText).toMatch(/hive_websocket_connections_active\{service="gateway"\} 0/);
    // The POST /api/agents of the first test, by route pattern and status.
    expect(gatewayText).toMatch(/hive_api_request_duration_seconds_count\{(?=[^}]*method="POST")(?=[^}]*route="\/api\/agents")(?=[^}]*status="201")[^}]*\} 1/);
  });

  it('gets every instance\'s process samples to the monitor, which reports them up in the cluster snapshot', async () => {
    const cluster = await waitFor(async () => {
      const snapshots = (await drainTopic(env.kafka, env.topicPrefix + Topics.monitorTelemetry.name)).map((m) => JSON.parse(m.value ?? '{}') as Envelope<string, ClusterSnapshotData>);
      const latest = snapshots.reverse().find((e) => e.type === 'metrics.cluster_snapshot');
      const up = new Set(latest?.data.services.filter((s) => s.up).map((s) => s.service));
      return ['gateway', ...SERVICES].every((service) => up.has(service)) ? latest : undefined;
    }, { timeoutMs: 20_000, description: 'a cluster snapshot with every service up' });
    expect(cluster.data.agents.total).toBe(1);
  }, 30_000);
});
