import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsJsonObject } from '../../validation/is-json-object.decorator';
import type { JsonObject } from '../../validation/json-object';

export class StartExecutionData {
  /** Id of the new execution (chosen by the caller, so a retried request is idempotent). */
  @IsEntityId() executionId!: string;

  @IsEntityId() workflowId!: string;

  /** Version to run; the active version when absent. */
  @IsOptional() @IsInt() @Min(1) workflowVersion?: number;

  /** Trigger node to start from (e.g. the webhook node that received the request); the first trigger when absent. */
  @IsOptional() @IsString() @Length(1, 255) triggerNode?: string;

  /** Input handed to the trigger node. */
  @IsJsonObject() input!: JsonObject;
}

export const StartExecution = defineMessage({
  type: 'StartExecution',
  version: 1,
  kind: 'command',
  topic: Topics.workflowEngineCommands.name,
  dataClass: StartExecutionData,
  description: 'Run a workflow with the given input.',
});
export type StartExecution = MessageOf<typeof StartExecution>;
