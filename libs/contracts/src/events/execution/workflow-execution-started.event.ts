import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsJsonObject } from '../../validation/is-json-object.decorator';
import type { JsonObject } from '../../validation/json-object';

export class WorkflowExecutionStartedData {
  @IsEntityId() executionId!: string;

  @IsEntityId() workflowId!: string;

  /** The workflow version this execution runs, fixed for its whole life. */
  @IsInt() @Min(1) workflowVersion!: number;

  /** The trigger node the execution starts from (e.g. the webhook that was called); the first trigger when absent. */
  @IsOptional() @IsString() @Length(1, 255) triggerNode?: string;

  /** Input data handed to the trigger node. */
  @IsJsonObject() input!: JsonObject;

  /** 1 for the first run, then one more per RetryExecution. */
  @IsInt() @Min(1) attempt!: number;

  /** On a retry: the node the run resumes from (nodes before it keep their outputs). */
  @IsOptional() @IsString() @Length(1, 255) fromNode?: string;
}

export const WorkflowExecutionStarted = defineMessage({
  type: 'workflow.execution_started',
  version: 1,
  kind: 'event',
  topic: Topics.executionEvents.name,
  dataClass: WorkflowExecutionStartedData,
  description: 'An execution of a workflow started (or restarted from a node on retry).',
});
export type WorkflowExecutionStarted = MessageOf<typeof WorkflowExecutionStarted>;
