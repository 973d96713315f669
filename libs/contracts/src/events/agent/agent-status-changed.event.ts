import { IsIn, IsString, Length, Matches } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { AGENT_ID_PATTERN } from './agent-profile.data';
import { AGENT_STATUSES, type AgentStatus } from './agent-status.data';

export class AgentStatusChangedData {
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  @IsIn(AGENT_STATUSES) from!: AgentStatus;

  @IsIn(AGENT_STATUSES) to!: AgentStatus;

  /** Why, in words a dashboard can show (e.g. `3 health checks failed: ECONNREFUSED`). */
  @IsString() @Length(1, 2000) reason!: string;
}

export const AgentStatusChanged = defineMessage({
  type: 'agent.status_changed',
  version: 1,
  kind: 'event',
  topic: Topics.agentEvents.name,
  dataClass: AgentStatusChangedData,
  description: 'An agent moved between online, busy, degraded and offline.',
});
export type AgentStatusChanged = MessageOf<typeof AgentStatusChanged>;
