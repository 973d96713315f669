import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { TaskSpecData } from './task-spec.data';

export class TaskCreatedData extends TaskSpecData {}

export const TaskCreated = defineMessage({
  type: 'task.created',
  version: 1,
  kind: 'event',
  topic: Topics.taskEvents.name,
  dataClass: TaskCreatedData,
  description: 'A task was accepted; it becomes ready once every task it depends on has completed.',
});
export type TaskCreated = MessageOf<typeof TaskCreated>;
