/**
 * Performance monitor benchmark: the monitor runs as its own process (as
 * deployed) against a private VictoriaMetrics, while this process publishes
 * task lifecycle events to Kafka as fast as it can (what the coordinator and
 * agent manager publish for each task: created, ready, assigned, started,
 * completed or failed), plus agent health samples. Reports events/s offered,
 * the monitor's lag behind the stream (monitor-lag.ts) and points/s written.
 *
 *   npm run bench:monitor            BENCH_MONITOR_TASKS (20,000), BENCH_MONITOR_SECONDS (cap, 60),
 *                                    BENCH_MONITOR_RATE (tasks/s; 0 = as fast as possible, the default)
 *
 * The task benchmark can measure the same under its real load by calling
 * startMonitorLagProbe() itself (see monitor-lag.ts).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Message } from 'kafkajs';
import { hiveCatalogue, Topics, type Envelope } from '@hive/contracts';
import { createTestEnvironment, startTsProcess, waitFor } from '@hive/testing';
import { report } from './bench-report';
import { startMonitorLagProbe } from './monitor-lag';

const TASKS = Number(process.env['BENCH_MONITOR_TASKS'] ?? 20_000);
const MAX_SECONDS = Number(process.env['BENCH_MONITOR_SECONDS'] ?? 60);
const AGENTS = ['acacia', 'walnut', 'ironwood'];
const RATE = Number(process.env['BENCH_MONITOR_RATE'] ?? 0);
const BATCH = 500;

const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

function envelope(type: string, data: object, at: number): Envelope {
  hiveCatalogue.checkData(type, 1, data);
  return { id: randomUUID(), type, version: 1, source: 'bench', tenant: 'bench', occurredAt: new Date(at).toISOString(), correlationId: randomUUID(), causationId: null, data };
}

/** The events of one task, as the coordinator and agent manager publish them. */
function taskEvents(n: number, at: number): Array<{ topic: string; key: string; value: Envelope }> {
  const taskId = randomUUID();
  const agentId = AGENTS[n % AGENTS.length];
  const events: Array<[string, object]> = [
    ['task.created', { taskId, title: `bench ${n}`, type: 'code_generation', priority: n % 10, requiredCapabilities: [], prompt: 'p', dependsOn: [], timeoutMs: 60_000, maxRetries: 1 }],
    ['task.ready', { taskId }],
    ['task.assigned', { taskId, agentId, attempt: 1, assignedBy: 'scheduler' }],
    ['task.started', { taskId, agentId, attempt: 1, model: 'bench-model' }],
    n % 20 === 0
      ? ['task.failed', { taskId, agentId, attempt: 1, reason: 'simulated failure', retriable: false }]
      : ['task.completed', { taskId, agentId, attempt: 1, model: 'bench-model', result: 'ok', promptTokens: 20, completionTokens: 200, tokensPerSecond: 20 + (n % 7), responseTimeMs: 800 + (n % 500) }],
  ];
  return events.map(([type, data], i) => ({ topic: Topics.taskEvents.name, key: taskId, value: envelope(type, data, at + i) }));
}

