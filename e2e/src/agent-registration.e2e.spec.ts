import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { deadLetterTopicName, Topics, type Envelope, type RegisterAgentData } from '@hive/contracts';
import { createTestEnvironment, drainTopic, waitFor, type RunningProcess, type TestEnvironment } from '@hive/testing';
import { startService, startSimulatedAgent, type SimulatedAgentProcess } from './services';

const command = (tenant: string, data: unknown): Envelope => ({
  id: randomUUID(), type: 'RegisterAgent', version: 1, source: 'e2e', tenant, occurredAt: new Date().toISOString(),
  correlationId: randomUUID(), causationId: null, data,
});

let acacia: RegisterAgentData;
const acaciaProfile = (endpoint: string): RegisterAgentData => ({
  agentId: 'acacia', name: 'ACACIA Infrastructure Specialist', endpoint, model: 'deepseek-r1:7b', provider: 'ollama',
  capabilities: [{ name: 'devops', proficiency: 0.95 }, { name: 'architecture', proficiency: 0.9 }],
  hardware: { gpuType: 'AMD Radeon RX 7900 XTX', vramGb: 24, cpuCores: 16, ramGb: 64 }, performanceTargets: { minTps: 15, maxResponseTime: 30 }, maxConcurrent: 2,
});

describe('thin slice: RegisterAgent through Kafka to the gateway read model', () => {
  let env: TestEnvironment;
  let producer: Producer;
  const services: RunningProcess[] = [];
  let endpoint: SimulatedAgentProcess;

  beforeAll(async () => {
    env = await createTestEnvironment();
    endpoint = await startSimulatedAgent('acacia', 'deepseek-r1:7b');
    services.push(endpoint);
    acacia = acaciaProfile(endpoint.url);
    services.push(await startService(env, 'agent-manager'), await startService(env, 'gateway'));
    producer = env.kafka.producer();
    await producer.connect();
  }, 120_000);
  afterAll(async () => {
    await producer?.disconnect();
    for (const service of services) await service.kill('SIGTERM');
    await env.cleanup();
  });

  const send = (envelope: Envelope, key: string) =>
    producer.send({ topic: env.topicPrefix + Topics.agentManagerCommands.name, messages: [{ key, value: JSON.stringify(envelope) }] });
  const agentRow = async (tenant: string, agentId: string) =>
    (await env.pool.query(`SELECT * FROM "${env.schemaPrefix}gateway".agents WHERE tenant = $1 AND agent_id = $2`, [tenant, agentId])).rows[0];
  const results = async () => (await drainTopic(env.kafka, env.topicPrefix + Topics.commandResults.name)).map((m) => JSON.parse(m.value ?? '{}') as Envelope);

  it('registers an agent: the event is published and the gateway projection, in another process, shows it', async () => {
    const register = command('acme', acacia);
    await send(register, acacia.agentId);
    const row = await waitFor(() => agentRow('acme', 'acacia'), { timeoutMs: 30_000, description: 'the agent in the gateway read model' });
    expect(row).toMatchObject({ name: acacia.name, endpoint: acacia.endpoint, model: 'deepseek-r1:7b', provider: 'ollama', max_concurrent: 2, capabilities: acacia.capabilities });

    const accepted = (await results()).find((r) => (r.data as { commandId: string }).commandId === register.id);
    expect(accepted).toMatchObject({ type: 'command.accepted', tenant: 'acme', causationId: register.id, correlationId: register.correlationId, data: { aggregateId: 'acacia', streamVersion: 3 } });

    const events = await drainTopic(env.kafka, env.topicPrefix + Topics.agentEvents.name);
    const registered = events.map((m) => JSON.parse(m.value ?? '{}') as Envelope).filter((e) => e.type === 'agent.registered');
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({ source: 'agent-manager', tenant: 'acme', causationId: register.id, data: acacia });
    // The endpoint answered the probe: its models' capabilities were detected and merged, and the agent is online.
    const following = events.map((m) => JSON.parse(m.value ?? '{}') as Envelope).filter((e) => e.causationId === register.id).map((e) => e.type);
    expect(following).toEqual(['agent.registered', 'agent.capabilities_detected', 'agent.status_changed']);
  });

  it('rejects an agent whose endpoint does not answer, naming the endpoint, and writes no event', async () => {
    const unreachable = command('acme', { ...acacia, agentId: 'ghost', endpoint: 'http://127.0.0.1:9' });
    await send(unreachable, 'ghost');
    const rejected = await waitFor(async () => (await results()).find((r) => (r.data as { commandId: string }).commandId === unreachable.id), { timeoutMs: 30_000, description: 'the rejection' });
    expect(rejected).toMatchObject({ type: 'command.rejected', data: { code: 'unavailable', reason: expect.stringContaining('endpoint http://127.0.0.1:9 is unreachable') } });
    expect(await agentRow('acme', 'ghost')).toBeUndefined();
  });

  it('rejects a second registration of the same id with a reason, and writes no event', async () => {
    const again = command('acme', { ...acacia, name: 'impostor' });
    await send(again, acacia.agentId);
    const rejected = await waitFor(async () => (await results()).find((r) => (r.data as { commandId: string }).commandId === again.id), { timeoutMs: 30_000, description: 'the rejection' });
    expect(rejected).toMatchObject({ type: 'command.rejected', data: { code: 'already_exists', reason: 'agent "acacia" is already registered' } });
    expect((await agentRow('acme', 'acacia')).name).toBe(acacia.name);
  });

  it('keeps tenants apart: the same agent id registers separately in another tenant', async () => {
    await send(command('globex', { ...acacia, name: 'Globex acacia' }), acacia.agentId);
    const row = await waitFor(() => agentRow('globex', 'acacia'), { timeoutMs: 30_000, description: 'the globex agent' });
    expect(row.name).toBe('Globex acacia');
    expect((await agentRow('acme', 'acacia')).name).toBe(acacia.name);
  });

  it('dead-letters an invalid command with the reason and keeps processing the partition', async () => {
    const invalid = command('acme', { ...acacia, agentId: 'walnut', capabilities: [{ name: 'code', proficiency: 1.5 }] });
    const valid = command('acme', { ...acacia, agentId: 'walnut', name: 'WALNUT' });
    await send(invalid, 'walnut');
    await send(valid, 'walnut');
    await waitFor(() => agentRow('acme', 'walnut'), { timeoutMs: 30_000, description: 'the valid command after the invalid one' });
    const letters = await drainTopic(env.kafka, deadLetterTopicName(env.topicPrefix + Topics.agentManagerCommands.name));
    const letter = letters.find((m) => JSON.parse(m.value ?? '{}').id === invalid.id);
    expect(letter?.headers['hive-dlq-error']).toMatch(/capabilities\.0\.proficiency must not be greater than 1/);
    expect(letter?.headers['hive-dlq-error-kind']).toBe('contract');
  });
});
