#!/usr/bin/env node
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { SHARED_AGENT_TENANT, Topics, type CommandRejectedData, type Envelope, type RegisterAgentData } from '@hive/contracts';
import { STANDARD_AGENTS } from '../config/standard-agents.preset';

/**
 * Registers the standard preset's three simulated agents with a running Hive
 * as shared agents (tenant "hive"), for the start command. It sends
 * RegisterAgent to the agent manager's command topic and waits for each
 * outcome; an agent that is already registered counts as done, so running it
 * again is harmless. Exits non-zero naming the agent that was refused.
 */
async function main(): Promise<void> {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const prefix = process.env['HIVE_TOPIC_PREFIX'] ?? '';
  const host = process.env['SIM_HOST'] ?? '127.0.0.1';
  // As the simulator places the preset: from SIM_PORT on when it is set, else on the preset's own ports.
  const firstPort = process.env['SIM_PORT'] ? Number(process.env['SIM_PORT']) : undefined;
  const deadline = Date.now() + Number(process.env['REGISTER_TIMEOUT_MS'] ?? 60_000);
  const kafka = new Kafka({ clientId: 'hive-register-agents', brokers, logLevel: logLevel.NOTHING });

  const commands = STANDARD_AGENTS.map(({ name, port: presetPort, models }, index): Envelope<'RegisterAgent', RegisterAgentData> => {
    const port = firstPort === undefined ? presetPort : firstPort + index;
    return {
      id: randomUUID(), type: 'RegisterAgent', version: 1, source: 'hive-start', tenant: SHARED_AGENT_TENANT,
      occurredAt: new Date().toISOString(), correlationId: randomUUID(), causationId: null,
      data: { agentId: name, name, endpoint: `http://${host}:${port}`, model: models[0], provider: 'ollama', capabilities: [], maxConcurrent: 4 },
    };
  });
  const pending = new Map(commands.map((command) => [command.id, command.data.agentId]));
  const refused: string[] = [];

  const consumer = kafka.consumer({ groupId: `hive-register-agents-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const producer = kafka.producer();
  await Promise.all([consumer.connect(), producer.connect()]);
  try {
    await consumer.subscribe({ topic: prefix + Topics.commandResults.name, fromBeginning: false });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const result = JSON.parse(message.value?.toString() ?? '{}') as Envelope<string, { commandId: string }>;
        const agentId = pending.get(result.data?.commandId);
        if (agentId === undefined) return;
        pending.delete(result.data.commandId);
        if (result.type === 'command.accepted') process.stdout.write(`  agent ${agentId}: registered\n`);
        else if ((result.data as unknown as CommandRejectedData).code === 'already_exists') process.stdout.write(`  agent ${agentId}: already registered\n`);
        else refused.push(`agent ${agentId}: ${(result.data as unknown as CommandRejectedData).reason}`);
      },
    });
    while (!joined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await producer.send({
      topic: prefix + Topics.agentManagerCommands.name,
      messages: commands.map((command) => ({ key: command.data.agentId, value: JSON.stringify(command) })),
    });
    while (pending.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
  }
  if (pending.size > 0) throw new Error(`no answer from the agent manager for ${[...pending.values()].join(', ')} (is it running?)`);
  if (refused.length > 0) throw new Error(`refused: ${refused.join('; ')}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`registering the standard agents failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