async function main(): Promise<void> {
  const env = await createTestEnvironment();
  await env.createTopics();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hive-bench-vm-'));
  const vmPort = await freePort();
  const vm = spawn('/usr/bin/victoria-metrics', [`-httpListenAddr=127.0.0.1:${vmPort}`, `-storageDataPath=${dataDir}`, '-loggerLevel=ERROR'], { stdio: 'ignore' });
  const monitor = startTsProcess(path.resolve(__dirname, '../../../services/performance-monitor/src/main.ts'), env.env({
    INFLUX_URL: `http://127.0.0.1:${vmPort}`, PERFORMANCE_MONITOR_PORT: '0', NODE_ENV: 'production', MONITOR_INTERVAL_MS: '1000',
  }));
  const producer = env.kafka.producer({ allowAutoTopicCreation: false });
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${vmPort}/health`).then((r) => r.ok, () => false)) || undefined, { timeoutMs: 20_000, description: 'VictoriaMetrics' });
    await monitor.waitForOutput('performance-monitor ready', 90_000);
    const metricsUrl = `${/health on (http:\/\/127\.0\.0\.1:\d+)\/health/.exec(monitor.output())?.[1]}/metrics`;
    await producer.connect();
    const send = (messages: Array<{ topic: string; key: string; value: Envelope }>) => {
      const byTopic = new Map<string, Message[]>();
      for (const m of messages) byTopic.set(env.topicPrefix + m.topic, [...(byTopic.get(env.topicPrefix + m.topic) ?? []), { key: m.key, value: JSON.stringify(m.value) }]);
      return producer.sendBatch({ topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })), acks: -1 });
    };
    const now = Date.now();
    await send(AGENTS.map((agentId) => ({
      topic: Topics.agentEvents.name, key: agentId,
      value: envelope('agent.registered', { agentId, name: agentId, endpoint: 'http://127.0.0.1:1', model: 'bench-model', provider: 'ollama', capabilities: [], maxConcurrent: 8 }, now),
    })));

    const probe = await startMonitorLagProbe({ kafka: env.kafka, pool: env.pool, topicPrefix: env.topicPrefix, schemaPrefix: env.schemaPrefix, metricsUrl });
    console.log(`publishing ${TASKS} tasks (${TASKS * 5} events) ${RATE > 0 ? `at ${RATE} tasks/s` : 'as fast as Kafka takes them'}, at most ${MAX_SECONDS} s`);
    // At a fixed rate, one small batch every 50 ms; otherwise batches of BATCH events back to back.
    const perBatch = RATE > 0 ? Math.max(1, Math.round(RATE / 20)) : BATCH / 5;
    const start = performance.now();
    let sent = 0;
    let events = 0;
    while (sent < TASKS && performance.now() - start < MAX_SECONDS * 1000) {
      const batch: Array<{ topic: string; key: string; value: Envelope }> = [];
      for (let i = 0; i < perBatch && sent < TASKS; i++) batch.push(...taskEvents(sent++, Date.now()));
      if (sent % 1_000 < perBatch) {
        batch.push(...AGENTS.map((agentId) => ({
          topic: Topics.agentTelemetry.name, key: agentId,
          value: envelope('agent.health_sampled', { agentId, timestamp: new Date().toISOString(), responseTimeMs: 5, tokensPerSecond: 20, cpuUsage: 50, memoryUsage: 30, gpuUsage: 60, available: true }, Date.now()),
        })));
      }
      events += batch.length;
      await send(batch);
      if (RATE > 0) {
        const due = start + (sent / RATE) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    const publishSeconds = (performance.now() - start) / 1000;
    const caughtUp = await probe.caughtUp(120_000);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // the writer's last flush
    const lag = await probe.stop();
    report('monitor', {
      tasks: sent,
      offeredRateTasksPerSecond: RATE > 0 ? RATE : 'max',
      eventsPublished: events,
      publishSeconds,
      eventsPerSecondOffered: events / publishSeconds,
      caughtUp,
      monitorLagP50Ms: lag.lagP50Ms,
      monitorLagP95Ms: lag.lagP95Ms,
      monitorLagP99Ms: lag.lagP99Ms,
      monitorLagMaxMs: lag.lagMaxMs,
      batchesMeasured: lag.batchesMeasured,
      pointsWritten: lag.pointsWritten,
      pointsPerSecond: lag.pointsPerSecond,
      targetLagMs: 1_000,
      // Transactions the monitor had to retry (deadlocks, lost connections): each costs a backoff.
      monitorBatchRetries: (monitor.output().match(/infrastructure unavailable/g) ?? []).length,
    });
  } finally {
    await producer.disconnect().catch(() => undefined);
    await monitor.kill('SIGTERM');
    vm.kill('SIGTERM');
    await env.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
