import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { TaskProgressData } from '../../events/task/task-progress.event';
import { Topics } from '../../topics/topics';

export class ReportTaskProgressData extends TaskProgressData {}

export const ReportTaskProgress = defineMessage({
  type: 'ReportTaskProgress',
  version: 1,
  kind: 'command',
  topic: Topics.coordinatorCommands.name,
  dataClass: ReportTaskProgressData,
  description: 'A running attempt streamed more tokens (sent at a bounded rate).',
});
export type ReportTaskProgress = MessageOf<typeof ReportTaskProgress>;
