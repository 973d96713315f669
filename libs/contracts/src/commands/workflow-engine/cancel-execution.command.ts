import { IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class CancelExecutionData {
  @IsEntityId() executionId!: string;

  @IsString() @Length(1, 2000) reason!: string;
}

export const CancelExecution = defineMessage({
  type: 'CancelExecution',
  version: 1,
  kind: 'command',
  topic: Topics.workflowEngineCommands.name,
  dataClass: CancelExecutionData,
  description: 'Cancel a running execution.',
});
export type CancelExecution = MessageOf<typeof CancelExecution>;
