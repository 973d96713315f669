/**
 * Gateway benchmark: the gateway and the coordinator as their own processes
 * over the real Kafka, PostgreSQL and Redis, loaded from this process.
 *   1. GET /api/tasks/{id} (JWT checked, read model in PostgreSQL): requests/s and latency.
 *   2. POST /api/tasks completed end to end at concurrency 50: the command goes
 *      through Kafka to the coordinator, its outcome comes back, and the
 *      answer carries the task from the gateway's own read model.
 *   3. WebSocket delivery: many subscribers (one execution topic each) and a
 *      steady rate of events published to Kafka; latency from the event's
 *      occurredAt to its arrival at the client.
 * Settings: BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_WS_SUBSCRIBERS, BENCH_WS_RATE, BENCH_WS_SECONDS.
 */
import { createHmac, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Pool as HttpPool } from 'undici';
import WebSocket from 'ws';
import { Topics } from '@hive/contracts';
import { createTestEnvironment, startTsProcess, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { percentile, report } from './bench-report';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 50);
const WS_SUBSCRIBERS = Number(process.env['BENCH_WS_SUBSCRIBERS'] ?? 5_000);
const WS_RATE = Number(process.env['BENCH_WS_RATE'] ?? 500);
const WS_SECONDS = Number(process.env['BENCH_WS_SECONDS'] ?? 20);
/** Which parts to run (comma-separated): get, post, ws. */
const PHASES = new Set((process.env['BENCH_PHASES'] ?? 'get,post,ws').split(','));
const SECRET = `bench-${randomUUID()}`;
const repoRoot = path.resolve(__dirname, '../../..');

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
function token(role: string, tenant: string, sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, tenant, roles: [role], iss: 'hive-gateway', iat: now, exp: now + 3600 })}`;
  return `${head}.${createHmac('sha256', SECRET).update(head).digest('base64url')}`;
}

async function startService(env: TestEnvironment, service: string, extra: Record<string, string>): Promise<RunningProcess> {
  const running = startTsProcess(path.join(repoRoot, 'services', service, 'src/main.ts'), env.env({ NODE_ENV: 'production', ...extra }));
  await running.waitForOutput(`${service} ready`, 90_000);
  return running;
}

interface LoadResult {
  readonly completed: number;
  readonly failed: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly statuses: Record<string, number>;
  /** Median of each Server-Timing step the gateway reported. */
  readonly steps: Record<string, number>;
}

/** `concurrency` loops each sending one request after another for `seconds`. */
async function load(client: HttpPool, seconds: number, concurrency: number, request: () => { method: 'GET' | 'POST'; path: string; body?: string }, expected: number, auth: string): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const steps: Record<string, number[]> = {};
  let failed = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const { method, path: p, body } = request();
      const t0 = performance.now();
      try {
        const response = await client.request({ method, path: p, body, headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) } });
        await response.body.dump();
        const timing = response.headers['server-timing'];
        if (typeof timing === 'string') {
          for (const part of timing.split(',')) {
            const [name, dur] = part.trim().split(';dur=');
            (steps[name] ??= []).push(Number(dur));
          }
        }
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        if (response.statusCode === expected) latencies.push(performance.now() - t0);
        else failed++;
      } catch {
        failed++;
      }
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((x, y) => x - y);
  const medians = Object.fromEntries(Object.entries(steps).map(([name, values]) => [name, percentile(values.sort((x, y) => x - y), 50)]));
  return { completed: latencies.length, failed, perSecond: latencies.length / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), statuses, steps: medians };
}

async function websocketDelivery(env: TestEnvironment, base: string): Promise<Record<string, number>> {
  const viewer = token('viewer', 'acme', 'ws-bench');
  const sockets: WebSocket[] = [];
  const latencies: number[] = [];
  let received = 0;
  console.log(`websocket: connecting ${WS_SUBSCRIBERS} subscribers`);
  for (let i = 0; i < WS_SUBSCRIBERS; i += 250) {
    await Promise.all(Array.from({ length: Math.min(250, WS_SUBSCRIBERS - i) }, (_, j) => new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${viewer}`);
      const topic = `execution.bench-${i + j}`;
      socket.once('error', reject);
      socket.on('message', (raw) => {
        const message = JSON.parse(raw.toString()) as { type: string; timestamp: string };
        if (message.type === 'subscribe') resolve();
        if (message.type === 'data') {
          received++;
          latencies.push(Date.now() - Date.parse(message.timestamp));
        }
      });
      socket.once('open', () => socket.send(JSON.stringify({ id: '1', type: 'subscribe', topic })));
      sockets.push(socket);
    })));
  }
  console.log(`websocket: ${sockets.length} subscribed; publishing ${WS_RATE} events/s for ${WS_SECONDS} s`);
  const producer = env.kafka.producer();
  await producer.connect();
  const topic = env.topicPrefix + Topics.executionEvents.name;
  const total = WS_RATE * WS_SECONDS;
  const tick = 20;
  const perTick = Math.max(1, Math.round((WS_RATE * tick) / 1000));
  let sent = 0;
  const start = Date.now();
  while (sent < total) {
    const messages = Array.from({ length: Math.min(perTick, total - sent) }, () => {
      const executionId = `bench-${sent++ % WS_SUBSCRIBERS}`;
      const envelope = {
        id: randomUUID(), type: 'workflow.node_completed', version: 1, source: 'bench', tenant: 'acme', occurredAt: new Date().toISOString(),
        correlationId: randomUUID(), causationId: null,
        data: { executionId, workflowId: 'wf', nodeName: 'n', nodeType: 'n8n-nodes-base.set', runIndex: 0, outputs: [], progress: 50, durationMs: 1 },
      };
      return { key: executionId, value: JSON.stringify(envelope) };
    });
    await producer.send({ topic, messages });
    const due = start + (sent / WS_RATE) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const publishSeconds = (Date.now() - start) / 1000;
  await waitFor(() => received >= total, { timeoutMs: 30_000, intervalMs: 100, description: 'every event delivered' }).catch(() => undefined);
  await producer.disconnect();
  for (const socket of sockets) socket.terminate();
  latencies.sort((x, y) => x - y);
  return {
    'ws subscribers': sockets.length, 'ws events published': total, 'ws events/s published': total / publishSeconds, 'ws events delivered': received,
    'ws latency p50 ms': percentile(latencies, 50), 'ws latency p99 ms': percentile(latencies, 99), 'ws latency max ms': latencies.at(-1) ?? NaN,
  };
}

