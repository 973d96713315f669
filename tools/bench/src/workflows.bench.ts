/**
 * Workflow engine benchmark. Starts the workflow engine and the gateway as
 * their own processes against a fresh topic and schema prefix, imports two
 * n8n workflows and runs them:
 *
 * - webhook -> set -> if -> set through the gateway's POST /webhook/orders
 *   (responseMode lastNode: the answer is the last node's item), closed loop
 *   at concurrency 10 and 50, measured from the HTTP request to its answer;
 * - for comparison, the same workflow started directly on the engine's command
 *   topic, measured from the StartExecution send to workflow.execution_completed
 *   arriving on Kafka (every figure includes the durable append and the outbox relay):
 *   closed loop at concurrency 10 and 50;
 * - the same workflow as a burst (throughput when the engine is saturated);
 * - a 20-node workflow (webhook, 19 Set/IF/Switch/Merge/NoOp nodes), closed loop at concurrency 50.
 */
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Consumer, Producer } from 'kafkajs';
import { HiveHeaders, Topics, type Envelope } from '@hive/contracts';
import { createTestEnvironment, startTsProcess, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { percentile, report } from './bench-report';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15);
const BURST = Number(process.env['BENCH_BURST'] ?? 20_000);
/** The engine's WORKFLOW_EVENT_VALIDATION: `off` by default here, as recommended for production (ADR 0004). */
const VALIDATION = process.env['BENCH_EVENT_VALIDATION'] ?? 'off';
/** Node.js flags for the engine, as its Dockerfile sets them (a larger young generation: fewer scavenges). */
const ENGINE_NODE_OPTIONS = process.env['BENCH_ENGINE_NODE_OPTIONS'] ?? '--max-semi-space-size=32';
/** The gateway signs and verifies tokens with this secret (a fresh one per run). */
const JWT_SECRET = `bench-${randomUUID()}`;

/** An HS256 developer token for the bench tenant, as `npm run token` prints. */
function developerToken(): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'bench', tenant: 'bench', roles: ['developer'], iss: 'hive-gateway', iat: now, exp: now + 3600, jti: randomUUID() })}`;
  return `${head}.${createHmac('sha256', JWT_SECRET).update(head).digest('base64url')}`;
}

/** Calls a webhook the way an n8n user's client would: POST JSON, wait for the workflow's answer. */
class WebhookClient {
  private readonly authorization = `Bearer ${developerToken()}`;
  failed = 0;

  constructor(private readonly base: string) {}

  async call(path: string, amount: number): Promise<number> {
    const response = await fetch(`${this.base}/webhook/${path}`, {
      method: 'POST', headers: { authorization: this.authorization, 'content-type': 'application/json' }, body: JSON.stringify({ amount }),
    });
    const text = await response.text();
    if (response.status !== 200) {
      if (this.failed++ < 5) console.error(`webhook ${path}: ${response.status} ${text.slice(0, 300)}`);
      throw new Error(`webhook answered ${response.status}`);
    }
    return response.status;
  }

  /** Waits until the gateway's webhooks read model serves the path. */
  async ready(path: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await fetch(`${this.base}/webhook/${path}`, { method: 'POST', headers: { authorization: this.authorization, 'content-type': 'application/json' }, body: '{"amount":1}' });
      await response.text();
      if (response.status === 200) return;
      if (Date.now() > deadline) throw new Error(`/webhook/${path} still answers ${response.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async closedLoop(path: string, concurrency: number, seconds: number): Promise<Record<string, number>> {
    const latencies: number[] = [];
    let errors = 0;
    const until = performance.now() + seconds * 1_000;
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
      let i = 0;
      while (performance.now() < until) {
        const t = performance.now();
        try {
          await this.call(path, 50 + ((worker + i++) % 100));
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }));
    const elapsed = (performance.now() - started) / 1_000;
    latencies.sort((x, y) => x - y);
    return { executions: latencies.length, errors, executionsPerSecond: latencies.length / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  }
}

const node = (name: string, type: string, parameters: Record<string, unknown>, x: number, y = 0) =>
  ({ id: randomUUID(), name, type: `n8n-nodes-base.${type}`, typeVersion: type === 'set' ? 3.4 : type === 'if' ? 2.2 : type === 'switch' ? 3.2 : type === 'merge' ? 3 : type === 'webhook' ? 2 : 1, position: [x, y], parameters });
