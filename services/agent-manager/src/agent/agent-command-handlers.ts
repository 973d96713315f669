import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import {
  BenchmarkAgent, DeregisterAgent, RegisterAgent, UpdateAgent,
  type BenchmarkAgentData, type DeregisterAgentData, type Envelope, type UpdateAgentData,
} from '@hive/contracts';
import { DomainError, handleCommand, type PostgresEventStore } from '@hive/event-store';
import type { CommandAcceptance, CommandHandlerFn } from '@hive/messaging';
import { createProvider } from '../providers/create-provider';
import { agentDecider, agentStreamId, type AgentCommand } from './agent.decider';
import type { AgentRegistry } from './agent-registry';
import { registerAgent } from './registering-agent/register-agent.handler';

export const BENCHMARK_PROMPT = 'Write a Python function that returns the n-th Fibonacci number, with a docstring and two doctests.';

/** The agent manager's command topic, one small handler per command. */
export function agentCommandHandlers(store: PostgresEventStore, registry: AgentRegistry): Record<string, CommandHandlerFn> {
  const run = async (envelope: Envelope, tx: PoolClient, agentId: string, command: AgentCommand): Promise<CommandAcceptance> => {
    const result = await handleCommand(store, tx, agentStreamId(envelope.tenant, agentId), agentDecider, command, {
      tenant: envelope.tenant, correlationId: envelope.correlationId, causationId: envelope.id, key: agentId,
    });
    await registry.save(tx, envelope.tenant, result.state);
    return { aggregateId: agentId, streamVersion: result.nextVersion };
  };
  return {
    [RegisterAgent.type]: (envelope, tx) => registerAgent(store, registry, envelope, tx),
    [UpdateAgent.type]: (envelope, tx) => {
      const data = envelope.data as UpdateAgentData;
      return run(envelope, tx, data.agentId, { type: 'UpdateAgent', data });
    },
    [DeregisterAgent.type]: (envelope, tx) => {
      const data = envelope.data as DeregisterAgentData;
      return run(envelope, tx, data.agentId, { type: 'DeregisterAgent', data });
    },
    [BenchmarkAgent.type]: async (envelope, tx) => {
      const data = envelope.data as BenchmarkAgentData;
      const agent = await registry.forTask(tx, envelope.tenant, data.agentId, envelope.tenant);
      if (!agent) throw new DomainError('not_found', `agent "${data.agentId}" is not registered`);
      const prompt = data.prompt ?? BENCHMARK_PROMPT;
      const model = data.model ?? agent.model;
      let result;
      try {
        result = await createProvider({ kind: agent.provider, baseUrl: agent.endpoint })
          .generate({ model, prompt, maxTokens: data.maxTokens ?? 256 }, { signal: AbortSignal.timeout(120_000) });
      } catch (error) {
        throw new DomainError('unavailable', `benchmark of agent "${data.agentId}" failed: ${(error as Error).message}`);
      }
      return run(envelope, tx, data.agentId, {
        type: 'RecordBenchmark',
        data: {
          agentId: data.agentId, benchmarkId: data.benchmarkId ?? randomUUID(), model: result.model, prompt,
          tokensPerSecond: result.tokensPerSecond, latencyMs: result.responseTimeMs, timeToFirstTokenMs: result.timeToFirstTokenMs,
          promptTokens: result.promptTokens, completionTokens: result.completionTokens,
          // The registry keeps the response-time target; minimum tokens/s is checked by whoever reads the event.
          meetsTargets: agent.maxResponseTimeMs === undefined || result.responseTimeMs <= agent.maxResponseTimeMs,
        },
      });
    },
  };
}