async function main(): Promise<void> {
  const env = await createTestEnvironment();
  await env.createTopics();
  const processes: RunningProcess[] = [];
  try {
    processes.push(await startService(env, 'coordinator', { COORDINATOR_PORT: '0' }));
    const gateway = await startService(env, 'gateway', { GATEWAY_PORT: '0', HIVE_JWT_SECRET: SECRET, HIVE_INSTANCE_ID: 'bench', DATABASE_POOL_SIZE: '20' });
    processes.push(gateway);
    const base = /gateway ready on (http:\/\/[\d.]+:\d+)/.exec(gateway.output())?.[1] ?? '';
    const client = new HttpPool(base, { connections: CONCURRENCY, pipelining: 1 });
    const admin = `Bearer ${token('admin', 'acme', 'bench')}`;

    const created = await client.request({ method: 'POST', path: '/api/tasks', body: JSON.stringify({ title: 'bench', prompt: 'x' }), headers: { authorization: admin, 'content-type': 'application/json' } });
    const task = (await created.body.json()) as { id: string };
    if (created.statusCode !== 201) throw new Error(`could not create the task: ${created.statusCode} ${JSON.stringify(task)}`);

    const figures: Record<string, unknown> = { concurrency: CONCURRENCY, seconds: SECONDS };
    if (PHASES.has('get')) {
      console.log(`GET /api/tasks/{id}: ${SECONDS} s at concurrency ${CONCURRENCY}`);
      await load(client, 2, CONCURRENCY, () => ({ method: 'GET', path: `/api/tasks/${task.id}` }), 200, admin);
      const get = await load(client, SECONDS, CONCURRENCY, () => ({ method: 'GET', path: `/api/tasks/${task.id}` }), 200, admin);
      Object.assign(figures, { 'GET /api/tasks/{id} req/s': get.perSecond, 'GET p50 ms': get.p50Ms, 'GET p99 ms': get.p99Ms, 'GET failed': get.failed });
    }
    if (PHASES.has('post')) {
      console.log(`POST /api/tasks: ${SECONDS} s at concurrency ${CONCURRENCY}`);
      let n = 0;
      const post = await load(client, SECONDS, CONCURRENCY, () => ({ method: 'POST', path: '/api/tasks', body: JSON.stringify({ title: `bench ${n++}`, prompt: 'Summarise the design', priority: n % 10 }) }), 201, admin);
      Object.assign(figures, { 'POST /api/tasks completed/s': post.perSecond, 'POST p50 ms': post.p50Ms, 'POST p99 ms': post.p99Ms, 'POST failed': post.failed, 'POST statuses': post.statuses, 'POST median step ms (gateway Server-Timing)': post.steps });
    }
    await client.close();
    if (PHASES.has('ws')) Object.assign(figures, await websocketDelivery(env, base));
    report('gateway', figures);
  } finally {
    for (const running of processes) await running.kill('SIGTERM');
    await env.cleanup();
  }
}

main().then(() => process.exit(0), (error: Error) => {
  console.error(error);
  process.exit(1);
});
