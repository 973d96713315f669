import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { AgentProfileData } from './agent-profile.data';

export class AgentRegisteredData extends AgentProfileData {}

export const AgentRegistered = defineMessage({
  type: 'agent.registered',
  version: 1,
  kind: 'event',
  topic: Topics.agentEvents.name,
  dataClass: AgentRegisteredData,
  description: 'An LLM endpoint joined Hive as an agent.',
});
export type AgentRegistered = MessageOf<typeof AgentRegistered>;
