import { IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class WorkflowExecutionCancelledData {
  @IsEntityId() executionId!: string;

  @IsEntityId() workflowId!: string;

  @IsString() @Length(1, 2000) reason!: string;
}

export const WorkflowExecutionCancelled = defineMessage({
  type: 'workflow.execution_cancelled',
  version: 1,
  kind: 'event',
  topic: Topics.executionEvents.name,
  dataClass: WorkflowExecutionCancelledData,
  description: 'An execution was cancelled (terminal); its running tasks and tool calls are cancelled.',
});
export type WorkflowExecutionCancelled = MessageOf<typeof WorkflowExecutionCancelled>;
