import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsJsonObject } from '../../validation/is-json-object.decorator';
import type { JsonObject } from '../../validation/json-object';

/**
 * Versions are immutable: changing a workflow adds a version. Running
 * executions keep the version they started with.
 */
export class WorkflowVersionCreatedData {
  @IsEntityId() workflowId!: string;

  /** The new version, previousVersion + 1. */
  @IsInt() @Min(2) version!: number;

  @IsInt() @Min(1) previousVersion!: number;

  @IsString() @Length(1, 255) name!: string;

  @IsOptional() @IsString() @Length(0, 10000) description?: string;

  @IsJsonObject() n8nData!: JsonObject;
}

export const WorkflowVersionCreated = defineMessage({
  type: 'workflow.version_created',
  version: 1,
  kind: 'event',
  topic: Topics.workflowEvents.name,
  dataClass: WorkflowVersionCreatedData,
  description: 'A workflow was updated: a new immutable version holds the new n8n JSON.',
});
export type WorkflowVersionCreated = MessageOf<typeof WorkflowVersionCreated>;
