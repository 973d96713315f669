import { IsInt, IsOptional, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class ActivateWorkflowData {
  @IsEntityId() workflowId!: string;

  /** Version to activate; the latest when absent. */
  @IsOptional() @IsInt() @Min(1) version?: number;
}

export const ActivateWorkflow = defineMessage({
  type: 'ActivateWorkflow',
  version: 1,
  kind: 'command',
  topic: Topics.workflowEngineCommands.name,
  dataClass: ActivateWorkflowData,
  description: 'Make a version of a workflow the active one and arm its triggers.',
});
export type ActivateWorkflow = MessageOf<typeof ActivateWorkflow>;
