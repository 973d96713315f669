import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, Min, ValidateNested } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { WorkflowWebhookData } from './workflow-webhook.data';

export class WorkflowActivatedData {
  @IsEntityId() workflowId!: string;

  /** The version new executions (and triggers) use from now on. */
  @IsInt() @Min(1) version!: number;

  /** The version's enabled webhook triggers, for the gateway's /webhook/{path} routes (absent: none). */
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => WorkflowWebhookData)
  webhooks?: WorkflowWebhookData[];
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
