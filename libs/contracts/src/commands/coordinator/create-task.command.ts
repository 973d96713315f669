import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { TaskSpecData } from '../../events/task/task-spec.data';
import { Topics } from '../../topics/topics';

export class CreateTaskData extends TaskSpecData {}

export const CreateTask = defineMessage({
  type: 'CreateTask',
  version: 1,
  kind: 'command',
  topic: Topics.coordinatorCommands.name,
  dataClass: CreateTaskData,
  description: 'Create a task for an agent to run, optionally after other tasks.',
});
export type CreateTask = MessageOf<typeof CreateTask>;
