import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AGENT_ID_PATTERN } from '../agent/agent-profile.data';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class TaskRequeuedData {
  @IsEntityId() taskId!: string;

  /** The agent the task is taken from. */
  @IsOptional()
  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  previousAgentId?: string;

  /** E.g. `agent acacia went offline`, `agent deregistered`, `agent draining`. */
  @IsString() @Length(1, 2000) reason!: string;
}

export const TaskRequeued = defineMessage({
  type: 'task.requeued',
  version: 1,
  kind: 'event',
  topic: Topics.taskEvents.name,
  dataClass: TaskRequeuedData,
  description: 'An assigned or running task went back to the queue through no fault of its own (does not use a retry).',
});
export type TaskRequeued = MessageOf<typeof TaskRequeued>;
