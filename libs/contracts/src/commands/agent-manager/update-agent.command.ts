import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AgentProfilePatchData } from '../../events/agent/agent-profile-patch.data';
import { Topics } from '../../topics/topics';

export class UpdateAgentData extends AgentProfilePatchData {}

export const UpdateAgent = defineMessage({
  type: 'UpdateAgent',
  version: 1,
  kind: 'command',
  topic: Topics.agentManagerCommands.name,
  dataClass: UpdateAgentData,
  description: "Change some of an agent's registration fields; absent fields keep their value.",
});
export type UpdateAgent = MessageOf<typeof UpdateAgent>;
