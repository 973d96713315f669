import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Producer } from 'kafkajs';
import { hiveCatalogue, Topics, type ClusterSnapshotData, type Envelope, type PerformanceSnapshotData, type SystemAlertData } from '@hive/contracts';
import { createTestEnvironment, drainTopic, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { startService } from './services';

/**
 * The performance monitor as a process: events in on Kafka, points out to a
 * (private) VictoriaMetrics, alerts and snapshots out on Kafka, domain
 * metrics on /metrics.
 */

const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

/** A VictoriaMetrics of this test only, so the shared one on 8428 is never touched. */
async function startVictoriaMetrics(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('/usr/bin/victoria-metrics', [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, '-search.latencyOffset=0s', '-loggerLevel=ERROR'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/health`).then((r) => r.ok, () => false)) || undefined, { timeoutMs: 20_000, description: 'VictoriaMetrics up' });
  return { url, child };
}

type Series = { metric: Record<string, string>; values: number[]; timestamps: number[] };

const RULES = `
alerts:
  high_cpu:
    condition: "cpu_usage > 85"
    severity: warning
    cooldown: 4
  agent_down:
    condition: "agent_available == false"
    severity: critical
    cooldown: 60
`;

describe('performance monitor', () => {
  let env: TestEnvironment;
  let producer: Producer;
  let monitor: RunningProcess;
  let vm: { url: string; child: ChildProcess };
  let metricsUrl: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'hive-monitor-'));
  const rulesFile = path.join(dir, 'alert-rules.yaml');

  beforeAll(async () => {
    env = await createTestEnvironment();
    await env.createTopics();
    vm = await startVictoriaMetrics(path.join(dir, 'vm'));
    writeFileSync(rulesFile, RULES);
    monitor = await startService(env, 'performance-monitor', {
      INFLUX_URL: vm.url, ALERT_RULES_FILE: rulesFile, ALERT_RULES_POLL_MS: '100', MONITOR_INTERVAL_MS: '300',
      METRICS_FLUSH_INTERVAL_MS: '100', TELEMETRY_INTERVAL_MS: '500', SERVICE_STALE_MS: '5000',
    });
    metricsUrl = `${/health on (http:\/\/127\.0\.0\.1:\d+)\/health/.exec(monitor.output())?.[1]}/metrics`;
    producer = env.kafka.producer();
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
    await monitor?.kill('SIGTERM');
    vm?.child.kill('SIGTERM');
    await env?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const publish = async (type: string, data: object, key: string, tenant = 'acme', occurredAt = new Date().toISOString()) => {
    const definition = hiveCatalogue.checkData(type, 1, data);
    const envelope: Envelope = { id: randomUUID(), type, version: 1, source: 'e2e', tenant, occurredAt, correlationId: randomUUID(), causationId: null, data };
    await producer.send({ topic: env.topicPrefix + definition.topic, messages: [{ key, value: JSON.stringify(envelope) }] });
  };
  const health = (cpuUsage: number, available = true) => publish('agent.health_sampled', {
    agentId: 'acacia', timestamp: new Date().toISOString(), responseTimeMs: 12, tokensPerSecond: 18.5, cpuUsage, memoryUsage: 40, gpuUsage: 70, available,
  }, 'acacia');
  const systemEvents = async () => (await drainTopic(env.kafka, env.topicPrefix + Topics.systemEvents.name)).map((m) => JSON.parse(m.value ?? '{}') as Envelope<string, SystemAlertData>);
  const alertsOf = async (rule: string) => (await systemEvents()).filter((e) => e.data.rule === rule).map((e) => e.type);
  const exported = async (selector: string): Promise<Series[]> => {
    await fetch(`${vm.url}/internal/force_flush`);
    const response = await fetch(`${vm.url}/api/v1/export?${new URLSearchParams({ 'match[]': selector, start: '0' })}`);
    return (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Series);
  };

  /** The samples of the series a selector matches, once there are at least `count` (points arrive batch by batch). */
  const samples = (selector: string, count = 1) => waitFor(async () => {
    const values = (await exported(selector)).flatMap((s) => s.values);
    return values.length >= count ? values : undefined;
  }, { timeoutMs: 15_000, description: `${count} sample(s) of ${selector}` });

  const tasks = Array.from({ length: 6 }, () => randomUUID());

  it('turns task and agent events into points with the documented names, tags and values', async () => {
    await publish('agent.registered', {
      agentId: 'acacia', name: 'ACACIA', endpoint: 'http://127.0.0.1:1', model: 'deepseek-r1:7b', provider: 'ollama',
      capabilities: [{ name: 'devops', proficiency: 0.9 }], maxConcurrent: 4,
    }, 'acacia');
    await publish('agent.status_changed', { agentId: 'acacia', from: 'offline', to: 'online', reason: 'health check passed' }, 'acacia');
    await health(40);
    // Events of one series a few milliseconds apart: VictoriaMetrics keeps millisecond timestamps and one sample per timestamp (see METRICS.md).
    const base = Date.now();
    for (const [i, taskId] of tasks.entries()) {
      await publish('task.created', {
        taskId, title: `task ${i}`, type: 'code_review', priority: 5, requiredCapabilities: [], prompt: 'hi', dependsOn: [], timeoutMs: 60_000, maxRetries: 1,
      }, taskId, 'acme', new Date(base + 10 * i).toISOString());
      await publish('task.ready', { taskId }, taskId);
      await publish('task.assigned', { taskId, agentId: 'acacia', attempt: 1, assignedBy: 'scheduler' }, taskId);
      await publish('task.started', { taskId, agentId: 'acacia', attempt: 1, model: 'deepseek-r1:7b' }, taskId);
      if (i < 4) {
        await publish('task.completed', {
          taskId, agentId: 'acacia', attempt: 1, model: 'deepseek-r1:7b', result: 'ok', promptTokens: 10, completionTokens: 100 + i, tokensPerSecond: 20 + i, responseTimeMs: 1000 * (i + 1),
        }, taskId, 'acme', new Date(base + 10 * i + 5).toISOString());
      } else if (i === 4) {
        await publish('task.failed', { taskId, agentId: 'acacia', attempt: 1, reason: 'boom', retriable: false }, taskId);
      }
    }

    const completed = await waitFor(async () => {
      const series = await exported('hive_task_response_time_ms');
      return series.reduce((n, s) => n + s.values.length, 0) >= 4 ? series : undefined;
    }, { timeoutMs: 30_000, description: 'four completed tasks in the metrics store' });
    expect(completed).toHaveLength(1);
    expect(completed[0].metric).toMatchObject({ __name__: 'hive_task_response_time_ms', tenant: 'acme', agent: 'acacia', event: 'completed' });
    expect([...completed[0].values].sort((a, b) => a - b)).toEqual([1000, 2000, 3000, 4000]);
    expect((await samples('hive_task_tokens_per_second{event="completed"}', 4)).sort()).toEqual([20, 21, 22, 23]);
    expect(await samples('hive_task_count{event="created",tenant="acme"}', 6)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await samples('hive_task_count{event="failed",agent="acacia"}')).toEqual([1]);
    expect(await samples('hive_agent_health_cpu_usage{agent="acacia"}')).toContain(40);
    expect(await samples('hive_agent_health_available{agent="acacia"}')).toContain(1);
    expect(await samples('hive_agent_status_status_code{agent="acacia",status="online"}')).toEqual([0]);
    // The monitor's own process sample (service.metrics_sampled via @hive/observability), and the cluster point.
    const own = await waitFor(async () => (await exported('hive_service_memory_rss_bytes{service="performance-monitor"}'))[0], { timeoutMs: 15_000, description: 'the monitor process sample' });
    expect(own.values[0]).toBeGreaterThan(10_000_000);
    const cluster = await waitFor(async () => {
      const series = (await exported('hive_cluster_agents_total'))[0];
      return series?.values.includes(1) ? series : undefined;
    }, { timeoutMs: 10_000, description: 'the cluster point' });
    expect(cluster.metric).toEqual({ __name__: 'hive_cluster_agents_total' });
  }, 60_000);

  it('publishes windowed performance and cluster snapshots for the gateway', async () => {
    const snapshots = async () => (await drainTopic(env.kafka, env.topicPrefix + Topics.monitorTelemetry.name)).map((m) => JSON.parse(m.value ?? '{}') as Envelope);
    const perf = await waitFor(async () => (await snapshots()).reverse().find((e) => e.type === 'metrics.performance_snapshot' && (e.data as PerformanceSnapshotData).tenant === 'acme'
      && (e.data as PerformanceSnapshotData).windows.find((w) => w.window === '5m')?.tasksCompleted === 4), { timeoutMs: 20_000, description: 'a performance snapshot of tenant acme' });
    const data = perf.data as PerformanceSnapshotData;
    expect(data.windows.map((w) => w.window)).toEqual(['1m', '5m', '15m', '1h', '24h']);
    expect(data).toMatchObject({ queueLength: 0, activeTasks: 1 });
    expect(data.windows.find((w) => w.window === '1h')).toMatchObject({
      tasksCreated: 6, tasksCompleted: 4, tasksFailed: 1, successRate: 0.8, errorRate: 0.2, avgResponseTimeMs: 2500, tokensPerSecond: 21.5, completionTokens: 406,
      agents: [{ agentId: 'acacia', tasksCompleted: 4, tasksFailed: 1, avgResponseTimeMs: 2500, tokensPerSecond: 21.5, successRate: 0.8 }],
    });
    const cluster = (await snapshots()).reverse().find((e) => e.type === 'metrics.cluster_snapshot')?.data as ClusterSnapshotData;
    expect(cluster).toMatchObject({ agents: { total: 1, online: 1 }, tasks: { running: 1 } });
    expect(cluster.services).toEqual(expect.arrayContaining([expect.objectContaining({ service: 'performance-monitor', up: true })]));
  }, 40_000);

  it('fires an alert once per cooldown and resolves it when the condition clears', async () => {
    await health(95);
    await waitFor(async () => (await alertsOf('high_cpu')).length === 1 || undefined, { timeoutMs: 15_000, description: 'high_cpu firing' });
    const [fired] = (await systemEvents()).filter((e) => e.type === 'system.alert');
    expect(fired).toMatchObject({ source: 'performance-monitor', data: { rule: 'high_cpu', severity: 'warning', condition: 'cpu_usage > 85', value: 95, subject: 'acacia', state: 'firing' } });
    // Still above the threshold across many evaluations: no second alert.
    await health(97);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await alertsOf('high_cpu')).toEqual(['system.alert']);

    await health(40);
    await waitFor(async () => (await alertsOf('high_cpu')).length === 2 || undefined, { timeoutMs: 15_000, description: 'high_cpu resolved' });
    const resolved = (await systemEvents()).find((e) => e.type === 'system.alert_resolved');
    expect(resolved?.data).toMatchObject({ alertId: fired.data.alertId, rule: 'high_cpu', value: 40, state: 'resolved' });

    // Above again right away: within the 4 s cooldown (counted from the first firing) nothing fires; after it, it fires again.
    await health(96);
    await waitFor(async () => (await alertsOf('high_cpu')).length === 3 || undefined, { timeoutMs: 20_000, description: 'high_cpu firing again after its cooldown' });
    const firings = (await systemEvents()).filter((e) => e.type === 'system.alert' && e.data.rule === 'high_cpu');
    expect(firings).toHaveLength(2);
    expect(Date.parse(firings[1].occurredAt) - Date.parse(firings[0].occurredAt)).toBeGreaterThanOrEqual(4_000);
    expect(firings[1].data.alertId).not.toBe(fired.data.alertId);
    expect(await alertsOf('high_cpu')).toEqual(['system.alert', 'system.alert_resolved', 'system.alert']);
  }, 60_000);

  it('rejects a malformed rules file with a message and keeps the previous rules running', async () => {
    writeFileSync(rulesFile, 'alerts:\n  high_cpu: [condition: "cpu_usage >\n');
    await monitor.waitForOutput(/alert rules file .* rejected: not valid YAML/, 10_000);
    // The previous rules still work: agent_down fires for an unavailable agent.
    await health(40, false);
    await waitFor(async () => (await alertsOf('agent_down')).includes('system.alert') || undefined, { timeoutMs: 15_000, description: 'agent_down firing under the previous rules' });

    // A file with one bad rule: the bad rule is reported, the good one applies.
    writeFileSync(rulesFile, `${RULES}\n  broken:\n    condition: "gpu_temperature > 80"\n    severity: warning\n    cooldown: 60\n`);
    await monitor.waitForOutput(/alert rule "broken" rejected: condition "gpu_temperature > 80": unknown metric "gpu_temperature"/, 10_000);
    await health(40, true);
    await waitFor(async () => (await alertsOf('agent_down')).includes('system.alert_resolved') || undefined, { timeoutMs: 15_000, description: 'agent_down resolved' });
  }, 60_000);

  it('drops a malformed telemetry message (no dead-letter topic) and keeps consuming the partition', async () => {
    await producer.send({ topic: env.topicPrefix + Topics.serviceTelemetry.name, messages: [{ key: 'x/1', partition: 0, value: '{"not":"an envelope"}' }] });
    const data = { service: 'mcp-bridge', instanceId: 'probe-1', timestamp: new Date().toISOString(), cpuUsage: 1, memoryUsage: 1, memoryRssBytes: 5, heapUsedBytes: 1, eventLoopLagMs: 0, uptimeSeconds: 1 };
    const definition = hiveCatalogue.checkData('service.metrics_sampled', 1, data);
    const sample: Envelope = { id: randomUUID(), type: definition.type, version: 1, source: 'e2e', tenant: 'system', occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null, data };
    await producer.send({ topic: env.topicPrefix + definition.topic, messages: [{ key: 'x/1', partition: 0, value: JSON.stringify(sample) }] });
    await waitFor(async () => (await exported('hive_service_memory_rss_bytes{service="mcp-bridge",instance="probe-1"}'))[0]?.values.includes(5) || undefined,
      { timeoutMs: 15_000, description: 'the sample after the malformed message' });
    expect(monitor.output()).toMatch(/dropping .*hive\.service\.telemetry\[0\]@\d+ .*no dead-letter topic/);
  }, 30_000);

  it('exposes the Hive document metrics on /metrics', async () => {
    expect((await fetch(metricsUrl.replace(/metrics$/, 'health'))).status).toBe(200);
    const text = await waitFor(async () => {
      const body = await (await fetch(metricsUrl)).text();
      return /hive_active_agents_total\{service="performance-monitor"\} 1/.test(body) ? body : undefined;
    }, { timeoutMs: 10_000, description: 'hive_active_agents_total = 1' });
    for (const name of ['hive_task_queue_length', 'hive_workflow_executions_total', 'hive_api_request_duration_seconds_bucket', 'hive_execution_success_rate',
      'hive_agent_utilization_percent', 'hive_average_task_completion_time', 'hive_workflows_created_daily', 'hive_container_cpu_usage_percent',
      'hive_container_memory_usage_bytes', 'hive_database_connections_active', 'hive_agent_health_status', 'hive_metrics_points_written_total', 'hive_process_cpu_seconds_total']) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/hive_agent_health_status\{agent_id="acacia",service="performance-monitor"\} 1/);
    expect(text).toMatch(/hive_api_request_duration_seconds_count\{(?=[^}]*method="GET")(?=[^}]*route="\/health")(?=[^}]*status="200")[^}]*\} [1-9]/);
  });
});
