import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsNumber, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { NodeOutputData } from './node-output.data';
import { WebhookResponseData } from './webhook-response.data';

export class WorkflowNodeCompletedData {
  @IsEntityId() executionId!: string;

  @IsEntityId() workflowId!: string;

  @IsString() @Length(1, 255) nodeName!: string;

  @IsString() @Length(1, 255) nodeType!: string;

  @IsInt() @Min(0) runIndex!: number;

  /** Items per output; the durable per-node state a retry or restart resumes from. */
  @IsArray()
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => NodeOutputData)
  outputs!: NodeOutputData[];

  /** Percentage of the execution's nodes done (0-100). */
  @IsNumber() @Min(0) @Max(100) progress!: number;

  @IsNumber() @Min(0) durationMs!: number;

  /** Set by a Respond to Webhook node: what the gateway answers the webhook's caller (responseMode responseNode). */
  @IsOptional() @ValidateNested() @Type(() => WebhookResponseData)
  response?: WebhookResponseData;
}

export const WorkflowNodeCompleted = defineMessage({
  type: 'workflow.node_completed',
  version: 1,
  kind: 'event',
  topic: Topics.executionEvents.name,
  dataClass: WorkflowNodeCompletedData,
  description: 'A node of an execution finished and emitted its output items.',
});
export type WorkflowNodeCompleted = MessageOf<typeof WorkflowNodeCompleted>;
