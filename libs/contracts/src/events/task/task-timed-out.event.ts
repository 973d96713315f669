import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AGENT_ID_PATTERN } from '../agent/agent-profile.data';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class TaskTimedOutData {
  @IsEntityId() taskId!: string;

  @IsOptional()
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId?: string;

  @IsInt() @Min(1) attempt!: number;

  /** The limit that was exceeded. */
  @IsInt() @Min(1) timeoutMs!: number;
}

export const TaskTimedOut = defineMessage({
  type: 'task.timed_out',
  version: 1,
  kind: 'event',
  topic: Topics.taskEvents.name,
  dataClass: TaskTimedOutData,
  description: 'An attempt exceeded the task timeout; terminal unless a task.retry_scheduled follows.',
});
export type TaskTimedOut = MessageOf<typeof TaskTimedOut>;
