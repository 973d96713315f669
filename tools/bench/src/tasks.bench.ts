/**
 * Tasks benchmark, in the deployed shape: the agent manager, the coordinator
 * and simulated agents run as their own processes on the real Kafka and
 * PostgreSQL; this process is the client (commands on Kafka, events read back
 * from the topics, as any event consumer would).
 *
 * 1. Throughput: tasks/s through the whole lifecycle (created, assigned,
 *    started, completed, and visible to a consumer) with zero-latency agents.
 * 2. Latency: create-to-assigned at a fixed rate, one task per command.
 * 3. Health: 1,000 registered agents probed every 10 s by one agent manager,
 *    and how soon a real status change (an agent dying) becomes visible.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Consumer, Producer } from 'kafkajs';
import { hiveCatalogue, Topics, type CreateTaskData, type Envelope, type RegisterAgentData } from '@hive/contracts';
import { createTestEnvironment, startTsProcess, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { percentile, report } from './bench-report';

const THROUGHPUT_TASKS = Number(process.env['BENCH_TASKS'] ?? 5_000);
const BATCH = Number(process.env['BENCH_TASK_BATCH'] ?? 250);
const LATENCY_RATE = Number(process.env['BENCH_LATENCY_RATE'] ?? 200);
const LATENCY_SECONDS = Number(process.env['BENCH_LATENCY_SECONDS'] ?? 15);
const FLEET = Number(process.env['BENCH_AGENTS'] ?? 1_000);
const PROBE_INTERVAL_MS = Number(process.env['BENCH_PROBE_INTERVAL_MS'] ?? 10_000);
const SIM_AGENTS = 3;
const AGENT_CAPACITY = Number(process.env['BENCH_AGENT_CAPACITY'] ?? 1_000);

const root = path.resolve(__dirname, '../../..');
const serviceEntry = (name: string) => path.join(root, `services/${name}/src/main.ts`);
/** BENCH_PROFILE=agent-manager,coordinator writes V8 CPU profiles of those services to bench-results/profiles/<name>.cpuprofile. */
const profiled = new Set((process.env['BENCH_PROFILE'] ?? '').split(',').filter(Boolean));
const profile = (name: string): Record<string, string> => profiled.has(name)
  ? { NODE_OPTIONS: `--require ${path.join(root, 'tools/bench/profiling/cpu-profile.preload.cjs')}`, HIVE_CPU_PROFILE: path.join(root, `bench-results/profiles/${name}.cpuprofile`) }
  : {};

interface TaskTimes {
  sent?: number;
  /** occurredAt of each lifecycle event, by type. */
  at?: Record<string, number>;
  /** When the relay published each lifecycle event or report (the Kafka record's timestamp), by type. */
  published?: Record<string, number>;
  assignedAt?: number;
  assignedSeen?: number;
  completedSeen?: number;
}

/** The client side: sends commands, follows the task, agent and result topics, and keeps when it saw what. */
class Client {
  private producer!: Producer;
  private consumer!: Consumer;
  readonly tasks = new Map<string, TaskTimes>();
  readonly outcomes = new Map<string, Envelope>();
  readonly statusSeen: Array<{ agentId: string; to: string; occurredAt: number; seen: number }> = [];
  healthSamples = 0;
  completed = 0;

  constructor(private readonly env: TestEnvironment) {}

