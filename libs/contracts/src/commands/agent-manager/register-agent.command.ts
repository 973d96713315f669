import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AgentProfileData } from '../../events/agent/agent-profile.data';
import { Topics } from '../../topics/topics';

export class RegisterAgentData extends AgentProfileData {}

export const RegisterAgent = defineMessage({
  type: 'RegisterAgent',
  version: 1,
  kind: 'command',
  topic: Topics.agentManagerCommands.name,
  dataClass: RegisterAgentData,
  description: 'Register an LLM endpoint as an agent (the Hive registration protocol).',
});
export type RegisterAgent = MessageOf<typeof RegisterAgent>;
