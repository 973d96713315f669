import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { TaskFailedData } from '../../events/task/task-failed.event';
import { Topics } from '../../topics/topics';

export class ReportTaskFailedData extends TaskFailedData {}

export const ReportTaskFailed = defineMessage({
  type: 'ReportTaskFailed',
  version: 1,
  kind: 'command',
  topic: Topics.coordinatorCommands.name,
  dataClass: ReportTaskFailedData,
  description: 'A running attempt failed (provider error, endpoint unreachable); retriable failures are retried with backoff.',
});
export type ReportTaskFailed = MessageOf<typeof ReportTaskFailed>;