  async start(): Promise<void> {
    this.producer = this.env.kafka.producer({ allowAutoTopicCreation: false });
    this.consumer = this.env.kafka.consumer({ groupId: `bench-tasks-${randomUUID()}`, maxWaitTimeInMs: 10, minBytes: 1 });
    await Promise.all([this.producer.connect(), this.consumer.connect()]);
    const topics = [Topics.taskEvents, Topics.commandResults, Topics.agentEvents, Topics.agentTelemetry, Topics.coordinatorCommands].map((t) => this.env.topicPrefix + t.name);
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: 8,
      eachBatch: async ({ batch }) => {
        const seen = Date.now();
        for (const message of batch.messages) {
          const envelope = JSON.parse(message.value?.toString() ?? '{}') as Envelope<string, Record<string, unknown>>;
          if (batch.topic.endsWith(Topics.taskEvents.name)) this.onTaskEvent(envelope, seen, Number(message.timestamp));
          else if (batch.topic.endsWith(Topics.coordinatorCommands.name)) this.onTaskEvent(envelope, seen, Number(message.timestamp));
          else if (batch.topic.endsWith(Topics.commandResults.name)) this.outcomes.set(envelope.data['commandId'] as string, envelope);
          else if (batch.topic.endsWith(Topics.agentTelemetry.name)) this.healthSamples++;
          else if (envelope.type === 'agent.status_changed') {
            this.statusSeen.push({ agentId: envelope.data['agentId'] as string, to: envelope.data['to'] as string, occurredAt: Date.parse(envelope.occurredAt), seen });
          }
        }
      },
    });
  }

  private onTaskEvent(envelope: Envelope<string, Record<string, unknown>>, seen: number, published: number): void {
    const times = this.tasks.get(envelope.data['taskId'] as string);
    if (!times) return;
    (times.at ??= {})[envelope.type] ??= Date.parse(envelope.occurredAt);
    (times.published ??= {})[envelope.type] ??= published;
    if (envelope.type === 'task.assigned' && times.assignedSeen === undefined) {
      times.assignedAt = Date.parse(envelope.occurredAt);
      times.assignedSeen = seen;
    } else if (envelope.type === 'task.completed' && times.completedSeen === undefined) {
      times.completedSeen = seen;
      this.completed++;
    }
  }

  envelope<T>(type: string, tenant: string, data: T): Envelope<string, T> {
    return { id: randomUUID(), type, version: 1, source: 'bench', tenant, occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null, data };
  }

  async send(commands: ReadonlyArray<{ envelope: Envelope; key: string }>): Promise<void> {
    const topic = this.env.topicPrefix + (hiveCatalogue.find(commands[0].envelope.type, 1)?.topic ?? '');
    await this.producer.send({ topic, messages: commands.map(({ envelope, key }) => ({ key, value: JSON.stringify(envelope) })) });
  }

  async createTasks(count: number, tag: string): Promise<string[]> {
    const commands = Array.from({ length: count }, (_, i) => {
      const data: CreateTaskData = {
        taskId: `${tag}-${randomUUID().slice(0, 13)}`, title: `bench ${tag} ${i}`, type: 'general', priority: i % 10,
        requiredCapabilities: [{ name: 'general' }], prompt: 'Say hello.', dependsOn: [], timeoutMs: 60_000, maxRetries: 2,
      };
      return { envelope: this.envelope('CreateTask', i % 2 === 0 ? 'acme' : 'globex', data) as Envelope, key: data.taskId };
    });
    const sent = Date.now();
    for (const { key } of commands) this.tasks.set(key, { sent });
    await this.send(commands);
    return commands.map(({ key }) => key);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect()]);
  }
}

const startSim = async (name: string, model: string, settings: Record<string, string>): Promise<RunningProcess & { url: string }> => {
  const sim = startTsProcess(path.join(root, 'tools/simulated-agent/src/main.ts'), { ...process.env, SIM_NAME: name, SIM_MODELS: model, SIM_PORT: '0', ...settings });
  await sim.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+/, 30_000);
  return Object.assign(sim, { url: /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(sim.output())?.[1] ?? '' });
};

