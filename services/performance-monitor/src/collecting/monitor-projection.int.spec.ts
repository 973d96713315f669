import { randomUUID } from 'node:crypto';
import { hiveCatalogue, type Envelope } from '@hive/contracts';
import type { ConsumedMessage } from '@hive/messaging';
import { createTestEnvironment, type TestEnvironment } from '@hive/testing';
import { parseLine } from '../../test/line-protocol.validator';
import { toLineProtocol } from '../metrics-store/line-protocol';
import { METRICS_SCHEMA } from '../metrics-store/metrics-schema';
import { clusterPoint } from '../snapshots/cluster-point';
import { MonitorReader } from '../snapshots/monitor-reader';
import { MonitorProjection } from './monitor-projection';

const T0 = Date.now() - 30_000;
let offset = 0;
const message = (type: string, data: object, tenant = 'acme', at = T0 + offset * 10): ConsumedMessage => {
  const definition = hiveCatalogue.checkData(type, 1, data);
  const envelope: Envelope = { id: randomUUID(), type, version: 1, source: 'test', tenant, occurredAt: new Date(at).toISOString(), correlationId: randomUUID(), causationId: null, data };
  return { topic: definition.topic, partition: 0, offset: String(offset++), key: null, headers: {}, envelope };
};

const taskSpec = (taskId: string) => ({ taskId, title: 't', type: 'code_review', priority: 1, requiredCapabilities: [], prompt: 'p', dependsOn: [], timeoutMs: 60_000, maxRetries: 2 });

