import { IsOptional, IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class RetryExecutionData {
  /** The failed execution; it resumes under the same id with the next attempt number. */
  @IsEntityId() executionId!: string;

  /** Node to resume from; the node that failed when absent. Nodes before it keep their outputs. */
  @IsOptional() @IsString() @Length(1, 255) fromNode?: string;
}

export const RetryExecution = defineMessage({
  type: 'RetryExecution',
  version: 1,
  kind: 'command',
  topic: Topics.workflowEngineCommands.name,
  dataClass: RetryExecutionData,
  description: 'Resume a failed execution from a node, reusing the outputs of the nodes before it.',
});
export type RetryExecution = MessageOf<typeof RetryExecution>;
