import { IsInt, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';

export class WorkflowActivatedData {
  @IsEntityId() workflowId!: string;

  /** The version new executions (and triggers) use from now on. */
  @IsInt() @Min(1) version!: number;
}

export const WorkflowActivated = defineMessage({
  type: 'workflow.activated',
  version: 1,
  kind: 'event',
  topic: Topics.workflowEvents.name,
  dataClass: WorkflowActivatedData,
  description: 'A version of a workflow became the active one; its triggers and schedules are armed.',
});
export type WorkflowActivated = MessageOf<typeof WorkflowActivated>;
