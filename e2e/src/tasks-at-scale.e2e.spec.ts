import { randomUUID } from 'node:crypto';
import type { CreateTaskData, RegisterAgentData } from '@hive/contracts';
import { createTestEnvironment, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { HiveKafkaClient } from './hive-client';
import { startService, startSimulatedAgent, type SimulatedAgentProcess } from './services';

const TASKS = Number(process.env['E2E_SCALE_TASKS'] ?? 1_000);
const WAVES = 10;
const MAX_CONCURRENT = 3;

describe('1,000 tasks with dependencies and mixed priorities, two coordinator instances', () => {
  let env: TestEnvironment;
  let hive: HiveKafkaClient;
  const processes: RunningProcess[] = [];
  const sims: SimulatedAgentProcess[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    hive = new HiveKafkaClient(env);
    await hive.connect();
    processes.push(
      await startService(env, 'agent-manager', { HEALTH_INTERVAL_MS: '1000' }),
      await startService(env, 'coordinator', { SCHEDULER_INTERVAL_MS: '200' }),
      await startService(env, 'coordinator', { SCHEDULER_INTERVAL_MS: '200' }),
    );
    await hive.follow();
    for (const [name, model] of [['acacia', 'deepseek-r1:7b'], ['walnut', 'starcoder2:15b'], ['ironwood', 'deepseek-coder-v2']]) {
      // The simulator refuses (503) any request beyond MAX_CONCURRENT: an overbooked agent would show as failures.
      const sim = await startSimulatedAgent(name, model, { SIM_LATENCY_MS: '5', SIM_TOKENS_PER_SECOND: '0', SIM_RESPONSE_TOKENS: '4', SIM_MAX_CONCURRENT: String(MAX_CONCURRENT) });
      sims.push(sim);
      processes.push(sim);
      const register = hive.envelope('RegisterAgent', 'hive', { agentId: name, name, endpoint: sim.url, model, provider: 'ollama', capabilities: [{ name: 'general', proficiency: 0.8 }], maxConcurrent: MAX_CONCURRENT } satisfies RegisterAgentData);
      await hive.sendMany([{ command: register, key: name }]);
      await waitFor(() => hive.outcomes.get(register.id)?.type === 'command.accepted' || undefined, { timeoutMs: 30_000, description: `${name} registered` });
    }
  }, 180_000);

  afterAll(async () => {
    await hive?.disconnect();
    for (const running of processes.reverse()) await running.kill('SIGTERM');
    await env?.cleanup();
  });

  it('brings every task to completion, dependencies first, with no agent ever over its max concurrent', async () => {
    const ids: string[] = [];
    const dependencies = new Map<string, string[]>();
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let wave = 0; wave < WAVES; wave++) {
      const batch = Array.from({ length: TASKS / WAVES }, (): CreateTaskData => {
        const taskId = `s-${randomUUID().slice(0, 12)}`;
        const dependsOn = ids.length === 0 ? [] : [...new Set(Array.from({ length: Math.floor(random() * 3) }, () => ids[Math.floor(random() * ids.length)]))];
        dependencies.set(taskId, dependsOn);
        return {
          taskId, title: `task ${taskId}`, type: 'general', priority: Math.floor(random() * 10), requiredCapabilities: [{ name: 'general' }],
          prompt: `Summarise item ${taskId}`, dependsOn, timeoutMs: 30_000, maxRetries: 2,
        };
      });
      const commands = batch.map((spec) => ({ command: hive.envelope('CreateTask', random() < 0.5 ? 'acme' : 'globex', spec), key: spec.taskId }));
      // A dependency lives in its tenant: keep each task in the tenant of its dependencies.
      for (const entry of commands) {
        const dependsOn = (entry.command.data as CreateTaskData).dependsOn;
        const owner = dependsOn.length > 0 ? tenantOf.get(dependsOn[0]) : undefined;
        if (owner) (entry.command as { tenant: string }).tenant = owner;
        (entry.command.data as CreateTaskData).dependsOn = dependsOn.filter((id) => tenantOf.get(id) === entry.command.tenant);
        dependencies.set(entry.key, (entry.command.data as CreateTaskData).dependsOn);
        tenantOf.set(entry.key, entry.command.tenant);
      }
      await hive.sendMany(commands);
      await waitFor(() => commands.every(({ command }) => hive.outcomes.get(command.id)?.type === 'command.accepted') || undefined,
        { timeoutMs: 60_000, intervalMs: 100, description: `wave ${wave} accepted` });
      ids.push(...batch.map((spec) => spec.taskId));
    }

    const last = (id: string) => hive.tasks.get(id)?.at(-1)?.type;
    const states = () => {
      const histogram: Record<string, number> = {};
      for (const id of ids) histogram[last(id) ?? 'none'] = (histogram[last(id) ?? 'none'] ?? 0) + 1;
      return JSON.stringify(histogram);
    };
    try {
      await waitFor(() => ids.every((id) => last(id) === 'task.completed') || undefined, { timeoutMs: 240_000, intervalMs: 500, description: `all ${TASKS} tasks completed` });
    } catch (error) {
      throw new Error(`${(error as Error).message}; tasks by latest event: ${states()}`);
    }

    const at = (id: string, type: string) => Date.parse(hive.tasks.get(id)?.find((e) => e.type === type)?.occurredAt ?? 'x');
    for (const id of ids) {
      for (const dependency of dependencies.get(id) ?? []) expect(at(id, 'task.started')).toBeGreaterThanOrEqual(at(dependency, 'task.completed'));
    }
    const failures = ids.flatMap((id) => hive.tasks.get(id) ?? []).filter((e) => e.type === 'task.failed');
    expect(failures).toEqual([]);
    const stats = await Promise.all(sims.map((sim) => sim.stats()));
    expect(stats.reduce((sum, s) => sum + s.completed, 0)).toBe(TASKS);
  }, 400_000);
});

const tenantOf = new Map<string, string>();
