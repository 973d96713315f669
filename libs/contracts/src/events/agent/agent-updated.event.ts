import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { AgentProfilePatchData } from './agent-profile-patch.data';

/** The new values of the registration fields that changed (absent fields are unchanged). */
export class AgentUpdatedData extends AgentProfilePatchData {}

export const AgentUpdated = defineMessage({
  type: 'agent.updated',
  version: 1,
  kind: 'event',
  topic: Topics.agentEvents.name,
  dataClass: AgentUpdatedData,
  description: "Some of an agent's registration fields changed; data carries only the changed fields.",
});
export type AgentUpdated = MessageOf<typeof AgentUpdated>;