describe('MonitorProjection', () => {
  let env: TestEnvironment;
  let projection: MonitorProjection;
  let schema: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    schema = `${env.schemaPrefix}performance_monitor`;
    await env.pool.query(`CREATE SCHEMA "${schema}"`);
    projection = new MonitorProjection(schema);
    await projection.init(env.pool);
  });
  afterAll(async () => env.cleanup());

  const apply = async (messages: ConsumedMessage[]) => {
    const tx = await env.pool.connect();
    try {
      await tx.query('BEGIN');
      await projection.handle(messages, tx);
      await tx.query('COMMIT');
    } finally {
      tx.release();
    }
    return messages.flatMap((m) => [...projection.pointsOf(m)]);
  };

  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  const messages = [
    message('agent.registered', { agentId: 'walnut', name: 'Walnut', endpoint: 'http://127.0.0.1:1', model: 'm', provider: 'ollama', capabilities: [], maxConcurrent: 2 }),
    message('agent.status_changed', { agentId: 'walnut', from: 'offline', to: 'online', reason: 'up' }),
    message('agent.health_sampled', { agentId: 'walnut', timestamp: new Date(T0).toISOString(), responseTimeMs: 5, tokensPerSecond: 30, cpuUsage: 50, memoryUsage: 20, gpuUsage: 90, available: true, loadedModels: ['m'] }),
    message('agent.performance_update', {
      agentId: 'walnut', windowStart: new Date(T0 - 60_000).toISOString(), windowEnd: new Date(T0).toISOString(), tokensPerSecond: 30, responseTimeMs: 900,
      activeTasks: 1, queueLength: 0, tasksCompleted: 3, tasksFailed: 1, successRate: 0.75, errorRate: 0.25, retryCount: 1,
    }),
    message('service.metrics_sampled', {
      service: 'coordinator', instanceId: 'h:1', timestamp: new Date(T0).toISOString(), cpuUsage: 12, memoryUsage: 1, memoryRssBytes: 1e8, heapUsedBytes: 5e7, eventLoopLagMs: 1, uptimeSeconds: 10,
    }),
    ...[a, b, c].flatMap((id) => [message('task.created', taskSpec(id), 'acme'), message('task.ready', { taskId: id })]),
    message('task.assigned', { taskId: a, agentId: 'walnut', attempt: 1, assignedBy: 'scheduler' }),
    message('task.started', { taskId: a, agentId: 'walnut', attempt: 1, model: 'm' }),
    message('task.assigned', { taskId: b, agentId: 'walnut', attempt: 1, assignedBy: 'scheduler' }),
    message('task.started', { taskId: b, agentId: 'walnut', attempt: 1, model: 'm' }),
    message('task.completed', { taskId: a, agentId: 'walnut', attempt: 1, model: 'm', result: 'r', promptTokens: 3, completionTokens: 40, tokensPerSecond: 25, responseTimeMs: 1600 }),
    message('task.failed', { taskId: b, agentId: 'walnut', attempt: 1, reason: 'ECONNRESET', retriable: true }),
    message('task.retry_scheduled', { taskId: b, attempt: 2, notBefore: new Date(T0 + 5_000).toISOString() }),
    message('task.timed_out', { taskId: c, agentId: 'walnut', attempt: 1, timeoutMs: 60_000 }),
    message('workflow.imported', { workflowId: 'wf-1', name: 'W', version: 1, n8nData: { nodes: [], connections: {} }, active: false }),
    message('workflow.execution_started', { executionId: 'ex-1', workflowId: 'wf-1', workflowVersion: 1, input: {}, attempt: 1 }),
    message('workflow.execution_completed', { executionId: 'ex-1', workflowId: 'wf-1', output: [], durationMs: 321 }),
    message('mcp.tool_call_failed', { callId: 'call-1', idempotencyKey: 'k', serverId: 'srv', tool: 'search', reason: 'down', retriable: true }),
  ];

  it('writes only valid line protocol within the documented schema', async () => {
    const points = await apply(messages);
    expect(new Set(points.map((p) => p.measurement))).toEqual(new Set([
      'hive_task', 'hive_agent_health', 'hive_agent_performance', 'hive_agent_status', 'hive_service', 'hive_workflow_execution', 'hive_mcp_tool_call',
    ]));
    for (const point of points) {
      const line = toLineProtocol(point);
      if (line === undefined) throw new Error(`no line for ${JSON.stringify(point)}`);
      const parsed = parseLine(line);
      const schemaOf = METRICS_SCHEMA[parsed.measurement as keyof typeof METRICS_SCHEMA];
      expect(schemaOf).toBeDefined();
      expect(schemaOf.tags).toEqual(expect.arrayContaining(Object.keys(parsed.tags)));
      expect(schemaOf.fields).toEqual(expect.arrayContaining(Object.keys(parsed.fields)));
      for (const value of Object.values(parsed.fields)) expect(typeof value).toBe('number');
    }
    const completed = points.find((p) => p.measurement === 'hive_task' && p.tags['event'] === 'completed');
    expect(completed).toMatchObject({ tags: { tenant: 'acme', agent: 'walnut' }, fields: { count: 1, response_time_ms: 1600, tokens_per_second: 25, completion_tokens: 40 } });
    expect(completed?.fields['completion_time_ms']).toBeGreaterThan(0);
  });

  it('tracks queue length, active tasks and windowed rates from those events', async () => {
    const reading = await new MonitorReader(schema, 60_000).read(env.pool, new Date());
    // a completed; b waiting for its retry; c timed out (failed, not active).
    expect(reading.cluster.tasks).toEqual({ waiting: 1, queued: 0, assigned: 0, running: 0 });
    expect(reading.cluster.agents).toEqual({ total: 1, online: 1, busy: 0, degraded: 0, offline: 0 });
    expect(reading.services).toEqual([expect.objectContaining({ service: 'coordinator', instanceId: 'h:1' })]);
    const hour = reading.performance.windows.find((w) => w.window === '1h');
    expect(hour).toMatchObject({
      tasksCreated: 3, tasksCompleted: 1, tasksFailed: 2, retries: 1, successRate: 0.3333, errorRate: 0.6667, avgResponseTimeMs: 1600,
      workflowExecutionsStarted: 1, workflowExecutionsCompleted: 1, agents: [{ agentId: 'walnut', tasksCompleted: 1, tasksFailed: 2, successRate: 0.3333, avgResponseTimeMs: 1600, tokensPerSecond: 25 }],
    });
    expect(reading.agents[0]).toMatchObject({ agentId: 'walnut', status: 'online', available: true, maxConcurrent: 2, cpuUsage: 50, gpuUsage: 90 });

    // The retry runs: b is queued, assigned, started; the figures follow.
    await apply([message('task.ready', { taskId: b }), message('task.assigned', { taskId: b, agentId: 'walnut', attempt: 2, assignedBy: 'scheduler' }), message('task.started', { taskId: b, agentId: 'walnut', attempt: 2, model: 'm' })]);
    const later = await new MonitorReader(schema, 60_000).read(env.pool, new Date());
    expect(later.cluster.tasks).toEqual({ waiting: 0, queued: 0, assigned: 0, running: 1 });
    expect(later.agents[0]).toMatchObject({ activeTasks: 1, queueLength: 0 });
    expect(later.performanceByTenant.map((p) => p.tenant)).toEqual(['acme']);

    // The cluster point of the same reading stays within the schema too.
    const cluster = parseLine(toLineProtocol(clusterPoint(later, { info: 0, warning: 1, critical: 0 }, 0.2)) ?? '');
    expect([...METRICS_SCHEMA.hive_cluster.fields].sort()).toEqual(Object.keys(cluster.fields).sort());
    expect(cluster.fields).toMatchObject({ tasks_running: 1, agents_total: 1, alerts_firing: 1, monitor_lag_seconds: 0.2 });
  });
});
