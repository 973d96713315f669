import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { defineMessage, type MessageOf } from '../../catalogue/message-definition';
import { Topics } from '../../topics/topics';
import { IsEntityId } from '../../validation/is-entity-id.decorator';
import { IsJsonObject } from '../../validation/is-json-object.decorator';
import type { JsonObject } from '../../validation/json-object';

/**
 * Import n8n workflow JSON. A new workflowId yields workflow.imported
 * (version 1); an existing one yields workflow.version_created.
 */
export class ImportWorkflowData {
  @IsEntityId() workflowId!: string;

  /** Name shown in Hive; the n8n JSON's own `name` is kept inside n8nData. */
  @IsString() @Length(1, 255) name!: string;

  @IsOptional() @IsString() @Length(0, 10000) description?: string;

  /** The n8n workflow JSON as exported by n8n. */
  @IsJsonObject() n8nData!: JsonObject;

  /** Activate the imported version at once. */
  @IsOptional() @IsBoolean() activate?: boolean;
}

export const ImportWorkflow = defineMessage({
  type: 'ImportWorkflow',
  version: 1,
  kind: 'command',
  topic: Topics.workflowEngineCommands.name,
  dataClass: ImportWorkflowData,
  description: 'Import n8n workflow JSON as a new workflow, or as a new version of an existing one.',
});
export type ImportWorkflow = MessageOf<typeof ImportWorkflow>;
