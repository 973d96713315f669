import { IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class CancelTaskData {
  @IsEntityId() taskId!: string;

  @IsString() @Length(1, 2000) reason!: string;
}

export const CancelTask = defineMessage({
  type: 'CancelTask',
  version: 1,
  kind: 'command',
  topic: Topics.coordinatorCommands.name,
  dataClass: CancelTaskData,
  description: 'Cancel a task that has not reached a terminal state.',
});
export type CancelTask = MessageOf<typeof CancelTask>;
