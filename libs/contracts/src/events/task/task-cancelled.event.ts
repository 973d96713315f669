import { IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class TaskCancelledData {
  @IsEntityId() taskId!: string;

  @IsString() @Length(1, 2000) reason!: string;
}

export const TaskCancelled = defineMessage({
  type: 'task.cancelled',
  version: 1,
  kind: 'event',
  topic: Topics.taskEvents.name,
  dataClass: TaskCancelledData,
  description: 'A task was cancelled before it finished (terminal); a running attempt is aborted.',
});
export type TaskCancelled = MessageOf<typeof TaskCancelled>;