const set = (name: string, field: string, value: string, x: number, y = 0, type = 'string') =>
  node(name, 'set', { assignments: { assignments: [{ id: field, name: field, value, type }] }, includeOtherFields: true, options: {} }, x, y);
const ifNode = (name: string, left: string, right: number, x: number) => node(name, 'if', {
  conditions: { options: { caseSensitive: true, leftValue: '', typeValidation: 'strict' }, combinator: 'and', conditions: [{ id: name, leftValue: left, rightValue: right, operator: { type: 'number', operation: 'gt' } }] }, options: {},
}, x);
const link = (from: string, ...to: Array<string | [string, number]>) => ({ [from]: { main: [to.map((t) => (typeof t === 'string' ? { node: t, type: 'main', index: 0 } : { node: t[0], type: 'main', index: t[1] }))] } });

const webhookFlow = {
  name: 'Order triage', settings: { executionOrder: 'v1' },
  nodes: [
    node('Webhook', 'webhook', { httpMethod: 'POST', path: 'orders', responseMode: 'lastNode', options: {} }, 0),
    set('Normalize', 'amount', '={{ $json.body.amount }}', 200, 0, 'number'),
    ifNode('Big order?', '={{ $json.amount }}', 100, 400),
    set('Priority', 'priority', 'high', 600, -100),
    set('Standard', 'priority', 'normal', 600, 100),
  ],
  connections: { ...link('Webhook', 'Normalize'), ...link('Normalize', 'Big order?'), 'Big order?': { main: [[{ node: 'Priority', type: 'main', index: 0 }], [{ node: 'Standard', type: 'main', index: 0 }]] } },
};

/** 20 nodes: a webhook, then Set chains on two parallel branches through IFs, a Switch and a Merge. */
function twentyNodeFlow() {
  const nodes = [node('Webhook', 'webhook', { httpMethod: 'POST', path: 'twenty', responseMode: 'lastNode', options: {} }, 0)];
  const connections: Record<string, unknown> = {};
  const branch = (prefix: string, y: number) => {
    const names: string[] = [];
    for (let i = 0; i < 7; i++) {
      const name = `${prefix} ${i}`;
      nodes.push(i === 3 ? ifNode(name, '={{ $json.body.amount }}', 1, 200 + i * 200) : set(name, `${prefix}${i}`, `={{ $json.body.amount + ${i} }}`, 200 + i * 200, y, 'number'));
      names.push(name);
    }
    return names;
  };
  const a = branch('A', -200);
  const b = branch('B', 200);
  Object.assign(connections, link('Webhook', a[0], b[0]));
  for (const names of [a, b]) for (let i = 0; i < names.length - 1; i++) Object.assign(connections, link(names[i], names[i + 1]));
  nodes.push(node('Join', 'merge', { mode: 'combine', combineBy: 'combineByPosition', options: {} }, 1800));
  Object.assign(connections, link(a[6], ['Join', 0]), link(b[6], ['Join', 1]));
  nodes.push(node('Route', 'switch', { rules: { values: [{ conditions: { options: { caseSensitive: true, leftValue: '', typeValidation: 'strict' }, combinator: 'and', conditions: [{ id: 'r', leftValue: '={{ $json.A0 }}', rightValue: 0, operator: { type: 'number', operation: 'gt' } }] } }] }, options: { fallbackOutput: 'extra' } }, 2000));
  nodes.push(set('Tag', 'tag', 'routed', 2200), node('Fallback', 'noOp', {}, 2200, 200), node('Finish', 'noOp', {}, 2400));
  Object.assign(connections, link('Join', 'Route'), { Route: { main: [[{ node: 'Tag', type: 'main', index: 0 }], [{ node: 'Fallback', type: 'main', index: 0 }]] } }, link('Tag', 'Finish'));
  if (nodes.length !== 20) throw new Error(`the 20-node workflow has ${nodes.length} nodes`);
  return { name: 'Twenty nodes', settings: { executionOrder: 'v1' }, nodes, connections };
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux; 0 elsewhere). */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${String(pid)}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

class Bench {
  private producer!: Producer;
  private consumer!: Consumer;
  private readonly waiting = new Map<string, { sentAt: number; resolve: (ms: number) => void }>();
  completed = 0;
  lost = 0;
  failed = 0;

  constructor(private readonly env: TestEnvironment) {}

