import { IsBoolean, IsInt, IsString, Length, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class WorkflowNodeFailedData {
  @IsEntityId() executionId!: string;

  @IsEntityId() workflowId!: string;

  @IsString() @Length(1, 255) nodeName!: string;

  @IsString() @Length(1, 255) nodeType!: string;

  @IsInt() @Min(0) runIndex!: number;

  @IsString() @Length(1, 5000) error!: string;

  /** Whether RetryExecution from this node could succeed. */
  @IsBoolean() retriable!: boolean;
}

export const WorkflowNodeFailed = defineMessage({
  type: 'workflow.node_failed',
  version: 1,
  kind: 'event',
  topic: Topics.executionEvents.name,
  dataClass: WorkflowNodeFailedData,
  description: 'A node of an execution failed (the execution fails unless the node continues on error).',
});
export type WorkflowNodeFailed = MessageOf<typeof WorkflowNodeFailed>;
