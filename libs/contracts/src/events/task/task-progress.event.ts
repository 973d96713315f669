import { IsInt, IsNumber, Matches, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AGENT_ID_PATTERN } from '../agent/agent-profile.data';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class TaskProgressData {
  @IsEntityId() taskId!: string;

  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  @IsInt() @Min(1) attempt!: number;

  /** Tokens generated so far in this attempt. */
  @IsInt() @Min(0) tokensSoFar!: number;

  /** Time since the attempt started. */
  @IsNumber() @Min(0) elapsedMs!: number;
}

export const TaskProgress = defineMessage({
  type: 'task.progress',
  version: 1,
  kind: 'event',
  topic: Topics.taskEvents.name,
  dataClass: TaskProgressData,
  description: 'A running task streamed more tokens (emitted at a bounded rate, not per token).',
});
export type TaskProgress = MessageOf<typeof TaskProgress>;