  async start(): Promise<void> {
    this.producer = this.env.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = this.env.kafka.consumer({ groupId: `${this.env.topicPrefix}bench-${randomUUID()}`, maxWaitTimeInMs: 20 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.env.topicPrefix + Topics.executionEvents.name, this.env.topicPrefix + Topics.commandResults.name], fromBeginning: false });
    await this.consumer.run({
      partitionsConsumedConcurrently: 8,
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const m of batch.messages) {
          const type = m.headers?.[HiveHeaders.messageType]?.toString() ?? '';
          if (type === 'command.rejected') console.error(m.value?.toString());
          if (type !== 'workflow.execution_completed' && type !== 'workflow.execution_failed') continue;
          const id = m.key?.toString() ?? '';
          const w = this.waiting.get(id);
          if (!w) continue;
          this.waiting.delete(id);
          if (type === 'workflow.execution_failed') this.failed++;
          this.completed++;
          w.resolve(now - w.sentAt);
        }
      },
    });
    await new Promise((r) => setTimeout(r, 3_000));
  }

  command(type: string, data: unknown): Envelope {
    return { id: randomUUID(), type, version: 1, source: 'bench', tenant: 'bench', occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null, data };
  }

  async send(type: string, key: string, data: unknown): Promise<void> {
    await this.producer.send({ topic: this.env.topicPrefix + Topics.workflowEngineCommands.name, messages: [{ key, value: JSON.stringify(this.command(type, data)) }] });
  }

  /** Starts executions; resolves with each one's latency when its completion arrives. */
  async startMany(workflowId: string, count: number): Promise<Array<Promise<number>>> {
    const ids = Array.from({ length: count }, () => `ex-${randomUUID()}`);
    const done = ids.map((id) => new Promise<number>((resolve) => {
      this.waiting.set(id, { sentAt: performance.now(), resolve });
      // A completion that never arrives is counted as lost rather than hanging the benchmark.
      setTimeout(() => {
        if (this.waiting.delete(id)) {
          this.lost++;
          resolve(Number.NaN);
        }
      }, 60_000).unref();
    }));
    const messages = ids.map((executionId) => ({
      key: executionId,
      value: JSON.stringify(this.command('StartExecution', { executionId, workflowId, triggerNode: 'Webhook', input: { headers: {}, query: {}, body: { id: executionId, amount: 50 + (executionId.charCodeAt(3) % 100) } } })),
    }));
    for (const id of ids) {
      const w = this.waiting.get(id);
      if (w) w.sentAt = performance.now();
    }
    for (let i = 0; i < messages.length; i += 1_000) await this.producer.send({ topic: this.env.topicPrefix + Topics.workflowEngineCommands.name, messages: messages.slice(i, i + 1_000) });
    return done;
  }

  async closedLoop(workflowId: string, concurrency: number, seconds: number): Promise<Record<string, number>> {
    const latencies: number[] = [];
    const until = performance.now() + seconds * 1_000;
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const [done] = await this.startMany(workflowId, 1);
        const ms = await done;
        if (!Number.isNaN(ms)) latencies.push(ms);
      }
    }));
    const elapsed = (performance.now() - started) / 1_000;
    latencies.sort((x, y) => x - y);
    return { executions: latencies.length, executionsPerSecond: latencies.length / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  }

  async burst(workflowId: string, count: number): Promise<Record<string, number>> {
    const started = performance.now();
    const done = await this.startMany(workflowId, count);
    const latencies = (await Promise.all(done)).filter((ms) => !Number.isNaN(ms)).sort((x, y) => x - y);
    const elapsed = (performance.now() - started) / 1_000;
    return { executions: count, executionsPerSecond: count / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}

async function main(): Promise<void> {
  const env = await createTestEnvironment();
  await env.createTopics();
  let engine: RunningProcess | undefined;
  let gateway: RunningProcess | undefined;
  const bench = new Bench(env);
  try {
    engine = startTsProcess(path.resolve(__dirname, '../../../services/workflow-engine/src/main.ts'), env.env({ WORKFLOW_ENGINE_PORT: '0', NODE_ENV: 'production', DATABASE_POOL_SIZE: '20', WORKFLOW_EVENT_VALIDATION: VALIDATION, NODE_OPTIONS: ENGINE_NODE_OPTIONS }));
    const running = engine;
    const logFile = path.resolve(__dirname, '../../../bench-results/workflows-engine.log');
    const dumpLog = setInterval(() => fs.writeFileSync(logFile, running.output()), 5_000);
    dumpLog.unref();
    await engine.waitForOutput('workflow-engine ready', 90_000);
    console.log('engine ready');
    gateway = startTsProcess(path.resolve(__dirname, '../../../services/gateway/src/main.ts'), env.env({
      GATEWAY_PORT: '0', NODE_ENV: 'production', DATABASE_POOL_SIZE: '20', HIVE_JWT_SECRET: JWT_SECRET, WEBHOOK_RATE_LIMIT: '100000000', NODE_OPTIONS: ENGINE_NODE_OPTIONS,
    }));
    await gateway.waitForOutput('gateway ready on', 90_000);
    const base = /gateway ready on (http:\/\/[\d.]+:\d+)/.exec(gateway.output())?.[1];
    if (!base) throw new Error(`no gateway address in:\n${gateway.output().slice(-2000)}`);
    const webhooks = new WebhookClient(base);
    console.log('gateway ready');
    await bench.start();
    await bench.send('ImportWorkflow', 'orders', { workflowId: 'orders', name: 'Order triage', n8nData: webhookFlow, activate: true });
    await bench.send('ImportWorkflow', 'twenty', { workflowId: 'twenty', name: 'Twenty nodes', n8nData: twentyNodeFlow(), activate: true });
    await Promise.all(await bench.startMany('orders', 200)); // warm-up (and proves both imports landed)
    await Promise.all(await bench.startMany('twenty', 50));
    await webhooks.ready('orders');
    for (let i = 0; i < 4; i++) await Promise.all(Array.from({ length: 50 }, () => webhooks.call('orders', 10 + i))); // warm the gateway's paths too
    console.log('warmed up');
    const figures: Record<string, unknown> = {
      startedThrough: "webhookSetIfSet.gateway.*: POST /webhook/orders on the gateway (lastNode); the other phases: StartExecution on hive.workflow-engine.commands",
      eventValidation: VALIDATION, loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
    };
    // The machine is shared: besides wall-clock rates, each phase reports the engine's (and gateway's) own CPU
    // time per execution, and what one core would sustain at that cost (each is one Node.js thread), and the
    // machine's one-minute load average when the phase ended.
    const pid = engine.child.pid;
    const gatewayPid = gateway.child.pid;
    const phase = async (name: string, run: () => Promise<Record<string, number>>) => {
      const cpuBefore = cpuMs(pid);
      const gatewayCpuBefore = cpuMs(gatewayPid);
      const r = await run();
      const perExecution = r['executions'] > 0 ? (cpuMs(pid) - cpuBefore) / r['executions'] : 0;
      const gatewayPerExecution = r['executions'] > 0 ? (cpuMs(gatewayPid) - gatewayCpuBefore) / r['executions'] : 0;
      Object.assign(r, { engineCpuMsPerExecution: perExecution, executionsPerEngineCoreSecond: perExecution > 0 ? 1_000 / perExecution : 0, loadAverage1m: Number(os.loadavg()[0].toFixed(2)) });
      if (name.includes('.gateway.')) Object.assign(r, { gatewayCpuMsPerExecution: gatewayPerExecution });
      for (const [k, v] of Object.entries(r)) figures[`${name}.${k}`] = v;
      console.log(name, JSON.stringify(r));
    };
    for (const concurrency of [10, 50]) await phase(`webhookSetIfSet.gateway.c${concurrency}`, () => webhooks.closedLoop('orders', concurrency, SECONDS));
    for (const concurrency of [10, 50]) await phase(`webhookSetIfSet.c${concurrency}`, () => bench.closedLoop('orders', concurrency, SECONDS));
    await phase('webhookSetIfSet.burst', () => bench.burst('orders', BURST));
    await phase('twentyNodes.c50', () => bench.closedLoop('twenty', 50, SECONDS));
    await phase('twentyNodes.burst', () => bench.burst('twenty', Math.round(BURST / 4)));
    figures['failedExecutions'] = bench.failed;
    figures['lostCompletions'] = bench.lost;
    figures['failedWebhookCalls'] = webhooks.failed;
    report('workflows', figures);
  } finally {
    await bench.stop().catch(() => undefined);
    await gateway?.kill('SIGTERM');
    await engine?.kill('SIGTERM');
    await env.cleanup();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
