import { IsOptional, IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class DeactivateWorkflowData {
  @IsEntityId() workflowId!: string;

  @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export const DeactivateWorkflow = defineMessage({
  type: 'DeactivateWorkflow',
  version: 1,
  kind: 'command',
  topic: Topics.workflowEngineCommands.name,
  dataClass: DeactivateWorkflowData,
  description: 'Stop a workflow from starting executions from triggers or schedules.',
});
export type DeactivateWorkflow = MessageOf<typeof DeactivateWorkflow>;
