import { IsOptional, IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class RetryTaskData {
  @IsEntityId() taskId!: string;

  @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export const RetryTask = defineMessage({
  type: 'RetryTask',
  version: 1,
  kind: 'command',
  topic: Topics.coordinatorCommands.name,
  dataClass: RetryTaskData,
  description: 'Run a failed or timed-out task again, beyond its automatic retries.',
});
export type RetryTask = MessageOf<typeof RetryTask>;
