import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AGENT_ID_PATTERN } from '../../events/agent/agent-profile.data';
import { Topics } from '../../topics/topics';

export class DeregisterAgentData {
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export const DeregisterAgent = defineMessage({
  type: 'DeregisterAgent',
  version: 1,
  kind: 'command',
  topic: Topics.agentManagerCommands.name,
  dataClass: DeregisterAgentData,
  description: 'Remove an agent from Hive.',
});
export type DeregisterAgent = MessageOf<typeof DeregisterAgent>;
