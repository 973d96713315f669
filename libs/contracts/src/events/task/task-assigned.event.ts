import { IsIn, IsInt, Matches, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { AGENT_ID_PATTERN } from '../agent/agent-profile.data';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export const TASK_ASSIGNERS = ['scheduler', 'manual'] as const;
export type TaskAssigner = (typeof TASK_ASSIGNERS)[number];

export class TaskAssignedData {
  @IsEntityId() taskId!: string;

  @Matches(AGENT_ID_PATTERN, { message: 'agentId must be 1-63 lower-case letters, digits, "-" or "_"' })
  agentId!: string;

  /** 1 for the first attempt, then one more per retry or requeue. */
  @IsInt() @Min(1) attempt!: number;

  /** Whether the scheduler chose the agent or an AssignTask command did. */
  @IsIn(TASK_ASSIGNERS) assignedBy!: TaskAssigner;
}

export const TaskAssigned = defineMessage({
  type: 'task.assigned',
  version: 1,
  kind: 'event',
  topic: Topics.taskEvents.name,
  dataClass: TaskAssignedData,
  description: 'A task was given to an agent for one attempt.',
});
export type TaskAssigned = MessageOf<typeof TaskAssigned>;