async function main(): Promise<void> {
  const env = await createTestEnvironment();
  await env.createTopics();
  const processes: RunningProcess[] = [];
  const client = new Client(env);
  const figures: Record<string, unknown> = {};
  try {
    const agentManager = startTsProcess(serviceEntry('agent-manager'), env.env({ NODE_ENV: 'production', HEALTH_INTERVAL_MS: String(PROBE_INTERVAL_MS), AGENT_MANAGER_PORT: '0', MAX_RUNNING_TASKS: String(SIM_AGENTS * AGENT_CAPACITY), ...profile('agent-manager') }));
    const coordinator = startTsProcess(serviceEntry('coordinator'), env.env({ NODE_ENV: 'production', COORDINATOR_PORT: '0', ...profile('coordinator') }));
    processes.push(agentManager, coordinator);
    await Promise.all([agentManager.waitForOutput('agent-manager ready', 90_000), coordinator.waitForOutput('coordinator ready', 90_000)]);
    await client.start();

    // Zero-latency agents: no first-token delay, instant tokens, no concurrency limit of their own.
    const zero = { SIM_LATENCY_MS: '0', SIM_TOKENS_PER_SECOND: '0', SIM_RESPONSE_TOKENS: '4', SIM_MAX_CONCURRENT: '0' };
    const register = async (agents: ReadonlyArray<{ agentId: string; url: string; model: string; capacity: number; capabilities: RegisterAgentData['capabilities'] }>) => {
      const commands = agents.map(({ agentId, url, model, capacity, capabilities }) => ({
        envelope: client.envelope('RegisterAgent', 'hive', { agentId, name: agentId, endpoint: url, model, provider: 'ollama', capabilities, maxConcurrent: capacity } satisfies RegisterAgentData) as Envelope,
        key: agentId,
      }));
      for (let i = 0; i < commands.length; i += 500) await client.send(commands.slice(i, i + 500));
      await waitFor(() => commands.every(({ envelope }) => client.outcomes.has(envelope.id)) || undefined, { timeoutMs: 300_000, intervalMs: 50, description: `${agents.length} registrations` });
      const refused = commands.filter(({ envelope }) => client.outcomes.get(envelope.id)?.type !== 'command.accepted');
      if (refused.length > 0) throw new Error(`registration refused: ${JSON.stringify(client.outcomes.get(refused[0].envelope.id)?.data)}`);
    };
    const sims = await Promise.all(['acacia', 'walnut', 'ironwood'].slice(0, SIM_AGENTS).map((name) => startSim(name, 'deepseek-r1:7b', zero)));
    processes.push(...sims);
    await register(sims.map((sim, i) => ({ agentId: ['acacia', 'walnut', 'ironwood'][i], url: sim.url, model: 'deepseek-r1:7b', capacity: AGENT_CAPACITY, capabilities: [{ name: 'general', proficiency: 0.9 }] })));
    await waitFor(() => client.statusSeen.filter((s) => s.to === 'online').length >= SIM_AGENTS || undefined, { timeoutMs: 60_000, description: 'the agents online' });

    const runUntilCompleted = async (ids: readonly string[], timeoutMs: number) =>
      waitFor(() => ids.every((id) => client.tasks.get(id)?.completedSeen !== undefined) || undefined,
        { timeoutMs, intervalMs: 20, description: `${ids.length} tasks completed (${ids.filter((id) => client.tasks.get(id)?.completedSeen !== undefined).length} so far)` });

    // Warm-up: JIT, connection pools, consumer fetch sessions.
    await runUntilCompleted(await client.createTasks(300, 'warm'), 120_000);

    // 1. Throughput through the whole lifecycle.
    console.log(`throughput: ${THROUGHPUT_TASKS} tasks in batches of ${BATCH} on ${SIM_AGENTS} zero-latency agents (capacity ${AGENT_CAPACITY} each)`);
    const start = Date.now();
    const ids: string[] = [];
    for (let sent = 0; sent < THROUGHPUT_TASKS; sent += BATCH) ids.push(...await client.createTasks(Math.min(BATCH, THROUGHPUT_TASKS - sent), 'tp'));
    const sentIn = Date.now() - start;
    await runUntilCompleted(ids, 600_000);
    const lastCompleted = Math.max(...ids.map((id) => client.tasks.get(id)?.completedSeen ?? 0));
    const throughputSeconds = (lastCompleted - start) / 1000;
    const lifecycle = ids.map((id) => (client.tasks.get(id)?.completedSeen ?? 0) - (client.tasks.get(id)?.sent ?? 0)).sort((a, b) => a - b);
    figures['throughput.tasks'] = THROUGHPUT_TASKS;
    figures['throughput.sendMs'] = sentIn;
    figures['throughput.tasksPerSecond'] = THROUGHPUT_TASKS / throughputSeconds;
    figures['throughput.createToCompletedVisible.p50Ms'] = percentile(lifecycle, 50);
    figures['throughput.createToCompletedVisible.p99Ms'] = percentile(lifecycle, 99);
    // Where the time goes: the median gap between consecutive lifecycle events (by their occurredAt).
    const stages = ['sent', 'task.created', 'task.assigned', 'task.started', 'task.completed'];
    for (let i = 1; i < stages.length; i++) {
      const gaps = ids.map((id) => {
        const t = client.tasks.get(id)!;
        const from = i === 1 ? t.sent! : t.at?.[stages[i - 1]];
        const to = t.at?.[stages[i]];
        return from === undefined || to === undefined ? NaN : to - from;
      }).filter((gap) => !Number.isNaN(gap)).sort((a, b) => a - b);
      figures[`throughput.stage.${stages[i - 1]}->${stages[i]}.p50Ms`] = percentile(gaps, 50);
    }
    // The hops from an assignment to its start, by the clocks of this one machine: decided (occurredAt),
    // published by the coordinator's relay (record timestamp), report written by the agent manager
    // (the report's occurredAt), report published by its relay, start decided by the coordinator.
    const hop = (from: (t: TaskTimes) => number | undefined, to: (t: TaskTimes) => number | undefined) =>
      percentile(ids.map((id) => client.tasks.get(id)!).map((t) => (to(t) ?? NaN) - (from(t) ?? NaN)).filter((gap) => !Number.isNaN(gap)).sort((a, b) => a - b), 50);
    figures['throughput.hop.assignedDecided->assignedPublished.p50Ms'] = hop((t) => t.at?.['task.assigned'], (t) => t.published?.['task.assigned']);
    figures['throughput.hop.assignedPublished->startReported.p50Ms'] = hop((t) => t.published?.['task.assigned'], (t) => t.at?.['ReportTaskStarted']);
    figures['throughput.hop.startReported->reportPublished.p50Ms'] = hop((t) => t.at?.['ReportTaskStarted'], (t) => t.published?.['ReportTaskStarted']);
    figures['throughput.hop.reportPublished->startedDecided.p50Ms'] = hop((t) => t.published?.['ReportTaskStarted'], (t) => t.at?.['task.started']);

    // 2. Create-to-assigned latency at a fixed rate, open loop, one task per command.
    console.log(`latency: ${LATENCY_RATE} tasks/s for ${LATENCY_SECONDS} s`);
    const latencyIds: string[] = [];
    const latencyStart = Date.now();
    const sends: Array<Promise<unknown>> = [];
    for (let i = 0; i < LATENCY_RATE * LATENCY_SECONDS; i++) {
      const wait = latencyStart + (i * 1000) / LATENCY_RATE - Date.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      sends.push(client.createTasks(1, 'lat').then((created) => latencyIds.push(...created)));
    }
    await Promise.all(sends);
    await runUntilCompleted(latencyIds, 120_000);
    const decided = latencyIds.map((id) => client.tasks.get(id)!).map((t) => t.assignedAt! - t.sent!).sort((a, b) => a - b);
    const visible = latencyIds.map((id) => client.tasks.get(id)!).map((t) => t.assignedSeen! - t.sent!).sort((a, b) => a - b);
    figures['latency.ratePerSecond'] = LATENCY_RATE;
    figures['latency.createToAssigned.p50Ms'] = percentile(decided, 50);
    figures['latency.createToAssigned.p99Ms'] = percentile(decided, 99);
    figures['latency.createToAssignedVisible.p50Ms'] = percentile(visible, 50);
    figures['latency.createToAssignedVisible.p99Ms'] = percentile(visible, 99);

    // 3. A fleet of agents under the health monitor.
    console.log(`health: ${FLEET} agents probed every ${PROBE_INTERVAL_MS} ms`);
    const fleetSim = await startSim('fleet', 'deepseek-r1:7b', zero);
    const victim = await startSim('victim', 'deepseek-r1:7b', zero);
    processes.push(fleetSim, victim);
    const registerStart = Date.now();
    // Many agents may share one server (as several Ollama models would); each is probed on its own.
    await register([
      ...Array.from({ length: FLEET - 1 }, (_, i) => ({ agentId: `fleet-${i}`, url: fleetSim.url, model: 'deepseek-r1:7b', capacity: 1, capabilities: [{ name: 'fleet', proficiency: 0.5 }] })),
      { agentId: 'victim', url: victim.url, model: 'deepseek-r1:7b', capacity: 1, capabilities: [{ name: 'fleet', proficiency: 0.5 }] },
    ]);
    figures['health.registrationsPerSecond'] = FLEET / ((Date.now() - registerStart) / 1000);
    await waitFor(() => client.statusSeen.some((s) => s.agentId === 'victim' && s.to === 'online') || undefined, { timeoutMs: 2 * PROBE_INTERVAL_MS + 30_000, description: 'the victim online' });
    const samplesBefore = client.healthSamples;
    const windowStart = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2 * PROBE_INTERVAL_MS));
    const probesPerSecond = (client.healthSamples - samplesBefore) / ((Date.now() - windowStart) / 1000);
    figures['health.agents'] = FLEET;
    figures['health.probesPerSecond'] = probesPerSecond;
    figures['health.agentsProbedPerInterval'] = probesPerSecond * (PROBE_INTERVAL_MS / 1000);
    const killed = Date.now();
    await victim.kill('SIGKILL');
    const offline = await waitFor(() => client.statusSeen.find((s) => s.agentId === 'victim' && s.to === 'offline'), { timeoutMs: 3 * PROBE_INTERVAL_MS + 30_000, description: 'the victim offline' });
    figures['health.statusChangeDecidedToVisibleMs'] = offline.seen - offline.occurredAt;
    figures['health.killToOfflineVisibleMs'] = offline.seen - killed;
  } finally {
    await client.stop();
    for (const child of processes.reverse()) await child.kill('SIGTERM').catch(() => undefined);
    await env.cleanup();
  }
  report('tasks', figures);
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
