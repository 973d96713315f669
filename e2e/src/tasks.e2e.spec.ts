import { randomUUID } from 'node:crypto';
import { deadLetterTopicName, Topics, type CreateTaskData, type RegisterAgentData } from '@hive/contracts';
import { createTestEnvironment, drainTopic, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { HiveKafkaClient } from './hive-client';
import { startService, startSimulatedAgent, type SimulatedAgentProcess } from './services';

const SHARED = 'hive';

const task = (overrides: Partial<CreateTaskData> = {}): CreateTaskData => ({
  taskId: `t-${randomUUID().slice(0, 8)}`, title: 'Review the deployment manifest', type: 'code_review', priority: 5,
  requiredCapabilities: [], prompt: 'Review this manifest for missing resource limits.', dependsOn: [], timeoutMs: 30_000, maxRetries: 2,
  ...overrides,
});

describe('agents and tasks end to end (agent manager, coordinator, simulated agents)', () => {
  let env: TestEnvironment;
  let hive: HiveKafkaClient;
  const processes: RunningProcess[] = [];
  const agents = new Map<string, SimulatedAgentProcess>();

  const register = async (agentId: string, model: string, capabilities: RegisterAgentData['capabilities'], maxConcurrent: number, settings: Record<string, string> = {}) => {
    const sim = await startSimulatedAgent(agentId, model, { SIM_LATENCY_MS: '20', SIM_TOKENS_PER_SECOND: '0', SIM_RESPONSE_TOKENS: '8', SIM_MAX_CONCURRENT: '0', ...settings });
    processes.push(sim);
    agents.set(agentId, sim);
    const command = await hive.send(hive.envelope('RegisterAgent', SHARED, {
      agentId, name: agentId.toUpperCase(), endpoint: sim.url, model, provider: 'ollama', capabilities, maxConcurrent,
    } satisfies RegisterAgentData), agentId);
    expect(await hive.outcome(command)).toMatchObject({ type: 'command.accepted' });
    return sim;
  };
  const create = async (spec: CreateTaskData, tenant = 'acme') => hive.send(hive.envelope('CreateTask', tenant, spec), spec.taskId);
  /** Waits until every task's latest event is terminal (a failure followed by task.retry_scheduled is not). */
  const finished = async (ids: readonly string[], timeoutMs = 60_000) => {
    const wanted = new Set(ids);
    const terminal = new Set(['task.completed', 'task.failed', 'task.cancelled', 'task.timed_out']);
    return waitFor(async () => {
      const events = await hive.taskEvents(wanted);
      const last = new Map(events.map((e) => [e.data.taskId, e.type]));
      return [...wanted].every((id) => terminal.has(last.get(id) ?? '')) ? events : undefined;
    }, { timeoutMs, intervalMs: 500, description: `${ids.length} tasks to finish` });
  };

  beforeAll(async () => {
    env = await createTestEnvironment();
    hive = new HiveKafkaClient(env);
    await hive.connect();
    processes.push(
      await startService(env, 'agent-manager', { HEALTH_INTERVAL_MS: '500', HEALTH_PROBE_TIMEOUT_MS: '1000' }),
      // Tenant "frugal" may spend 7 tokens: enough to admit one small task (estimate 5 + 2), not to keep going.
      await startService(env, 'coordinator', { SCHEDULER_INTERVAL_MS: '200', TENANT_LIMITS: JSON.stringify({ frugal: { tokenBudget: 7 } }) }),
    );
    await register('walnut', 'starcoder2:15b', [], 2);
    await register('acacia', 'deepseek-r1:7b', [{ name: 'devops', proficiency: 0.95 }], 2);
  }, 180_000);

  afterAll(async () => {
    await hive?.disconnect();
    for (const running of processes.reverse()) await running.kill('SIGTERM');
    await env?.cleanup();
  });

  it('runs a task on a capable agent and reports its result and token counts', async () => {
    const spec = task({ requiredCapabilities: [{ name: 'code_generation', minProficiency: 0.8 }] });
    const command = await create(spec);
    expect(await hive.outcome(command)).toMatchObject({ type: 'command.accepted', data: { aggregateId: spec.taskId } });
    const events = await finished([spec.taskId]);
    expect(events.map((e) => e.type)).toEqual(['task.created', 'task.ready', 'task.assigned', 'task.started', 'task.completed']);
    const completed = events.at(-1) as unknown as { data: { agentId: string; result: string; promptTokens: number; completionTokens: number; model: string } };
    // starcoder2 is detected as a code generator; deepseek-r1 is not.
    expect(completed.data).toMatchObject({ agentId: 'walnut', model: 'starcoder2:15b', completionTokens: 8 });
    expect(completed.data.result.length).toBeGreaterThan(0);
    expect(completed.data.promptTokens).toBeGreaterThan(0);
  });

  it('publishes each agent\'s health samples on the telemetry topic, not as domain events', async () => {
    const sample = await waitFor(async () => (await hive.events(Topics.agentTelemetry.name)).find((e) => (e.data as { agentId: string }).agentId === 'walnut'),
      { timeoutMs: 20_000, description: 'a health sample of walnut' });
    expect(sample).toMatchObject({ type: 'agent.health_sampled', tenant: SHARED, data: { agentId: 'walnut', available: true } });
    expect((await hive.events(Topics.agentEvents.name)).some((e) => e.type === 'agent.health_sampled')).toBe(false);
  });

  it('meters tokens per tenant and refuses new tasks of a tenant that spent its budget, with the figures', async () => {
    // Ten words in 19 characters: estimated at 5 tokens, counted by the agent as 10 (plus 2 generated).
    const small = (overrides: Partial<CreateTaskData> = {}) => task({ prompt: 'a b c d e f g h i j', payload: { maxTokens: 2 }, ...overrides });
    const first = small();
    expect(await hive.outcome(await create(first, 'frugal'))).toMatchObject({ type: 'command.accepted' });
    const done = await finished([first.taskId]);
    expect(done.find((e) => e.type === 'task.completed')?.data).toMatchObject({ promptTokens: 10, completionTokens: 2 });

    const refused = await hive.outcome(await create(small(), 'frugal'));
    expect(refused).toMatchObject({ type: 'command.rejected', data: { code: 'limit_exceeded', reason: 'tenant "frugal" has used its token budget: 12 of 7 tokens' } });
    // Another tenant is not affected.
    expect(await hive.outcome(await create(small(), 'acme'))).toMatchObject({ type: 'command.accepted' });
  });

  it('reports an agent busy while it runs as many tasks as it may, and online again after', async () => {
    await register('sloth', 'deepseek-coder-v2', [{ name: 'slow-thinking', proficiency: 1 }], 1, { SIM_TOKENS_PER_SECOND: '20', SIM_RESPONSE_TOKENS: '400' });
    const spec = task({ requiredCapabilities: [{ name: 'slow-thinking' }] });
    await hive.outcome(await create(spec));
    const statuses = async () => (await hive.events(Topics.agentEvents.name))
      .filter((e) => e.type === 'agent.status_changed' && (e.data as { agentId: string }).agentId === 'sloth').map((e) => (e.data as { to: string }).to);
    await waitFor(async () => (await statuses()).includes('busy') || undefined, { timeoutMs: 20_000, description: 'sloth busy' });
    await hive.outcome(await hive.send(hive.envelope('CancelTask', 'acme', { taskId: spec.taskId, reason: 'enough' }), spec.taskId));
    await waitFor(async () => (await statuses()).at(-1) === 'online' || undefined, { timeoutMs: 20_000, description: 'sloth online again' });
    expect((await statuses()).slice(-2)).toEqual(['busy', 'online']);
  });

  it('fails a task whose answer is too large to report, saying so, and keeps running other tasks', async () => {
    await register('verbose', 'deepseek-coder-v2', [{ name: 'verbosity', proficiency: 1 }], 1, { SIM_RESPONSE_TOKENS: '150000' });
    const spec = task({ requiredCapabilities: [{ name: 'verbosity' }], maxRetries: 0 });
    await hive.outcome(await create(spec));
    const events = await finished([spec.taskId]);
    const failure = events.find((e) => e.type === 'task.failed')?.data as { reason?: string; retriable?: boolean } | undefined;
    expect(failure?.reason).toMatch(/^the agent's answer is \d+ KiB; a task result may be at most 512 KiB/);
    expect(failure?.retriable).toBe(false);
    const next = task();
    await hive.outcome(await create(next));
    expect((await finished([next.taskId])).map((e) => e.type)).toContain('task.completed');
  });

  it('runs dependants only after their dependencies completed', async () => {
    const a = task({ title: 'a' });
    const b = task({ title: 'b', dependsOn: [a.taskId] });
    const c = task({ title: 'c', dependsOn: [a.taskId, b.taskId] });
    // Commands for different tasks travel on different partitions: a client waits for a task's acceptance before naming it as a dependency.
    for (const spec of [a, b, c]) expect(await hive.outcome(await create(spec))).toMatchObject({ type: 'command.accepted' });
    const events = await finished([a.taskId, b.taskId, c.taskId]);
    const at = (type: string, id: string) => Date.parse(events.find((e) => e.type === type && e.data.taskId === id)?.occurredAt ?? 'x');
    expect(at('task.ready', b.taskId)).toBeGreaterThanOrEqual(at('task.completed', a.taskId));
    expect(at('task.ready', c.taskId)).toBeGreaterThanOrEqual(at('task.completed', b.taskId));
    expect(events.filter((e) => e.type === 'task.completed')).toHaveLength(3);
  });

  it('rejects bad task input with a reason and writes nothing', async () => {
    const unknownDependency = task({ dependsOn: ['no-such-task'] });
    const selfDependent = task();
    const self = { ...selfDependent, dependsOn: [selfDependent.taskId] };
    const rejections = await Promise.all([unknownDependency, self].map(async (spec) => hive.outcome(await create(spec))));
    expect(rejections[0]).toMatchObject({ type: 'command.rejected', data: { code: 'invalid', reason: expect.stringContaining('unknown dependencies: "no-such-task"') } });
    expect(rejections[1]).toMatchObject({ type: 'command.rejected', data: { code: 'invalid', reason: expect.stringContaining('cannot depend on itself') } });

    const negative = await create({ ...task(), priority: -1 });
    const missingPrompt = task();
    const { prompt: _prompt, ...withoutPrompt } = missingPrompt;
    const noPrompt = await hive.send(hive.envelope('CreateTask', 'acme', withoutPrompt), missingPrompt.taskId);
    const letters = await waitFor(async () => {
      const all = await drainTopic(env.kafka, deadLetterTopicName(env.topicPrefix + 'hive.coordinator.commands'));
      const mine = all.filter((m) => [negative.id, noPrompt.id].includes(JSON.parse(m.value ?? '{}').id));
      return mine.length === 2 ? mine : undefined;
    }, { timeoutMs: 30_000, description: 'the two invalid commands on the dead-letter topic' });
    const errors = letters.map((m) => m.headers['hive-dlq-error']).join('\n');
    expect(errors).toMatch(/priority must not be less than 0/);
    expect(errors).toMatch(/prompt must be/);
    const ids = new Set([unknownDependency.taskId, selfDependent.taskId, missingPrompt.taskId]);
    expect(await hive.taskEvents(ids)).toEqual([]);
  });

  it('assigns by priority, first-in first-out within a priority, and never above an agent\'s max concurrent', async () => {
    // The blocker answers 300 tokens at 100/s (3 s), long enough to queue the others; they ask for 5 tokens each.
    await register('ironwood', 'deepseek-coder-v2', [{ name: 'solo', proficiency: 1 }], 1, { SIM_TOKENS_PER_SECOND: '100', SIM_RESPONSE_TOKENS: '300' });
    const blocker = task({ title: 'blocker', requiredCapabilities: [{ name: 'solo' }] });
    await hive.outcome(await create(blocker));
    await waitFor(async () => (await hive.taskEvents(new Set([blocker.taskId]))).some((e) => e.type === 'task.started'), { description: 'the blocker to start' });
    const queued = [1, 5, 3, 9, 7, 5].map((priority, i) => task({ title: `p${priority}-${i}`, priority, requiredCapabilities: [{ name: 'solo' }], payload: { maxTokens: 5 } }));
    for (const spec of queued) await hive.outcome(await create(spec));
    expect((await hive.taskEvents(new Set([blocker.taskId]))).map((e) => e.type)).not.toContain('task.completed');
    const events = await finished([blocker.taskId, ...queued.map((q) => q.taskId)]);
    const assigned = events.filter((e) => e.type === 'task.assigned').sort((x, y) => Date.parse(x.occurredAt) - Date.parse(y.occurredAt)).map((e) => e.data.taskId);
    const titleOf = (id: string) => [blocker, ...queued].find((q) => q.taskId === id)?.title;
    expect(assigned.map(titleOf)).toEqual(['blocker', 'p9-3', 'p7-4', 'p5-1', 'p5-5', 'p3-2', 'p1-0']);
    // One at a time on ironwood: every attempt finished before the next was assigned.
    const timeline = events.filter((e) => ['task.assigned', 'task.completed'].includes(e.type)).sort((x, y) => Date.parse(x.occurredAt) - Date.parse(y.occurredAt) || (x.type === 'task.completed' ? -1 : 1));
    let inFlight = 0;
    for (const event of timeline) {
      inFlight += event.type === 'task.assigned' ? 1 : -1;
      expect(inFlight).toBeLessThanOrEqual(1);
    }
  }, 120_000);

  it('cancelling a running task stops the provider call', async () => {
    const slow = await register('slowpoke', 'deepseek-coder-v2', [{ name: 'slow', proficiency: 1 }], 1, { SIM_TOKENS_PER_SECOND: '5', SIM_RESPONSE_TOKENS: '600' });
    const spec = task({ requiredCapabilities: [{ name: 'slow' }], timeoutMs: 300_000 });
    await hive.outcome(await create(spec));
    await waitFor(async () => (await hive.taskEvents(new Set([spec.taskId]))).some((e) => e.type === 'task.started'), { description: 'the task to start' });
    await waitFor(async () => (await slow.stats()).active === 1, { description: 'the provider call in flight' });
    const cancel = await hive.send(hive.envelope('CancelTask', 'acme', { taskId: spec.taskId, reason: 'not needed any more' }), spec.taskId);
    expect(await hive.outcome(cancel)).toMatchObject({ type: 'command.accepted' });
    const stats = await waitFor(async () => {
      const current = await slow.stats();
      return current.aborted >= 1 && current.active === 0 ? current : undefined;
    }, { timeoutMs: 15_000, description: 'the simulated agent to see the call aborted' });
    expect(stats.aborted).toBe(1);
    const events = await hive.taskEvents(new Set([spec.taskId]));
    expect(events.map((e) => e.type)).toEqual(['task.created', 'task.ready', 'task.assigned', 'task.started', 'task.cancelled']);
  }, 120_000);

  it('reassigns a task whose agent process dies mid-call, and completes it exactly once', async () => {
    const first = await register('fragile-a', 'deepseek-coder-v2', [{ name: 'fragile', proficiency: 1 }], 1, { SIM_TOKENS_PER_SECOND: '20', SIM_RESPONSE_TOKENS: '80' });
    const second = await register('fragile-b', 'deepseek-coder-v2', [{ name: 'fragile', proficiency: 0.9 }], 1, { SIM_TOKENS_PER_SECOND: '20', SIM_RESPONSE_TOKENS: '80' });
    const spec = task({ requiredCapabilities: [{ name: 'fragile' }], maxRetries: 3 });
    await hive.outcome(await create(spec));
    const started = await waitFor(async () => (await hive.taskEvents(new Set([spec.taskId]))).find((e) => e.type === 'task.started'), { description: 'the task to start' });
    const victim = started.data.agentId === 'fragile-a' ? first : second;
    await waitFor(async () => (await victim.stats()).active === 1, { description: 'the call in flight on the victim' });
    await victim.kill('SIGKILL');
    const events = await finished([spec.taskId], 90_000);
    const completed = events.filter((e) => e.type === 'task.completed');
    expect(completed).toHaveLength(1);
    expect(completed[0].data.agentId).not.toBe(started.data.agentId);
    expect(events.map((e) => e.type)).toContain('task.failed');
  }, 150_000);

  it('requeues a task whose agent goes offline mid-call (it hangs, it does not fail), without spending a retry', async () => {
    const slow = { SIM_TOKENS_PER_SECOND: '20', SIM_RESPONSE_TOKENS: '400' };
    const first = await register('frozen-a', 'deepseek-coder-v2', [{ name: 'frozen', proficiency: 1 }], 1, slow);
    const second = await register('frozen-b', 'deepseek-coder-v2', [{ name: 'frozen', proficiency: 0.9 }], 1, { ...slow, SIM_RESPONSE_TOKENS: '8' });
    await waitFor(async () => (await hive.agentStatuses(new Set(['frozen-a', 'frozen-b']))).every((s) => s === 'online') || undefined,
      { timeoutMs: 20_000, description: 'both agents online' });
    const spec = task({ requiredCapabilities: [{ name: 'frozen' }], maxRetries: 0, timeoutMs: 120_000 });
    await hive.outcome(await create(spec));
    const started = await waitFor(async () => (await hive.taskEvents(new Set([spec.taskId]))).find((e) => e.type === 'task.started'), { description: 'the task to start' });
    const victim = started.data.agentId === 'frozen-a' ? first : second;
    // A frozen process keeps its connections open: the call neither completes nor fails; only the health probes notice.
    victim.child.kill('SIGSTOP');
    try {
      const events = await finished([spec.taskId], 60_000);
      const types = events.map((e) => e.type);
      expect(types).toContain('task.requeued');
      expect(types).not.toContain('task.failed');
      const completed = events.filter((e) => e.type === 'task.completed');
      expect(completed).toHaveLength(1);
      expect(completed[0].data.agentId).not.toBe(started.data.agentId);
      const requeued = events.find((e) => e.type === 'task.requeued');
      expect(requeued?.data).toMatchObject({ previousAgentId: started.data.agentId, reason: expect.stringContaining('went offline') });
    } finally {
      victim.child.kill('SIGKILL');
    }
  }, 150_000);
});
