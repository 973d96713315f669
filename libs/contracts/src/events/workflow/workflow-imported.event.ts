import { Equals, IsBoolean, IsInt, IsOptional, IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsJsonObject } from '../../validation/is-json-object.decorator';
import type { JsonObject } from '../../validation/json-object';

export class WorkflowImportedData {
  @IsEntityId() workflowId!: string;

  @IsString() @Length(1, 255) name!: string;

  @IsOptional() @IsString() @Length(0, 10000) description?: string;

  /** Always 1: later imports of the same workflow emit workflow.version_created. */
  @IsInt() @Equals(1) version!: number;

  /** The n8n workflow JSON (`nodes`, `connections`, `settings`...), as imported. */
  @IsJsonObject() n8nData!: JsonObject;

  /** Whether the import also activated version 1 (a workflow.activated follows). */
  @IsBoolean() active!: boolean;
}

export const WorkflowImported = defineMessage({
  type: 'workflow.imported',
  version: 1,
  kind: 'event',
  topic: Topics.workflowEvents.name,
  dataClass: WorkflowImportedData,
  description: 'An n8n workflow was imported into Hive as version 1 of a new workflow.',
});
export type WorkflowImported = MessageOf<typeof WorkflowImported>;
