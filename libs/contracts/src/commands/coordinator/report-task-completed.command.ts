import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { TaskCompletedData } from '../../events/task/task-completed.event';
import { Topics } from '../../topics/topics';

export class ReportTaskCompletedData extends TaskCompletedData {}

export const ReportTaskCompleted = defineMessage({
  type: 'ReportTaskCompleted',
  version: 1,
  kind: 'command',
  topic: Topics.coordinatorCommands.name,
  dataClass: ReportTaskCompletedData,
  description: 'A running attempt finished with a result; the coordinator decides whether it completes the task (a stale attempt is ignored).',
});
export type ReportTaskCompleted = MessageOf<typeof ReportTaskCompleted>;
