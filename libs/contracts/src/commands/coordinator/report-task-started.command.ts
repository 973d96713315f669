import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { TaskStartedData } from '../../events/task/task-started.event';
import { Topics } from '../../topics/topics';

export class ReportTaskStartedData extends TaskStartedData {}

export const ReportTaskStarted = defineMessage({
  type: 'ReportTaskStarted',
  version: 1,
  kind: 'command',
  topic: Topics.coordinatorCommands.name,
  dataClass: ReportTaskStartedData,
  description: 'The agent manager began running an assigned attempt against the agent endpoint.',
});
export type ReportTaskStarted = MessageOf<typeof ReportTaskStarted>;
