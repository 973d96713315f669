import type { PoolClient } from 'pg';
import type { Envelope, RegisterAgentData } from '@hive/contracts';
import { handleCommand, type PostgresEventStore } from '@hive/event-store';
import type { CommandAcceptance } from '@hive/messaging';
import { agentDecider, agentStreamId } from '../agent.decider';
import type { AgentRegistry } from '../agent-registry';
import { probeEndpoint } from '../probe-endpoint';

/** RegisterAgent: probes the endpoint (outside the decider), folds the agent's stream, decides, appends. */
export async function registerAgent(store: PostgresEventStore, registry: AgentRegistry, command: Envelope, tx: PoolClient): Promise<CommandAcceptance> {
  const data = command.data as RegisterAgentData;
  const probe = await probeEndpoint({ kind: data.provider, baseUrl: data.endpoint });
  const result = await handleCommand(store, tx, agentStreamId(command.tenant, data.agentId), agentDecider, { type: 'RegisterAgent', data, probe }, {
    tenant: command.tenant, correlationId: command.correlationId, causationId: command.id, key: data.agentId,
  });
  await registry.save(tx, command.tenant, result.state);
  return { aggregateId: data.agentId, streamVersion: result.nextVersion };
}
