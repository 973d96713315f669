import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { ListQueryDto } from '../common/list-query.dto';

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** n8n workflow JSON: an object with a `nodes` array (each node named) and a `connections` object. */
export function IsN8nWorkflow(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isN8nWorkflow',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
        const { nodes, connections } = value as Record<string, unknown>;
        return Array.isArray(nodes) && nodes.every((n) => typeof n === 'object' && n !== null && typeof (n as { name?: unknown }).name === 'string' && typeof (n as { type?: unknown }).type === 'string')
          && typeof connections === 'object' && connections !== null && !Array.isArray(connections);
      },
      defaultMessage: () => 'n8nData must be n8n workflow JSON: { nodes: [{ name, type, ... }], connections: { ... } }',
    },
  }, options);
}

export class ImportWorkflowDto {
  @ApiPropertyOptional({ description: 'Existing id to add a version to, or a new id; generated when absent.' })
  @IsOptional() @Matches(ID, { message: 'id must be 1-128 letters, digits, "_", ".", ":" or "-"' }) id?: string;

  @ApiProperty({ minLength: 3, maxLength: 255 }) @IsString() @Length(3, 255, { message: 'name must be 3-255 characters' }) name!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 10000) description?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'n8n workflow JSON as exported by n8n' }) @IsN8nWorkflow() n8nData!: Record<string, unknown>;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() activate?: boolean;
}

export class ActivateWorkflowDto {
  @ApiPropertyOptional({ description: 'Version to activate; the latest when absent' }) @IsOptional() @IsInt() @Min(1) version?: number;
}

export class DeactivateWorkflowDto {
  @ApiPropertyOptional({ description: 'Why (kept with the event)' }) @IsOptional() @IsString() @Length(1, 2000) reason?: string;
}

export class ExecuteWorkflowDto {
  @ApiPropertyOptional({ description: 'Id of the new execution; generated when absent' }) @IsOptional() @Matches(ID) executionId?: string;
  @ApiPropertyOptional({ description: 'Version to run; the active one when absent' }) @IsOptional() @IsInt() @Min(1) version?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, default: {} }) @IsOptional() @IsObject() input?: Record<string, unknown>;
}

export class ListWorkflowsQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'] }) @IsOptional() @IsIn(['true', 'false']) active?: string;
  @ApiPropertyOptional({ enum: ['createdAt', 'updatedAt', 'name'], default: 'createdAt' }) @IsOptional() @IsIn(['createdAt', 'updatedAt', 'name']) sort?: string;
}
