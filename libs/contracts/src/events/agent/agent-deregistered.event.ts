import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { AGENT_ID_PATTERN } from './agent-profile.data';

export class AgentDeregisteredData {
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export const AgentDeregistered = defineMessage({
  type: 'agent.deregistered',
  version: 1,
  kind: 'event',
  topic: Topics.agentEvents.name,
  dataClass: AgentDeregisteredData,
  description: 'An agent left Hive; it receives no more tasks and its running tasks are requeued.',
});
export type AgentDeregistered = MessageOf<typeof AgentDeregistered>;
