import { IsInt, IsString, Length, Matches, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AGENT_ID_PATTERN } from '../agent/agent-profile.data';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class TaskStartedData {
  @IsEntityId() taskId!: string;

  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  @IsInt() @Min(1) attempt!: number;

  /** Model the request was sent to. */
  @IsString() @Length(1, 255) model!: string;
}

export const TaskStarted = defineMessage({
  type: 'task.started',
  version: 1,
  kind: 'event',
  topic: Topics.taskEvents.name,
  dataClass: TaskStartedData,
  description: "The agent manager sent a task's request to its agent's endpoint.",
});
export type TaskStarted = MessageOf<typeof TaskStarted>;
