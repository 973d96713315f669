import { ArrayMaxSize, IsArray, IsNumber, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsJsonObject } from '../../validation/is-json-object.decorator';
import type { JsonObject } from '../../validation/json-object';

export class WorkflowExecutionCompletedData {
  @IsEntityId() executionId!: string;

  @IsEntityId() workflowId!: string;

  /** Items of the last node that ran (the execution's output). */
  @IsArray() @ArrayMaxSize(10000) @IsJsonObject({ each: true })
  output!: JsonObject[];

  /** Time from the first workflow.execution_started to completion. */
  @IsNumber() @Min(0) durationMs!: number;
}

export const WorkflowExecutionCompleted = defineMessage({
  type: 'workflow.execution_completed',
  version: 1,
  kind: 'event',
  topic: Topics.executionEvents.name,
  dataClass: WorkflowExecutionCompletedData,
  description: 'An execution ran every node it had to (terminal).',
});
export type WorkflowExecutionCompleted = MessageOf<typeof WorkflowExecutionCompleted>;
