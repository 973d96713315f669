import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AGENT_ID_PATTERN } from '../agent/agent-profile.data';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class TaskFailedData {
  @IsEntityId() taskId!: string;

  /** The agent the attempt ran on; absent when it failed before assignment (e.g. no capable agent). */
  @IsOptional()
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId?: string;

  @IsInt() @Min(1) attempt!: number;

  @IsString() @Length(1, 2000) reason!: string;

  /** Whether another attempt could succeed (connection reset, 5xx) or not (bad request, unknown model). */
  @IsBoolean() retriable!: boolean;
}

/**
 * An attempt failed. When retriable and retries remain, the coordinator
 * follows it with task.retry_scheduled; otherwise the task is terminally failed.
 */
export const TaskFailed = defineMessage({
  type: 'task.failed',
  version: 1,
  kind: 'event',
  topic: Topics.taskEvents.name,
  dataClass: TaskFailedData,
  description: 'An attempt of a task failed; terminal unless a task.retry_scheduled follows.',
});
export type TaskFailed = MessageOf<typeof TaskFailed>;
