import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class TaskReadyData {
  @IsEntityId() taskId!: string;
}

export const TaskReady = defineMessage({
  type: 'task.ready',
  version: 1,
  kind: 'event',
  topic: Topics.taskEvents.name,
  dataClass: TaskReadyData,
  description: 'Every dependency of a task has completed; it waits in the queue for an agent.',
});
export type TaskReady = MessageOf<typeof TaskReady>;
