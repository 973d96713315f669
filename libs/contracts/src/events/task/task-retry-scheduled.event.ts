import { IsInt, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsTimestamp } from '../../validation/is-timestamp.decorator';

export class TaskRetryScheduledData {
  @IsEntityId() taskId!: string;

  /** The attempt that will run (2 for the first retry). */
  @IsInt() @Min(2) attempt!: number;

  /** The task becomes ready again at this time (backoff; a durable timer fires it). */
  @IsTimestamp() notBefore!: string;
}

export const TaskRetryScheduled = defineMessage({
  type: 'task.retry_scheduled',
  version: 1,
  kind: 'event',
  topic: Topics.taskEvents.name,
  dataClass: TaskRetryScheduledData,
  description: 'A failed or timed-out task will be attempted again after a backoff.',
});
export type TaskRetryScheduled = MessageOf<typeof TaskRetryScheduled>;
