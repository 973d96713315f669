import { IsOptional, IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class WorkflowDeactivatedData {
  @IsEntityId() workflowId!: string;

  @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export const WorkflowDeactivated = defineMessage({
  type: 'workflow.deactivated',
  version: 1,
  kind: 'event',
  topic: Topics.workflowEvents.name,
  dataClass: WorkflowDeactivatedData,
  description: 'A workflow no longer starts executions from triggers or schedules; running executions continue.',
});
export type WorkflowDeactivated = MessageOf<typeof WorkflowDeactivated>;
