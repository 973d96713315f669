import { IsOptional, IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class WorkflowExecutionFailedData {
  @IsEntityId() executionId!: string;

  @IsEntityId() workflowId!: string;

  @IsString() @Length(1, 5000) error!: string;

  /** The node that failed, absent when the execution failed as a whole (e.g. invalid workflow). */
  @IsOptional() @IsString() @Length(1, 255) failedNode?: string;
}

export const WorkflowExecutionFailed = defineMessage({
  type: 'workflow.execution_failed',
  version: 1,
  kind: 'event',
  topic: Topics.executionEvents.name,
  dataClass: WorkflowExecutionFailedData,
  description: 'An execution stopped on an error; RetryExecution can resume it.',
});
export type WorkflowExecutionFailed = MessageOf<typeof WorkflowExecutionFailed>;
